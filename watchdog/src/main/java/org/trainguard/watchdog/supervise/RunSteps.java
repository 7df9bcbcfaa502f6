package org.trainguard.watchdog.supervise;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainguard.core.checkpoint.CheckpointStore;
import org.trainguard.core.folder.RunFolder;
import org.trainguard.core.run.SessionState;
import org.trainguard.core.run.SessionStore;

/**
 * The step a supervised run stands at, for the log, the notifications and the state file: the furthest step the
 * latest trainer reported, or else the run's own (its newest checkpoint, or its session file when further).
 */
final class RunSteps {

    private static final Logger LOG = LoggerFactory.getLogger("watchdog");

    private final RunFolder run;
    private final Supplier<TrainerAttempt> attempt;

    /**
     * @param run the run folder
     * @param attempt the latest trainer, or null before the first
     */
    RunSteps(RunFolder run, Supplier<TrainerAttempt> attempt) {
        this.run = run;
        this.attempt = attempt;
    }

    /** @return the session file's state; empty when missing, corrupt (logged) or unreadable (logged) */
    Optional<SessionState> readSession() {
        try {
            SessionStore.ReadResult read = run.session();
            if (read.corrupt()) {
                LOG.warn("{}", read.problem());
            }
            return read.state();
        } catch (RuntimeException e) {
            LOG.warn("cannot read {}: {}", run.sessionFile(), e.getMessage());
            return Optional.empty();
        }
    }

    /** @return the furthest step the latest trainer reported; empty when it reported none */
    OptionalLong reported() {
        TrainerAttempt a = attempt.get();
        return a == null ? OptionalLong.empty() : a.step();
    }

    /** @return the step to tell people: the trainer's, else the run's */
    long known() {
        return reported().isPresent() ? Math.max(0, reported().getAsLong()) : runStep();
    }

    /** @return the step a failure happened at: the trainer's, else the run's */
    OptionalLong atFailure() {
        return reported().isPresent() ? reported() : OptionalLong.of(runStep());
    }

    /** @return the step for a log line, saying where it comes from when the trainer reported none */
    String describe() {
        return reported().isPresent()
                ? Long.toString(reported().getAsLong())
                : runStep() + " (the run's; this trainer reported no step)";
    }

    /**
     * The step the run stands at when the trainer reported none of its own (it failed while starting): the newest
     * checkpoint, or the session file when it is further.
     */
    private long runStep() {
        long checkpoint =
                run.newestCheckpoint().map(CheckpointStore.Checkpoint::step).orElse(0L);
        return Math.max(
                0, Math.max(checkpoint, readSession().map(SessionState::step).orElse(0L)));
    }
}
