package org.trainguard.watchdog;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.trainguard.cli.ConfigOption;
import org.trainguard.config.TrainguardConfig;
import org.trainguard.core.io.Json;
import org.trainguard.watchdog.supervise.RunStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code watchdog status --config F [--json]}: whether the run is supervised, the trainer's pid, the run's status
 * and step, restarts, the restart budget left, the last failure and its reason, and what happens next.
 */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "Report on a run: supervised or not, trainer, progress, restarts, budget, last failure, next action.")
final class StatusCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        TrainguardConfig loaded = config.load();
        RunStatus status = RunStatus.inspect(
                config.absolute(),
                loaded.training().outputDir().toAbsolutePath().normalize());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.mapper().writeValueAsString(status.toJson()));
            out.flush();
        } else {
            status.print(out);
        }
        return 0;
    }
}
