package org.trainguard.trainer.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import org.trainguard.core.checkpoint.BestCheckpoint;
import org.trainguard.core.checkpoint.CheckpointStore;
import org.trainguard.core.config.ConfigLoader;
import org.trainguard.core.config.TrainguardConfig;
import org.trainguard.core.io.Json;
import org.trainguard.core.lock.RunLock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trainer checkpoints list|verify|prune --config F}. */
@Command(name = "checkpoints", mixinStandardHelpOptions = true,
        description = "list: the checkpoints and their verification; verify: exit 1 if any fails; "
                + "prune: keep the newest --keep-last plus the best (refused while a trainer runs).")
final class CheckpointsCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "list|verify|prune", description = "What to do.")
    String action;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The run's YAML configuration.")
    Path config;

    @Option(names = "--keep-last", paramLabel = "N", description = "For prune: how many to keep (default checkpoint.keep_last).")
    Integer keepLast;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        TrainguardConfig c = ConfigLoader.load(config);
        Path outputDir = c.training().outputDir();
        var out = spec.commandLine().getOut();
        switch (action) {
            case "list", "verify" -> {
                List<Map<String, Object>> cps = RunInspector.checkpoints(outputDir);
                if (json) {
                    out.println(Json.mapper().writeValueAsString(cps));
                } else {
                    printTable(out, cps);
                }
                Map<String, Object> fin = RunInspector.finalBundle(outputDir);
                if (!json) {
                    out.println("  final/     " + RunInspector.describeFinal(fin));
                }
                out.flush();
                boolean bad = cps.stream().anyMatch(m -> !Boolean.TRUE.equals(m.get("verified"))) || Boolean.TRUE.equals(fin.get("fault"));
                return action.equals("verify") && bad ? 1 : 0;
            }
            case "prune" -> {
                if (RunLock.holder(outputDir).isPresent()) {
                    throw new TrainerCli.UsageException("a trainer is running in " + outputDir + "; it rotates its checkpoints itself");
                }
                CheckpointStore store = new CheckpointStore(outputDir);
                int keep = keepLast == null ? c.checkpoint().keepLast() : keepLast;
                if (keep < 1) {
                    throw new TrainerCli.UsageException("--keep-last must be >= 1, found " + keep);
                }
                OptionalLong best = store.readBest().map(BestCheckpoint::step).map(OptionalLong::of).orElse(OptionalLong.empty());
                List<Path> deleted = store.prune(keep, c.checkpoint().keepBest() ? best : OptionalLong.empty());
                deleted.forEach(p -> out.println("deleted " + p));
                out.println("kept " + store.list().size() + " checkpoint(s)");
                out.flush();
                return 0;
            }
            default -> throw new TrainerCli.UsageException("checkpoints takes list, verify or prune, found \"" + action + "\"");
        }
    }

    static void printTable(PrintWriter out, List<Map<String, Object>> cps) {
        if (cps.isEmpty()) {
            out.println("  (none)");
            return;
        }
        out.printf("  %-10s %-9s %-5s %-28s %s%n", "step", "verified", "best", "created", "path");
        for (Map<String, Object> m : cps) {
            boolean ok = Boolean.TRUE.equals(m.get("verified"));
            out.printf("  %-10s %-9s %-5s %-28s %s%s%n", m.get("step"), ok ? "ok" : "BROKEN", Boolean.TRUE.equals(m.get("best")) ? "*" : "",
                    m.get("created_at"), m.get("path"), ok ? "" : "  (" + m.get("problem") + ")");
        }
    }
}
