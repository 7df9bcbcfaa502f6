package org.trainguard.watchdog.supervise;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainguard.config.Durations;
import org.trainguard.config.WatchdogConfig;
import org.trainguard.core.checkpoint.CheckpointStore;
import org.trainguard.core.folder.RunFolder;

/**
 * Turns a failed trainer into a restart after a back-off, or a give-up on a crash loop ({@link RestartPolicy}),
 * and finds the older checkpoint a restart rolls back to when the newest keeps failing.
 */
final class Restarts {

    private static final Logger LOG = LoggerFactory.getLogger("watchdog");

    /**
     * A restart decided and waiting for its back-off.
     *
     * @param at when it is due
     * @param resumeFrom the checkpoint to roll back to; empty for the newest that verifies
     * @param reason why, for the notification
     * @param from where it resumes, for people
     * @param backoff the back-off
     */
    record Pending(Instant at, Optional<Path> resumeFrom, String reason, String from, String backoff) {}

    private final RestartPolicy policy;
    private final RunFolder run;
    private final Clock clock;
    /** The checkpoint a restart would roll back to, looked up once per decision. */
    private Optional<Optional<Path>> rollbackTarget = Optional.empty();

    /**
     * @param policy the back-off and crash-loop budget
     * @param run the run folder, for the roll-back target
     * @param clock the watchdog's clock
     */
    Restarts(RestartPolicy policy, RunFolder run, Clock clock) {
        this.policy = policy;
        this.run = run;
        this.clock = clock;
    }

    /**
     * The restarts of a run with the watchdog's back-off and crash-loop settings.
     *
     * @param config the watchdog's settings
     * @param firstStep the step the run stands at when the watchdog starts
     * @param run the run folder
     * @param clock the watchdog's clock
     * @return the restarts
     */
    static Restarts forRun(WatchdogConfig config, long firstStep, RunFolder run, Clock clock) {
        return new Restarts(
                new RestartPolicy(
                        config.backoffInitial(),
                        config.backoffMax(),
                        config.crashLoopFailures(),
                        config.crashLoopWindow(),
                        firstStep,
                        clock),
                run,
                clock);
    }

    /** @return the policy, for the state file */
    RestartPolicy policy() {
        return policy;
    }

    /**
     * @param step the furthest step the failed trainer reported
     * @param reason what happened
     * @return the restart; empty after giving up (then {@code giveUp} holds why)
     */
    RestartPolicy.Decision decide(OptionalLong step, String reason) {
        rollbackTarget = Optional.empty();
        return policy.onFailure(
                new RestartPolicy.Failure(step, reason), () -> rollbackTarget().isPresent());
    }

    /**
     * @param restart a restart decided by {@link #decide}
     * @param reason what happened
     * @return when and from where it runs
     */
    Pending schedule(RestartPolicy.Restart restart, String reason) {
        Optional<Path> resumeFrom = restart.rollBack() ? rollbackTarget() : Optional.empty();
        String from = resumeFrom
                .map(p -> p.getFileName().toString() + " (rolled back)")
                .orElse("the newest checkpoint that verifies");
        Pending p = new Pending(
                clock.instant().plus(restart.backoff()),
                resumeFrom,
                "after " + reason + "; resuming from " + from,
                from,
                Durations.format(restart.backoff()));
        LOG.warn(
                "restarting in {} from {}: {}; budget left {} of {}",
                p.backoff(),
                from,
                restart.why(),
                policy.budgetLeft(),
                policy.maxFailures());
        return p;
    }

    /** Forgets the roll-back target: a new trainer writes new checkpoints. */
    void newTrainer() {
        rollbackTarget = Optional.empty();
    }

    private Optional<Path> rollbackTarget() {
        if (rollbackTarget.isEmpty()) {
            Optional<Path> found;
            try {
                found = run.rollbackTarget().map(CheckpointStore.Checkpoint::dir);
            } catch (RuntimeException e) {
                LOG.warn("cannot look for an older checkpoint to roll back to: {}", e.toString());
                found = Optional.empty();
            }
            rollbackTarget = Optional.of(found);
        }
        return rollbackTarget.get();
    }
}
