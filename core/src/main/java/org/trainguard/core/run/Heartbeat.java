package org.trainguard.core.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.trainguard.core.io.AtomicFiles;
import org.trainguard.core.io.Json;

/**
 * The content of {@code heartbeat.json}, rewritten by the trainer's working thread (every
 * {@code session.heartbeat_interval} while steps or evaluation batches complete). A process that
 * is alive but whose heartbeat stops changing is hung; the watchdog reads this file to tell.
 *
 * @param pid the trainer's process id
 * @param status what it is doing
 * @param step optimizer steps done
 * @param progress a counter that grows with every training step and every evaluation batch
 * @param updatedAt when the file was written
 * @param phase what the trainer is busy with: start-up phases before its first training step, then training
 */
public record Heartbeat(long pid, SessionStatus status, long step, long progress, Instant updatedAt, Phase phase) {

    /** Where a trainer is between its start and its end; a file without a phase is from training. */
    public enum Phase {
        /** The JVM and ND4J start, the network is built. */
        STARTING,
        /** The data is read and featurized (or its cache checked). */
        LOADING_DATA,
        /** The checkpoint is restored into the network. */
        RESTORING,
        /** Training steps and evaluations run; progress shows in {@code progress}. */
        TRAINING;

        /** @return whether this is before the first training step */
        public boolean startUp() {
            return this != TRAINING;
        }
    }

    /** A file written without a phase (by an earlier version) is from training. */
    public Heartbeat {
        phase = phase == null ? Phase.TRAINING : phase;
    }

    /** A heartbeat of training (see the canonical constructor). */
    public Heartbeat(long pid, SessionStatus status, long step, long progress, Instant updatedAt) {
        this(pid, status, step, progress, updatedAt, Phase.TRAINING);
    }

    /** The file name inside the output folder. */
    public static final String FILE_NAME = RunLayout.HEARTBEAT;

    /**
     * Writes a heartbeat atomically.
     *
     * @param outputDir the run's output folder
     * @param beat the heartbeat
     * @throws IOException when it cannot be written
     */
    public static void write(Path outputDir, Heartbeat beat) throws IOException {
        byte[] bytes = Json.mapper().writeValueAsBytes(beat);
        // Not fsynced: it is rewritten every few seconds and only matters while the process lives.
        AtomicFiles.replace(outputDir.resolve(FILE_NAME), out -> out.write(bytes));
    }

    /**
     * @param outputDir the run's output folder
     * @return the last heartbeat, empty when there is none or it cannot be read
     */
    public static Optional<Heartbeat> read(Path outputDir) {
        Path f = outputDir.resolve(FILE_NAME);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.mapper().readValue(f.toFile(), Heartbeat.class));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * @param now the current time
     * @return how long ago this heartbeat was written
     */
    public Duration age(Instant now) {
        return Duration.between(updatedAt, now);
    }
}
