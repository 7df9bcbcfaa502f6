package org.trainguard.core.run;

import java.nio.file.Path;

/**
 * Every file name of a run's output folder, in one place: what the trainer writes, what the watchdog writes, and
 * what a checkpoint folder holds. The classes that read and write these files take their names from here.
 *
 * <pre>
 * OUTPUT_DIR/
 *   trainguard.lock              the run lock (trainer)
 *   training_session.json        the session file, and training_session.reserve, space held back for its last write
 *   heartbeat.json               the trainer's sign of life
 *   metrics.jsonl                one line per evaluation
 *   checkpoints/checkpoint-N/    MANIFEST.json, training_state.json, model.zip; best.json; broken/
 *   final/                       the final model bundle (model.zip ...)
 *   report/                      the HTML report
 *   previous/STAMP/              an earlier run's files, moved there by --resume never
 *   logs/                        trainer.log, watchdog.log, trainer-console.log
 *   watchdog.lock, watchdog_state.json, watchdog.stop    the watchdog's
 * </pre>
 */
public final class RunLayout {

    /** The run lock. */
    public static final String LOCK = "trainguard.lock";
    /** The session file. */
    public static final String SESSION = "training_session.json";
    /** Disk space held back for the session file's last write. */
    public static final String SESSION_RESERVE = "training_session.reserve";
    /** The heartbeat. */
    public static final String HEARTBEAT = "heartbeat.json";
    /** The evaluation log, one JSON line per evaluation. */
    public static final String METRICS = "metrics.jsonl";
    /** The folder of checkpoints. */
    public static final String CHECKPOINTS = "checkpoints";
    /** A committed checkpoint's folder is this prefix and its step. */
    public static final String CHECKPOINT_PREFIX = "checkpoint-";
    /** Inside {@link #CHECKPOINTS}: checkpoints that do not verify, moved aside. */
    public static final String BROKEN = "broken";
    /** Inside {@link #CHECKPOINTS}: which checkpoint is best. */
    public static final String BEST = "best.json";
    /** Inside a checkpoint: its manifest, written last. */
    public static final String MANIFEST = "MANIFEST.json";
    /** Inside a checkpoint: the counters a resume restores. */
    public static final String TRAINING_STATE = "training_state.json";
    /** Inside a checkpoint and {@link #FINAL}: the network with its optimizer state. */
    public static final String MODEL_ZIP = "model.zip";
    /** The final model bundle's folder. */
    public static final String FINAL = "final";
    /** The report's folder. */
    public static final String REPORT = "report";
    /** Where {@code --resume never} moves an earlier run's files. */
    public static final String PREVIOUS = "previous";
    /** The log folder. */
    public static final String LOGS = "logs";
    /** The watchdog's lock. */
    public static final String WATCHDOG_LOCK = "watchdog.lock";
    /** The watchdog's state. */
    public static final String WATCHDOG_STATE = "watchdog_state.json";
    /** The file {@code watchdog stop} writes where signals cannot reach (Windows). */
    public static final String WATCHDOG_STOP = "watchdog.stop";
    /** The trainer's console output, as the watchdog captures it (in {@link #LOGS}). */
    public static final String TRAINER_CONSOLE = "trainer-console.log";

    private RunLayout() {}

    /**
     * @param outputDir a run's output folder
     * @return its checkpoints folder
     */
    public static Path checkpoints(Path outputDir) {
        return outputDir.resolve(CHECKPOINTS);
    }

    /**
     * @param outputDir a run's output folder
     * @return its metrics log
     */
    public static Path metrics(Path outputDir) {
        return outputDir.resolve(METRICS);
    }

    /**
     * @param outputDir a run's output folder
     * @return its final model bundle's folder
     */
    public static Path finalDir(Path outputDir) {
        return outputDir.resolve(FINAL);
    }
}
