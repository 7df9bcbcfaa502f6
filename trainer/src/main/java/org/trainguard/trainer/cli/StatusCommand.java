package org.trainguard.trainer.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.trainguard.cli.ConfigOption;
import org.trainguard.core.io.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trainer status --config F}: where a run stands, and its checkpoints. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = "Show a run's status, progress, checkpoints and best metric.")
final class StatusCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Path outputDir = config.load().training().outputDir();
        Map<String, Object> s = RunInspector.status(outputDir);
        var out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.mapper().writeValueAsString(s));
            out.flush();
            return 0;
        }
        for (Map.Entry<String, Object> e : s.entrySet()) {
            if (e.getKey().equals("checkpoints")) {
                continue;
            }
            Object v = e.getValue();
            if (v instanceof Double d) {
                v = String.format(Locale.ROOT, "%.3f", d);
            }
            if (e.getKey().equals("final") && v instanceof Map<?, ?> f) {
                @SuppressWarnings("unchecked")
                Map<String, Object> fm = (Map<String, Object>) f;
                v = RunInspector.describeFinal(fm);
            }
            if (e.getKey().equals("mirror") && v instanceof Map<?, ?> mi) {
                @SuppressWarnings("unchecked")
                Map<String, Object> mm = (Map<String, Object>) mi;
                v = RunInspector.describeMirror(mm);
            }
            out.printf("%-22s %s%n", e.getKey(), v);
        }
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> cps = (List<Map<String, Object>>) s.get("checkpoints");
        out.println("checkpoints (" + cps.size() + "):");
        CheckpointsCommand.printTable(out, cps);
        out.flush();
        return 0;
    }
}
