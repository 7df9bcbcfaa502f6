package org.trainguard.watchdog.supervise;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.trainguard.core.io.AtomicFiles;
import org.trainguard.core.io.Json;
import org.trainguard.core.run.RunLayout;

/**
 * The content of {@code watchdog_state.json} in a run's output folder: what the watchdog is doing and why,
 * rewritten atomically at every decision and every check, and read by {@code watchdog status}. Its
 * {@code updated_at} doubles as the watchdog's own sign of life.
 *
 * @param schemaVersion    the file format version, {@link #SCHEMA_VERSION}
 * @param watchdogPid      the watchdog's process id
 * @param host             the watchdog's host
 * @param config           the config file it supervises
 * @param startedAt        when the watchdog started
 * @param phase            what it is doing
 * @param supervising      the trainer's process id while one runs, null when none
 * @param attached         whether that trainer was already running when the watchdog started
 * @param attempts         trainer processes this watchdog started or attached to
 * @param failuresInWindow failures without progress inside the crash-loop window
 * @param maxFailures      failures inside the window that stop the restarts
 * @param budgetLeft       failures still restarted before giving up
 * @param backoff          the wait before the next restart after a failure, e.g. {@code 4s}
 * @param lastFailure      the latest abnormal end of the trainer, null before the first
 * @param nextAction       what happens next, in words
 * @param stoppedByUser    whether the run was stopped on purpose (SIGTERM, Ctrl+C, {@code watchdog stop}); a
 *                         later {@code watchdog run} clears it
 * @param exitCode         the watchdog's exit status once it has ended, null while it runs
 * @param updatedAt        when this file was written
 */
public record WatchdogState(
        int schemaVersion,
        long watchdogPid,
        String host,
        String config,
        Instant startedAt,
        Phase phase,
        Long supervising,
        boolean attached,
        int attempts,
        int failuresInWindow,
        int maxFailures,
        int budgetLeft,
        String backoff,
        LastFailure lastFailure,
        String nextAction,
        boolean stoppedByUser,
        Integer exitCode,
        Instant updatedAt) {

    /** The file name inside the output folder. */
    public static final String FILE_NAME = RunLayout.WATCHDOG_STATE;
    /** The schema version this build writes. */
    public static final int SCHEMA_VERSION = 1;

    /** What the watchdog is doing. */
    public enum Phase {
        /** Reading the run and deciding whether to start or attach. */
        STARTING,
        /** A trainer runs and is checked every check interval. */
        SUPERVISING,
        /** The trainer ended abnormally; waiting out the back-off before starting it again. */
        RESTARTING,
        /** Stopping the trainer on request. */
        STOPPING,
        /** Stopped on purpose; nobody restarts the run until it is started again. */
        STOPPED,
        /** The run finished all its steps. */
        COMPLETED,
        /** The run ended in a way that is not restarted, or the watchdog gave up on a crash loop. */
        FAILED
    }

    /**
     * The latest abnormal end of the trainer.
     *
     * @param at       when the watchdog saw it
     * @param exitCode the exit status, null when unknown (an attached process)
     * @param signal   the signal that ended it, e.g. {@code SIGKILL}, null when none
     * @param reason   why, from the session file when it says
     * @param step     the step it had reached, null when it never reported one
     */
    public record LastFailure(Instant at, Integer exitCode, String signal, String reason, Long step) {
        /**
         * @param at       when
         * @param exitCode the exit status, empty when unknown
         * @param signal   the signal, empty when none
         * @param reason   why
         * @param step     the step, empty when unknown
         * @return the record
         */
        public static LastFailure of(
                Instant at, OptionalInt exitCode, Optional<String> signal, String reason, OptionalLong step) {
            return new LastFailure(
                    at,
                    exitCode.isPresent() ? exitCode.getAsInt() : null,
                    signal.orElse(null),
                    reason,
                    step.isPresent() ? step.getAsLong() : null);
        }

        /** @return e.g. "exit 137 (SIGKILL) at step 1200: killed by SIGKILL" */
        public String describe() {
            return (exitCode == null ? "ended (exit status unknown)" : "exit " + exitCode)
                    + (signal == null ? "" : " (" + signal + ")") + (step == null ? "" : " at step " + step) + ": "
                    + reason;
        }
    }

    /** Checks the fields that must always be there. */
    public WatchdogState {
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(nextAction, "nextAction");
    }

    /** @return the supervised trainer's process id, empty when none runs */
    public OptionalLong supervisedPid() {
        return supervising == null ? OptionalLong.empty() : OptionalLong.of(supervising);
    }

    /** @return the latest abnormal end, if any */
    public Optional<LastFailure> lastFailureInfo() {
        return Optional.ofNullable(lastFailure);
    }

    /**
     * A copy for a run that was stopped on purpose without a watchdog ({@code watchdog stop} on a lone trainer).
     *
     * @param action what happens next, in words
     * @return the copy, phase STOPPED, nobody supervised
     */
    public WatchdogState stoppedByUser(String action) {
        return new WatchdogState(
                schemaVersion,
                watchdogPid,
                host,
                config,
                startedAt,
                Phase.STOPPED,
                null,
                attached,
                attempts,
                failuresInWindow,
                maxFailures,
                budgetLeft,
                backoff,
                lastFailure,
                action,
                true,
                exitCode,
                Instant.now());
    }

    /**
     * Writes the state atomically: a reader sees the old or the new file, never half.
     *
     * @param outputDir the run's output folder
     * @param state     the state
     * @throws IOException when it cannot be written; the previous file then stays
     */
    public static void write(Path outputDir, WatchdogState state) throws IOException {
        byte[] bytes = Json.mapper().writeValueAsBytes(state);
        AtomicFiles.write(outputDir.resolve(FILE_NAME), out -> {
            out.write(bytes);
            out.write('\n');
        });
    }

    /**
     * @param outputDir the run's output folder
     * @return the state, empty when there is no file or it cannot be read
     */
    public static Optional<WatchdogState> read(Path outputDir) {
        Path file = outputDir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.mapper().readValue(file.toFile(), WatchdogState.class));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
