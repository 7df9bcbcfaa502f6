package org.trainguard.watchdog.supervise;

import java.io.IOException;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainguard.config.Durations;
import org.trainguard.config.WatchdogConfig;
import org.trainguard.core.run.HostName;
import org.trainguard.watchdog.supervise.WatchdogState.LastFailure;
import org.trainguard.watchdog.supervise.WatchdogState.Phase;

/**
 * What the watchdog is doing, as {@code watchdog_state.json} tells {@code watchdog status}: its phase, its next
 * action, the last failure and how it ended. Every change is written at once by {@link #write}.
 */
final class StateRecorder {

    private static final Logger LOG = LoggerFactory.getLogger("watchdog");

    private final SupervisorSettings settings;
    private final WatchdogConfig config;
    private final Instant startedAt = Instant.now();
    private Phase phase = Phase.STARTING;
    private String nextAction = "starting";
    private LastFailure lastFailure;
    private boolean stoppedByUser;
    private Integer exitCode;

    /** @param settings the run supervised */
    StateRecorder(SupervisorSettings settings) {
        this.settings = settings;
        this.config = settings.watchdog();
    }

    /** @return the phase */
    Phase phase() {
        return phase;
    }

    /**
     * @param p the phase from now on
     * @param action the next action, for people
     */
    void enter(Phase p, String action) {
        phase = p;
        nextAction = action;
    }

    /** @param action the next action, for people */
    void next(String action) {
        nextAction = action;
    }

    /** @param failure the last failure of a trainer */
    void failed(LastFailure failure) {
        lastFailure = failure;
    }

    /** Records that a person stopped the run. */
    void stoppedByUser() {
        stoppedByUser = true;
    }

    /** @param code the watchdog's exit status */
    void exit(int code) {
        exitCode = code;
    }

    /**
     * Writes the state file; a failure is logged.
     *
     * @param attempt the latest trainer, or null before the first
     * @param attempts trainers started or attached to so far
     * @param policy the restart policy, or null before it is set up
     */
    void write(TrainerAttempt attempt, int attempts, RestartPolicy policy) {
        int failures = policy == null ? 0 : policy.failuresInWindow();
        boolean live = attempt != null && !attempt.gone() && !attempt.endHandled();
        WatchdogState state = new WatchdogState(
                WatchdogState.SCHEMA_VERSION,
                ProcessHandle.current().pid(),
                HostName.get(),
                settings.configFile().toString(),
                startedAt,
                phase,
                live ? attempt.trainer().pid() : null,
                attempt != null && !attempt.gone() && attempt.trainer().attached(),
                attempts,
                failures,
                config.crashLoopFailures(),
                Math.max(0, config.crashLoopFailures() - failures),
                Durations.format(policy == null ? config.backoffInitial() : policy.nextBackoff()),
                lastFailure,
                nextAction,
                stoppedByUser,
                exitCode,
                Instant.now());
        try {
            WatchdogState.write(settings.outputDir(), state);
        } catch (IOException e) {
            LOG.warn("cannot write {}: {}", settings.outputDir().resolve(WatchdogState.FILE_NAME), e.toString());
        }
    }
}
