package org.trainguard.watchdog.supervise;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import org.trainguard.config.Durations;

/**
 * Decides what happens after the trainer ended abnormally: restart after a back-off, restart from an older
 * checkpoint, or give up because the run is in a crash loop.
 *
 * <ul>
 *   <li><b>Progress.</b> A failure counts against the budget only when the attempt made no progress, that is
 *       when it did not get past the highest step any earlier attempt reached. A failure after progress clears
 *       the counted failures and resets the back-off: a run that crashes every few hours but keeps moving is
 *       never given up.</li>
 *   <li><b>Budget.</b> {@code maxFailures} counted failures within {@code window} stop the restarts.</li>
 *   <li><b>Back-off.</b> The wait before a restart starts at {@code backoffInitial} and doubles with every
 *       counted failure up to {@code backoffMax}.</li>
 *   <li><b>Roll-back.</b> A failure without progress at the same step as the failure before it suggests that
 *       the newest checkpoint leads straight into the failure; the next restart then resumes from the checkpoint
 *       before it, once, even when the budget is used up ("once before giving up").</li>
 * </ul>
 *
 * <p>Pure logic: time comes from the injected clock, checkpoints from the caller.
 */
public final class RestartPolicy {

    /**
     * How an attempt ended, as far as the policy cares.
     *
     * @param step   the highest step the attempt reached, empty when it never reported one
     * @param reason a few words for logs, e.g. {@code exit 137 (SIGKILL)}
     */
    public record Failure(OptionalLong step, String reason) {
        /** Checks that nothing is missing. */
        public Failure {
            Objects.requireNonNull(step, "step");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** What to do after a failure. */
    public sealed interface Decision permits Restart, GiveUp {
        /** @return one sentence for the log and the notification */
        String why();
    }

    /**
     * Start the trainer again.
     *
     * @param backoff  how long to wait first
     * @param rollBack whether to resume from the checkpoint before the newest one instead of the newest
     * @param counted  whether this failure counted against the budget
     * @param why      one sentence for the log
     */
    public record Restart(Duration backoff, boolean rollBack, boolean counted, String why) implements Decision {}

    /**
     * Stop restarting: the run is in a crash loop.
     *
     * @param why one sentence for the log and the failure notification
     */
    public record GiveUp(String why) implements Decision {}

    private final Duration backoffInitial;
    private final Duration backoffMax;
    private final int maxFailures;
    private final Duration window;
    private final Clock clock;
    /** When each failure that counts against the budget happened, oldest first. */
    private final Deque<Instant> counted = new ArrayDeque<>();

    private long highestStep;
    private OptionalLong lastFailureStep = OptionalLong.empty();
    private Duration backoff;
    private boolean rolledBack;

    /**
     * @param backoffInitial the first wait, &gt; 0
     * @param backoffMax     the longest wait, &ge; {@code backoffInitial}
     * @param maxFailures    failures without progress within {@code window} that stop the restarts, &ge; 1
     * @param window         how far back failures are counted, &gt; 0
     * @param stepsBefore    the highest step the run reached before supervision began (0 for a new run)
     * @param clock          the time source; the watchdog passes a monotonic one
     */
    public RestartPolicy(
            Duration backoffInitial,
            Duration backoffMax,
            int maxFailures,
            Duration window,
            long stepsBefore,
            Clock clock) {
        if (backoffInitial.isNegative() || backoffInitial.isZero()) {
            throw new IllegalArgumentException(
                    "backoff_initial must be > 0, found " + Durations.format(backoffInitial));
        }
        if (backoffMax.compareTo(backoffInitial) < 0) {
            throw new IllegalArgumentException("backoff_max must be >= backoff_initial ("
                    + Durations.format(backoffInitial) + "), found " + Durations.format(backoffMax));
        }
        if (maxFailures < 1) {
            throw new IllegalArgumentException("max failures must be >= 1, found " + maxFailures);
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("failure window must be > 0, found " + Durations.format(window));
        }
        this.backoffInitial = backoffInitial;
        this.backoffMax = backoffMax;
        this.maxFailures = maxFailures;
        this.window = window;
        this.highestStep = Math.max(0, stepsBefore);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.backoff = backoffInitial;
    }

    /**
     * Records a failure and decides what to do.
     *
     * @param failure                  how the attempt ended
     * @param olderCheckpointAvailable asked only when a roll-back is due: whether a verified checkpoint older
     *                                 than the newest one exists
     * @return restart (with its back-off and whether to roll back) or give up
     */
    public Decision onFailure(Failure failure, BooleanSupplier olderCheckpointAvailable) {
        Instant now = clock.instant();
        OptionalLong step = failure.step();
        OptionalLong previousStep = lastFailureStep;
        lastFailureStep = step;
        if (step.isPresent() && step.getAsLong() > highestStep) {
            long before = highestStep;
            highestStep = step.getAsLong();
            counted.clear();
            rolledBack = false;
            backoff = backoffInitial;
            return new Restart(
                    backoffInitial,
                    false,
                    false,
                    failure.reason() + " after progress from step " + before + " to " + highestStep
                            + "; not counted against the budget");
        }
        prune(now);
        counted.addLast(now);
        Duration wait = backoff;
        backoff = min(backoff.multipliedBy(2), backoffMax);
        String tally =
                counted.size() + " of " + maxFailures + " failures without progress within " + Durations.format(window);
        boolean sameStep = step.isPresent() && previousStep.equals(step);
        if (sameStep && !rolledBack && olderCheckpointAvailable.getAsBoolean()) {
            rolledBack = true;
            return new Restart(
                    wait,
                    true,
                    true,
                    failure.reason() + "; " + tally + ", twice at step " + step.getAsLong()
                            + ": rolling back to the checkpoint before the newest");
        }
        if (counted.size() >= maxFailures) {
            return new GiveUp("crash loop: " + tally + " (last: " + failure.reason() + ")");
        }
        return new Restart(wait, false, true, failure.reason() + "; " + tally);
    }

    /** @return failures counted against the budget that are still inside the window */
    public int failuresInWindow() {
        prune(clock.instant());
        return counted.size();
    }

    /** @return how many more failures without progress are restarted before giving up */
    public int budgetLeft() {
        return Math.max(0, maxFailures - failuresInWindow());
    }

    /** @return the failures within the window that stop the restarts */
    public int maxFailures() {
        return maxFailures;
    }

    /** @return the wait before the restart after the next counted failure */
    public Duration nextBackoff() {
        return backoff;
    }

    /** @return the highest step any ended attempt reached (or the run had reached before supervision) */
    public long highestStep() {
        return highestStep;
    }

    private void prune(Instant now) {
        Instant oldest = now.minus(window);
        while (!counted.isEmpty() && counted.peekFirst().isBefore(oldest)) {
            counted.removeFirst();
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
