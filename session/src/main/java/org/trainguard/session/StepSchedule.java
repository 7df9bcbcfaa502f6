package org.trainguard.session;

import java.time.Duration;
import java.util.Optional;

/**
 * What is due after a step: the progress event, an evaluation, a checkpoint and a heartbeat, and how
 * often the session file is autosaved. It reads no clock: the caller passes the time
 * ({@link System#nanoTime()}) and when the last checkpoint and heartbeat were.
 */
final class StepSchedule {

    private final long logEverySteps;
    private final long evalEverySteps;
    private final long checkpointEverySteps;
    private final Optional<Duration> checkpointInterval;
    private final Duration heartbeatInterval;
    private final Duration autosaveInterval;
    private final long totalSteps;

    /**
     * @param options the run's intervals
     * @param totalSteps steps of the whole run
     */
    StepSchedule(SessionOptions options, long totalSteps) {
        this.logEverySteps = options.logEverySteps();
        this.evalEverySteps = options.evalEverySteps();
        this.checkpointEverySteps = options.checkpointEverySteps();
        this.checkpointInterval = options.checkpointEveryInterval();
        this.heartbeatInterval = options.heartbeatInterval();
        this.autosaveInterval = options.autosaveInterval();
        this.totalSteps = totalSteps;
    }

    /** @return steps of the whole run */
    long totalSteps() {
        return totalSteps;
    }

    /**
     * @param step steps done
     * @return whether the progress event is due
     */
    boolean progressDue(long step) {
        return step % logEverySteps == 0;
    }

    /**
     * A scheduled evaluation close to the end is left to the evaluation of the last step (see
     * {@link #finalEvaluationWindow}).
     *
     * @param step steps done
     * @return whether a scheduled evaluation is due
     */
    boolean evaluationDue(long step) {
        return step % evalEverySteps == 0 && totalSteps - step > finalEvaluationWindow(evalEverySteps);
    }

    /**
     * The last step is checkpointed when the run completes, not here.
     *
     * @param step steps done
     * @param nowNanos the time now
     * @param lastCheckpointNanos when the last checkpoint was taken (or the loop started)
     * @param newBest whether this step's evaluation found a best that is kept
     * @return whether a checkpoint is due
     */
    boolean checkpointDue(long step, long nowNanos, long lastCheckpointNanos, boolean newBest) {
        boolean intervalDue = checkpointInterval
                .map(d -> nowNanos - lastCheckpointNanos >= d.toNanos())
                .orElse(false);
        return (step % checkpointEverySteps == 0 || intervalDue || newBest) && step < totalSteps;
    }

    /**
     * @param nowNanos the time now
     * @param lastBeatNanos when the last heartbeat was written
     * @return whether a heartbeat is due
     */
    boolean heartbeatDue(long nowNanos, long lastBeatNanos) {
        return nowNanos - lastBeatNanos >= heartbeatInterval.toNanos();
    }

    /** @return the period of the session file's autosave timer, at least 1 ms */
    long autosaveMillis() {
        return Math.max(1, autosaveInterval.toMillis());
    }

    /**
     * Steps before the end within which a scheduled evaluation is left to the evaluation of the last
     * step: 1% of the interval, at least 1 (the demo job's 2,917 steps evaluated at 2,916 and again at
     * 2,917, two nearly equal tables). The checkpoint of a scheduled step is still written.
     */
    static long finalEvaluationWindow(long evalEverySteps) {
        return Math.max(1, evalEverySteps / 100);
    }
}
