package org.trainguard.core.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Checks {@code checkpoints/best.json} against the checkpoints themselves and rebuilds it from
 * their recorded metrics when it does not match them. A stale record (naming a checkpoint that is
 * gone, or a value no checkpoint has) would otherwise make every later evaluation look worse than
 * a best that does not exist, so rotation would delete the real best checkpoint.
 *
 * <p>A checkpoint's {@code training_state.json} describes an evaluation of that very checkpoint
 * when its best step is its own step: the evaluation at that step set a new best and the
 * checkpoint was written right after it, with the evaluation's metrics. Only such checkpoints
 * are candidates; the others hold the metrics of an earlier model.
 */
public final class BestCheckpoints {

    /**
     * The outcome of the check.
     *
     * @param best the best checkpoint that exists and verifies, empty when no checkpoint records an
     *     evaluation by the metric
     * @param problem why {@code best.json} was not trusted; empty when it was (or when there was
     *     none and nothing to rebuild it from)
     */
    public record Check(Optional<BestCheckpoint> best, String problem) {
        /** @return whether {@code best.json} must be rewritten (or removed) */
        public boolean rebuilt() {
            return !problem.isEmpty();
        }
    }

    private BestCheckpoints() {}

    /**
     * Checks {@code best.json}; a candidate that does not verify is moved aside into
     * {@code checkpoints/broken/} like any broken checkpoint. Writes nothing else.
     *
     * @param store the run's checkpoints
     * @param metric the metric the run ranks checkpoints by
     * @param greaterIsBetter whether a larger value is better
     * @param verifiedStep the step of a checkpoint the caller has just verified (not hashed again), or -1
     * @return the best checkpoint and, when {@code best.json} did not match, why
     */
    public static Check check(CheckpointStore store, String metric, boolean greaterIsBetter, long verifiedStep) {
        boolean fileThere = Files.isRegularFile(store.dir().resolve(BestCheckpoint.FILE_NAME));
        Optional<BestCheckpoint> recorded = store.readBest();
        List<BestCheckpoint> candidates = candidates(store, metric, greaterIsBetter);
        String problem = "";
        if (recorded.isEmpty()) {
            if (candidates.isEmpty()) {
                return new Check(
                        Optional.empty(), fileThere ? "is unreadable and no checkpoint records an evaluation" : "");
            }
            problem = fileThere ? "is unreadable" : "is missing";
        } else {
            BestCheckpoint r = recorded.get();
            Optional<BestCheckpoint> same =
                    candidates.stream().filter(c -> c.step() == r.step()).findFirst();
            Optional<BestCheckpoint> top = top(candidates, greaterIsBetter);
            if (!r.metric().equals(metric)) {
                problem = "ranks by " + r.metric() + ", but the run ranks by " + metric;
            } else if (!r.path().equals(CheckpointStore.PREFIX + r.step())
                    || store.list().stream().noneMatch(c -> c.step() == r.step())) {
                problem = "names " + r.path() + " (step " + r.step() + "), which does not exist";
            } else if (same.isEmpty()) {
                problem = "names " + r.path() + ", whose " + TrainingState.FILE_NAME + " records no evaluation of it";
            } else if (Double.compare(same.get().value(), r.value()) != 0) {
                problem = "says " + metric + " " + r.value() + " for " + r.path() + ", but its "
                        + TrainingState.FILE_NAME + " records " + same.get().value();
            } else if (top.isPresent()
                    && top.get().step() != r.step()
                    && r.improvedBy(top.get().value())) {
                problem = "names " + r.path() + " (" + metric + " " + r.value() + "), but "
                        + top.get().path() + " has a better one (" + top.get().value() + ")";
            }
        }
        // the best candidate that verifies; a broken one is moved aside and the next one tried
        List<BestCheckpoint> ranked = new ArrayList<>(candidates);
        while (!ranked.isEmpty()) {
            BestCheckpoint t = top(ranked, greaterIsBetter).orElseThrow();
            CheckpointStore.Verification v = t.step() == verifiedStep
                    ? new CheckpointStore.Verification(true, "", Optional.empty())
                    : store.verify(store.dir().resolve(t.path()));
            if (v.ok()) {
                return new Check(Optional.of(t), problem);
            }
            store.moveAside(store.dir().resolve(t.path()), v.problem());
            if (problem.isEmpty()) {
                problem = "names " + t.path() + ", which does not verify (" + v.problem() + ")";
            }
            ranked.remove(t);
        }
        return new Check(Optional.empty(), problem.isEmpty() ? "names a checkpoint that does not verify" : problem);
    }

    private static List<BestCheckpoint> candidates(CheckpointStore store, String metric, boolean greaterIsBetter) {
        List<BestCheckpoint> out = new ArrayList<>();
        for (CheckpointStore.Checkpoint c : store.list()) {
            TrainingState ts;
            try {
                ts = store.readTrainingState(c);
            } catch (IOException | RuntimeException e) {
                continue; // a checkpoint that cannot say what it holds is not a candidate
            }
            if (ts.bestStep() != c.step()
                    || !(ts.metrics().get(metric) instanceof Number n)
                    || Double.isNaN(n.doubleValue())) {
                continue;
            }
            out.add(new BestCheckpoint(metric, n.doubleValue(), c.step(), c.name(), greaterIsBetter));
        }
        return out;
    }

    /** The best of the list; on a tie the oldest, as an uninterrupted run keeps the first of equal values. */
    private static Optional<BestCheckpoint> top(List<BestCheckpoint> list, boolean greaterIsBetter) {
        Comparator<BestCheckpoint> better = Comparator.comparingDouble(BestCheckpoint::value);
        if (!greaterIsBetter) {
            better = better.reversed();
        }
        BestCheckpoint top = null;
        for (BestCheckpoint b : list.stream()
                .sorted(Comparator.comparingLong(BestCheckpoint::step))
                .toList()) {
            if (top == null || better.compare(b, top) > 0) {
                top = b;
            }
        }
        return Optional.ofNullable(top);
    }
}
