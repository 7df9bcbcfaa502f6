package org.trainguard.trainer.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.trainguard.cli.ConfigOption;
import org.trainguard.cli.UsageException;
import org.trainguard.config.TrainguardConfig;
import org.trainguard.core.checkpoint.BestCheckpoint;
import org.trainguard.core.checkpoint.CheckpointStore;
import org.trainguard.core.io.Json;
import org.trainguard.core.io.UnusablePathException;
import org.trainguard.core.lock.RunLock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trainer checkpoints list|verify|prune --config F}. */
@Command(
        name = "checkpoints",
        mixinStandardHelpOptions = true,
        description = "list: the checkpoints and their verification; verify: exit 1 if any fails; "
                + "prune: move broken checkpoints to checkpoints/broken/, keep the newest --keep-last that verify plus the best "
                + "(refused while a trainer runs: exit 5).")
final class CheckpointsCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "list|verify|prune", description = "What to do.")
    String action;

    @Mixin
    ConfigOption config;

    @Option(
            names = "--keep-last",
            paramLabel = "N",
            description = "For prune: how many to keep (default checkpoint.keep_last).")
    Integer keepLast;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        TrainguardConfig c = config.load();
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
                boolean bad = cps.stream().anyMatch(m -> !Boolean.TRUE.equals(m.get("verified")))
                        || Boolean.TRUE.equals(fin.get("fault"));
                return action.equals("verify") && bad ? 1 : 0;
            }
            case "prune" -> {
                int keep = keepLast == null ? c.checkpoint().keepLast() : keepLast;
                if (keep < 1) {
                    throw new UsageException("--keep-last must be >= 1, found " + keep);
                }
                prune(outputDir, keep, c.checkpoint().keepBest(), out);
                out.flush();
                return 0;
            }
            default -> throw new UsageException("checkpoints takes list, verify or prune, found \"" + action + "\"");
        }
    }

    /**
     * Prunes under the run lock, so that no trainer can start and write a checkpoint meanwhile; a lock that cannot
     * be taken or read (held, a folder, unreadable) refuses the prune: nothing is deleted when in doubt. Only
     * checkpoints that verify count towards {@code keep}: the broken ones are moved to {@code checkpoints/broken/}
     * first, never deleted, so a corrupted newest checkpoint can no longer push out the only good one.
     */
    private static void prune(Path outputDir, int keep, boolean keepBest, PrintWriter out) throws Exception {
        CheckpointStore store = new CheckpointStore(outputDir);
        if (!Files.isDirectory(store.dir())) {
            out.println("no checkpoints in " + outputDir + "; nothing to prune");
            return;
        }
        RunLock lock;
        try {
            lock = RunLock.acquire(outputDir, "");
        } catch (UnusablePathException e) {
            throw new UnusablePathException(e.path(), e.getMessage() + "; nothing was pruned");
        } catch (IOException e) {
            throw new UnusablePathException(
                    outputDir.resolve(RunLock.FILE_NAME),
                    "cannot take the run lock "
                            + outputDir.resolve(RunLock.FILE_NAME) + " (" + e.getMessage()
                            + "), so a trainer may be running; "
                            + "nothing was pruned");
        }
        try (lock) {
            List<CheckpointStore.Checkpoint> good = new ArrayList<>();
            for (CheckpointStore.Checkpoint cp : store.list()) {
                CheckpointStore.Verification v = store.verify(cp.dir());
                if (v.ok()) {
                    good.add(cp);
                } else {
                    Path moved = store.moveAside(cp.dir(), v.problem());
                    out.println("moved " + cp.name() + " to " + moved + ": it does not verify (" + v.problem() + ")");
                }
            }
            Set<Long> best = new TreeSet<>();
            if (keepBest) {
                Set<Long> goodSteps = new TreeSet<>();
                good.forEach(cp -> goodSteps.add(cp.step()));
                store.readBest()
                        .map(BestCheckpoint::step)
                        .filter(goodSteps::contains)
                        .ifPresent(best::add);
                // best.json may be missing or stale: the newest good checkpoint also records the best step
                if (!good.isEmpty()) {
                    try {
                        long recorded = store.readTrainingState(good.get(good.size() - 1))
                                .bestStep();
                        if (goodSteps.contains(recorded)) {
                            best.add(recorded);
                        }
                    } catch (IOException unreadable) {
                        // it verified, so this cannot happen short of a disk failure; best.json alone decides
                    }
                }
            }
            List<Path> deleted = store.prune(keep, best);
            deleted.forEach(p -> out.println("deleted " + p));
            best.forEach(step -> out.println("kept checkpoint-" + step + ", the best"));
            out.println("kept " + store.list().size() + " checkpoint(s)");
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
            out.printf(
                    "  %-10s %-9s %-5s %-28s %s%s%n",
                    m.get("step"),
                    ok ? "ok" : "BROKEN",
                    Boolean.TRUE.equals(m.get("best")) ? "*" : "",
                    m.get("created_at"),
                    m.get("path"),
                    ok ? "" : "  (" + m.get("problem") + ")");
        }
    }
}
