package org.trainguard.core.run;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The content of {@code training_session.json} (schema version 1): what a person, the
 * {@code trainer status} command or the watchdog needs to know about a run without loading a model.
 *
 * @param schemaVersion the file format version, {@link #SCHEMA_VERSION}
 * @param sessionId a UUID made when the run first starts, kept across resumes
 * @param status where the run stands
 * @param pid the process id of the trainer that wrote the file
 * @param host the host name of that trainer
 * @param configPath the absolute path of the configuration file
 * @param configSha256 the SHA-256 of that file
 * @param startedAt when the run first started
 * @param updatedAt when this file was written
 * @param step optimizer steps done
 * @param totalSteps optimizer steps of the whole run
 * @param epoch the current epoch, counting from 0
 * @param totalEpochs epochs of the whole run
 * @param samplesSeen training examples processed
 * @param stepsPerSecond recent throughput
 * @param eta the expected end time, when known
 * @param lastCheckpoint the newest committed checkpoint
 * @param best the best evaluation so far
 * @param lastMetrics the latest logged metrics
 * @param restarts how many times the run was started again after a process ended abnormally
 * @param resumes every resume with its time and step
 * @param exit how the last process ended, once it has
 * @param pauses the longest times the trainer was paused while it ran (a suspend, a frozen virtual machine,
 *     SIGSTOP), newest last, at most {@link #MAX_PAUSES}
 * @param disk what the disk-space guard found when the next checkpoint did not fit, or null while it fits
 * @param rollbacks every rollback of a diverged run ({@code training.on_divergence: rollback}), oldest first
 * @param earlyStopping where early stopping stands, when {@code eval.early_stopping} is on
 * @param mirror the second copy's state with {@code checkpoint.mirror}; null without a mirror
 */
public record SessionState(
        int schemaVersion,
        String sessionId,
        SessionStatus status,
        long pid,
        String host,
        String configPath,
        String configSha256,
        Instant startedAt,
        Instant updatedAt,
        long step,
        long totalSteps,
        int epoch,
        int totalEpochs,
        long samplesSeen,
        double stepsPerSecond,
        Instant eta,
        CheckpointRef lastCheckpoint,
        Best best,
        Map<String, Object> lastMetrics,
        int restarts,
        List<Resume> resumes,
        Exit exit,
        List<Pause> pauses,
        DiskShortage disk,
        List<Rollback> rollbacks,
        EarlyStopping earlyStopping,
        Mirror mirror) {

    /** The schema version this build writes and the newest it reads. */
    public static final int SCHEMA_VERSION = 1;

    /** The pauses kept in the file; older ones are dropped first. */
    public static final int MAX_PAUSES = 20;

    /** Defensive copies of the collections. */
    public SessionState {
        lastMetrics = lastMetrics == null ? Map.of() : Map.copyOf(lastMetrics);
        resumes = resumes == null ? List.of() : List.copyOf(resumes);
        // files written before pauses were recorded have none
        pauses = pauses == null
                ? List.of()
                : List.copyOf(pauses.subList(Math.max(0, pauses.size() - MAX_PAUSES), pauses.size()));
        // files written before rollbacks were recorded have none
        rollbacks = rollbacks == null ? List.of() : List.copyOf(rollbacks);
    }

    /**
     * The next checkpoint does not fit on the output folder's file system.
     *
     * @param at when it was found
     * @param step the step the checkpoint was due at
     * @param folder the folder whose file system was measured
     * @param neededBytes what the next checkpoint needs, with the margin
     * @param freeBytes what the file system has free for this user
     * @param missingBytes {@code neededBytes - freeBytes}
     */
    public record DiskShortage(
            Instant at, long step, String folder, long neededBytes, long freeBytes, long missingBytes) {}

    /**
     * A rollback of a diverged run to an earlier checkpoint.
     *
     * @param at when it happened
     * @param atStep the step whose loss was not finite
     * @param loss that loss, as text ({@code NaN}, {@code Infinity})
     * @param toStep the step of the checkpoint the run went back to
     * @param lrFactor the factor the learning rate is multiplied by from then on (all rollbacks so far together)
     * @param change what was changed, for people
     */
    public record Rollback(Instant at, long atStep, String loss, long toStep, double lrFactor, String change) {}

    /**
     * A reference to a committed checkpoint.
     *
     * @param step the step it holds
     * @param path its folder
     * @param at when it was committed
     */
    public record CheckpointRef(long step, String path, Instant at) {}

    /**
     * The best evaluation so far.
     *
     * @param metric the metric's name, e.g. {@code f1_macro}
     * @param value its value
     * @param step the step it was measured at
     */
    public record Best(String metric, double value, long step) {}

    /**
     * One resume of the run.
     *
     * @param at when the run resumed
     * @param fromStep the step of the checkpoint it resumed from
     */
    public record Resume(Instant at, long fromStep) {}

    /**
     * How a trainer process ended.
     *
     * @param code its exit status
     * @param reason a sentence for people
     */
    public record Exit(int code, String reason) {}

    /**
     * A time the trainer process did not run although it was alive: the machine was suspended, the virtual
     * machine frozen, or the process stopped.
     *
     * @param at when the pause began
     * @param seconds how long it lasted
     */
    public record Pause(Instant at, double seconds) {}

    /**
     * Where early stopping stands.
     *
     * @param patience evaluations in a row without improvement that end the run
     * @param minDelta the least change of the metric that counts as an improvement
     * @param evaluationsWithoutImprovement evaluations in a row so far that did not improve it
     * @param stopped whether the run ended early because of it
     */
    public record EarlyStopping(int patience, double minDelta, int evaluationsWithoutImprovement, boolean stopped) {}

    /** @return where early stopping stands, when it is on */
    public Optional<EarlyStopping> earlyStoppingState() {
        return Optional.ofNullable(earlyStopping);
    }

    /**
     * The state of the second copy ({@code checkpoint.mirror}).
     *
     * @param target the mirror folder or {@code s3://bucket/prefix}; never a credential
     * @param lastStep the step of the newest checkpoint copied and verified there; -1 before the first
     * @param lastAt when that copy was verified
     * @param lastError the last failed copy's error; null after a copy that verified
     * @param errorAt when that copy failed
     * @param pending checkpoints waiting to be copied
     */
    public record Mirror(
            String target, long lastStep, Instant lastAt, String lastError, Instant errorAt, int pending) {}

    /** @return the second copy's state, when the run has a mirror */
    public Optional<Mirror> mirrorState() {
        return Optional.ofNullable(mirror);
    }

    /** @return the newest checkpoint, if any */
    public Optional<CheckpointRef> lastCheckpointRef() {
        return Optional.ofNullable(lastCheckpoint);
    }

    /** @return the best evaluation, if any */
    public Optional<Best> bestSoFar() {
        return Optional.ofNullable(best);
    }

    /** @return how the last process ended, if it has */
    public Optional<Exit> exitInfo() {
        return Optional.ofNullable(exit);
    }

    /** @return a builder holding this state's values */
    public SessionStateBuilder toBuilder() {
        return new SessionStateBuilder(this);
    }

    /**
     * @param sessionId the new run's id
     * @return a builder for a new run's first state
     */
    public static SessionStateBuilder builder(String sessionId) {
        Instant now = Instant.now();
        return new SessionStateBuilder(new SessionState(
                SCHEMA_VERSION,
                sessionId,
                SessionStatus.STARTING,
                ProcessHandle.current().pid(),
                HostName.get(),
                "",
                "",
                now,
                now,
                0,
                0,
                0,
                0,
                0,
                0,
                null,
                null,
                null,
                Map.of(),
                0,
                List.of(),
                null,
                List.of(),
                null,
                List.of(),
                null,
                null));
    }
}
