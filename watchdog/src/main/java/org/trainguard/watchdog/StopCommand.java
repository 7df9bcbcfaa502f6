package org.trainguard.watchdog;

import java.time.Duration;
import java.util.concurrent.Callable;
import org.trainguard.cli.ConfigOption;
import org.trainguard.cli.UsageException;
import org.trainguard.config.Durations;
import org.trainguard.config.TrainguardConfig;
import org.trainguard.watchdog.supervise.RunStopper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code watchdog stop --config F}: stops a run on purpose from another terminal. The watchdog stops the trainer
 * (which writes its emergency checkpoint), records the stop and exits; nothing restarts the run until
 * {@code watchdog run} starts it again. Without a watchdog, a running trainer gets SIGTERM directly.
 */
@Command(
        name = "stop",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Stop a run on purpose: the trainer writes its emergency checkpoint and nothing restarts it.")
final class StopCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Option(
            names = "--stop-timeout",
            paramLabel = "DURATION",
            description = "Time the trainer gets for its emergency checkpoint (default watchdog.stop_timeout, 120s).")
    String stopTimeout;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        TrainguardConfig loaded = config.load();
        Duration timeout = loaded.watchdog().stopTimeout();
        if (stopTimeout != null) {
            timeout = Durations.parse("--stop-timeout", stopTimeout);
            if (timeout.isZero()) {
                throw new UsageException("--stop-timeout must be > 0, found " + stopTimeout);
            }
        }
        return RunStopper.stop(
                config.absolute(),
                loaded.training().outputDir().toAbsolutePath().normalize(),
                timeout,
                spec.commandLine().getOut());
    }
}
