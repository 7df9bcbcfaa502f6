package org.trainguard.session;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainguard.core.checkpoint.BestCheckpoint;
import org.trainguard.core.checkpoint.CheckpointManifest;
import org.trainguard.core.checkpoint.CheckpointStore;
import org.trainguard.core.checkpoint.TrainingState;
import org.trainguard.core.run.SessionState;
import org.trainguard.core.run.SessionStatus;
import org.trainguard.session.mirror.MirrorCopier;

/**
 * Takes a checkpoint on the training thread and, once the writer has committed it, records it:
 * {@code best.json}, rotation, the session file, the mirror and the {@code onCheckpoint} hook.
 */
final class Checkpointing {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingSessionManager.class);

    private final RunParts run;
    private final Map<String, Object> provenance;
    /** The hooks of the running fit; the writer's thread reads them. */
    private volatile TrainingHooks hooks = TrainingHooks.NONE;
    /** Copies checkpoints to {@code checkpoint.mirror}; null without a mirror. */
    private volatile MirrorCopier mirrorCopier;

    private long lastCheckpointNanos = System.nanoTime();

    /**
     * @param run the run's parts
     * @param provenance recorded in every manifest (the caller fills it in before the first checkpoint)
     */
    Checkpointing(RunParts run, Map<String, Object> provenance) {
        this.run = run;
        this.provenance = provenance;
    }

    /** @param h the hooks told of committed checkpoints from now on */
    void hooks(TrainingHooks h) {
        hooks = h;
    }

    /** @param copier copies every committed checkpoint to the mirror from now on */
    void mirror(MirrorCopier copier) {
        mirrorCopier = copier;
    }

    /**
     * Closes the mirror copier, waiting for its copies.
     *
     * @param wait how long to wait
     */
    void closeMirror(Duration wait) {
        MirrorCopier c = mirrorCopier;
        if (c != null) {
            mirrorCopier = null;
            c.close(wait);
        }
    }

    /** @return when the last checkpoint was captured ({@link System#nanoTime()}) */
    long lastCheckpointNanos() {
        return lastCheckpointNanos;
    }

    /** @param nanos counts the checkpoint interval from this time */
    void restartInterval(long nanos) {
        lastCheckpointNanos = nanos;
    }

    /**
     * Captures the run's state now; the writer commits it on its own thread.
     *
     * @param during the session status after the capture
     */
    void take(SessionStatus during) {
        run.progress().breakLine();
        run.recorder().update(b -> b.status(SessionStatus.CHECKPOINTING));
        TrainingState ts = trainingState();
        lastCheckpointNanos = System.nanoTime();
        run.writer().capture(ts, Map.copyOf(provenance), this::onCommitted);
        run.recorder().update(b -> b.status(during));
        run.recorder().write();
    }

    private void onCommitted(CheckpointStore.Checkpoint c) {
        RunPosition p = run.position();
        p.lastCheckpointStep = Math.max(p.lastCheckpointStep, c.step());
        run.recorder()
                .change(b -> b.lastCheckpoint(
                        new SessionState.CheckpointRef(c.step(), c.dir().toString(), Instant.now())));
        try {
            Optional<BestCheckpoint> b = run.best().best();
            if (b.isPresent() && b.get().step() == c.step()) {
                run.store().writeBest(b.get());
            }
            for (Path old :
                    run.store().prune(run.options().keepLast(), run.best().keptStep())) {
                LOG.info("rotated out old checkpoint {}", old.getFileName());
            }
            run.recorder().write();
            MirrorCopier copier = mirrorCopier;
            if (copier != null) {
                copier.submit(c);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn(
                    "checkpoint {} is committed, but recording it or rotating the older ones failed: {}",
                    c.name(),
                    e.toString());
        }
        try {
            hooks.onCheckpoint(c);
        } catch (RuntimeException e) {
            LOG.warn("the onCheckpoint hook failed for {}: {}", c.name(), e.toString());
        }
    }

    private TrainingState trainingState() {
        SessionOptions options = run.options();
        RunPosition p = run.position();
        Map<String, String> fp = new LinkedHashMap<>(options.fingerprints());
        fp.putAll(options.advisoryFingerprints());
        fp.put("architecture", run.net().architectureFingerprint());
        BestCheckpoint b = run.best().best().orElse(null);
        return new TrainingState(
                CheckpointManifest.FORMAT_VERSION,
                p.step,
                p.epoch,
                p.batchInEpoch,
                p.samplesSeen,
                options.seed(),
                run.net().learningRate(p.epoch),
                p.totalSteps,
                p.trainingSeconds,
                options.metric(),
                b == null ? Double.NaN : b.value(),
                b == null ? -1 : b.step(),
                p.lastMetrics,
                fp,
                p.lrFactor,
                p.rollbacks,
                run.best().evaluationsWithoutImprovement());
    }
}
