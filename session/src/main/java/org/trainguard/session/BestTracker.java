package org.trainguard.session;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainguard.core.checkpoint.BestCheckpoint;
import org.trainguard.core.checkpoint.CheckpointStore;
import org.trainguard.core.checkpoint.TrainingState;
import org.trainguard.core.run.SessionState;

/**
 * The best evaluation of a run, and early stopping: counts the evaluations in a row that did not
 * beat the best value before them by more than {@code min_delta}, and ends the run once they reach
 * the patience. The count goes into every checkpoint, so a resumed run stops at the same step as an
 * uninterrupted one.
 */
final class BestTracker {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingSessionManager.class);

    private final SessionOptions options;
    private volatile Optional<BestCheckpoint> best = Optional.empty();
    private int evaluationsWithoutImprovement;
    private volatile String stoppedEarly;

    /** @param options the metric, its direction, keep-best and early stopping */
    BestTracker(SessionOptions options) {
        this.options = options;
    }

    /** @param checked the best as {@code best.json} and the checkpoints agree on at start-up */
    void start(Optional<BestCheckpoint> checked) {
        best = checked;
    }

    /** @return the best evaluation so far */
    Optional<BestCheckpoint> best() {
        return best;
    }

    /**
     * Records an evaluation's value of the options' metric.
     *
     * @param value the value
     * @param step the step evaluated
     * @param totalSteps steps of the whole run
     * @return whether it is a new best
     */
    boolean record(double value, long step, long totalSteps) {
        countForEarlyStopping(value, step, totalSteps);
        boolean improved = best.map(b -> b.improvedBy(value)).orElse(true);
        if (improved) {
            best = Optional.of(new BestCheckpoint(
                    options.metric(), value, step, CheckpointStore.PREFIX + step, options.greaterIsBetter()));
            LOG.info("new best {} = {} at step {}", options.metric(), value, step);
        }
        return improved;
    }

    private void countForEarlyStopping(double value, long step, long totalSteps) {
        if (options.earlyStopping().isEmpty()) {
            return;
        }
        var e = options.earlyStopping().get();
        Optional<BestCheckpoint> before = best;
        boolean better = before.map(b -> e.improves(value, b.value(), options.greaterIsBetter()))
                .orElse(true);
        evaluationsWithoutImprovement = better ? 0 : evaluationsWithoutImprovement + 1;
        if (evaluationsWithoutImprovement >= e.patience() && step < totalSteps) {
            BestCheckpoint b = before.orElseThrow();
            stoppedEarly = "stopped early at step " + step + " of " + totalSteps + ": " + options.metric()
                    + " has not improved by more than "
                    + e.minDelta() + " on its best, " + b.value() + " at step " + b.step() + ", in "
                    + evaluationsWithoutImprovement
                    + " evaluations in a row (early stopping patience " + e.patience() + ")";
            LOG.info("{}", stoppedEarly);
        } else if (!better) {
            LOG.info(
                    "{} did not improve by more than {} ({} of {} evaluations without improvement before early stopping)",
                    options.metric(),
                    e.minDelta(),
                    evaluationsWithoutImprovement,
                    e.patience());
        }
    }

    /**
     * Takes the early-stopping count and best of a checkpoint.
     *
     * @param ts the checkpoint's training state
     * @return whether the run had already ended early at that checkpoint's step
     */
    boolean restore(TrainingState ts) {
        evaluationsWithoutImprovement = ts.evaluationsWithoutImprovement();
        var ended = options.earlyStopping().filter(e -> evaluationsWithoutImprovement >= e.patience());
        ended.ifPresent(e -> {
            // the run already ended early at this step: it is complete, and its last evaluation is this step's
            stoppedEarly = "the run stopped early at step " + ts.step() + ": " + options.metric()
                    + " did not improve in " + evaluationsWithoutImprovement
                    + " evaluations in a row (early stopping patience " + e.patience() + ")";
        });
        if (ts.hasBest() && best.isEmpty()) {
            best = Optional.of(new BestCheckpoint(
                    ts.bestMetric(),
                    ts.bestValue(),
                    ts.bestStep(),
                    CheckpointStore.PREFIX + ts.bestStep(),
                    options.greaterIsBetter()));
        }
        return ended.isPresent();
    }

    /** @return the step of the best checkpoint when rotation must keep it */
    OptionalLong keptStep() {
        return best.filter(x -> options.keepBest())
                .map(x -> OptionalLong.of(x.step()))
                .orElse(OptionalLong.empty());
    }

    /** @return the steps rotation must keep besides the newest ones */
    Set<Long> keptSteps() {
        OptionalLong kept = keptStep();
        return kept.isPresent() ? Set.of(kept.getAsLong()) : Set.of();
    }

    /** @return the best as the session file records it, or null */
    SessionState.Best sessionBest() {
        return best.map(x -> new SessionState.Best(x.metric(), x.value(), x.step()))
                .orElse(null);
    }

    /** @return early stopping's state as the session file records it, or null without early stopping */
    SessionState.EarlyStopping sessionEarlyStopping() {
        return options.earlyStopping()
                .map(e -> new SessionState.EarlyStopping(
                        e.patience(), e.minDelta(), evaluationsWithoutImprovement, stoppedEarly != null))
                .orElse(null);
    }

    /** @return evaluations in a row without improvement */
    int evaluationsWithoutImprovement() {
        return evaluationsWithoutImprovement;
    }

    /** @return why the run ended early, once it has */
    Optional<String> stoppedEarly() {
        return Optional.ofNullable(stoppedEarly);
    }
}
