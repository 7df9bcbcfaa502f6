package org.trainguard.session;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainguard.core.checkpoint.CheckpointStore;
import org.trainguard.core.checkpoint.TrainingState;
import org.trainguard.core.io.Hashing;
import org.trainguard.core.run.RunLayout;
import org.trainguard.core.run.SessionState;

/**
 * Puts a run back at a checkpoint: at start-up (a resume) and when a diverged run rolls back
 * ({@code training.on_divergence: rollback}). Refuses a checkpoint whose network or settings no
 * longer fit.
 */
final class CheckpointRestorer {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingSessionManager.class);

    private final RunParts run;
    private final LearningRateScaler lrScaler = new LearningRateScaler();

    /** @param run the run's parts */
    CheckpointRestorer(RunParts run) {
        this.run = run;
    }

    /**
     * Reads a checkpoint's parameters, optimizer state and counters into the run.
     *
     * @param c a verified checkpoint
     * @throws ResumeRefusedException when it does not fit this network or configuration
     * @throws IOException when it cannot be read
     */
    void restore(CheckpointStore.Checkpoint c) throws IOException {
        NetworkAdapter net = run.net();
        TrainingState ts = run.store().readTrainingState(c);
        checkFingerprints(c, ts);
        Path zip = c.dir().resolve(RunLayout.MODEL_ZIP);
        ModelZip.ReadResult read;
        try {
            read = ModelZip.readInto(zip, net.params(), net.updaterState());
        } catch (ModelZip.LengthMismatchException e) {
            throw new ResumeRefusedException(
                    "cannot resume from " + c.dir() + ": " + e.getMessage() + "; the model shape changed");
        } catch (ModelFileException e) {
            throw new ResumeRefusedException("cannot resume from " + c.dir() + ": " + e.getMessage());
        }
        if (read == ModelZip.ReadResult.UNSUPPORTED) {
            // an array layout the bulk reader does not know (another DL4J version wrote it): DL4J reads it
            NetworkAdapter restored = net.restore(zip);
            if (restored.params().length() != net.params().length()) {
                throw new ResumeRefusedException("cannot resume from " + c.dir() + ": it holds "
                        + restored.params().length() + " parameters, this network has "
                        + net.params().length() + "; the model shape changed");
            }
            net.params().assign(restored.params());
            if (net.updaterState() != null && restored.updaterState() != null) {
                net.updaterState().assign(restored.updaterState());
            }
        } else if (read == ModelZip.ReadResult.NO_UPDATER_STATE) {
            LOG.warn("{} holds no optimizer state: the optimizer starts afresh from {}", zip, c.name());
        }
        // DL4J's own counter in model.zip may lag by one (it is saved before it moves); trust ours.
        net.setIterationCount((int) ts.step());
        net.setEpochCount(ts.epoch());
        RunPosition p = run.position();
        p.restore(ts);
        lrScaler.apply(net, p.lrFactor);
        if (run.best().restore(ts)) {
            p.lastEvalStep = ts.step();
        }
        LOG.info(
                "resuming from {} (step {}, epoch {}, batch {} of the epoch)",
                c.name(),
                p.step,
                p.epoch + 1,
                p.batchInEpoch);
    }

    /**
     * A rollback decided after the checkpoint a resume starts from is part of the run: the session file records it,
     * so a run killed after going back to this checkpoint (and before its next one) goes on with the lowered learning
     * rate instead of diverging again at the same step.
     *
     * @param prev the session file's state
     */
    void continueRollback(Optional<SessionState> prev) {
        RunPosition p = run.position();
        List<SessionState.Rollback> recorded = prev.map(SessionState::rollbacks).orElse(List.of());
        for (int i = recorded.size() - 1; i >= 0; i--) {
            SessionState.Rollback r = recorded.get(i);
            if (r.toStep() == p.step && r.atStep() > p.step && r.lrFactor() < p.lrFactor) {
                p.lrFactor = r.lrFactor();
                p.rollbacks = Math.max(p.rollbacks, i + 1);
                LOG.info(
                        "continuing the rollback from step {} to step {}: learning rate x{}",
                        r.atStep(),
                        r.toStep(),
                        r.lrFactor());
                break;
            }
        }
        if (p.lrFactor != 1.0) {
            lrScaler.apply(run.net(), p.lrFactor);
        }
    }

    /**
     * {@code training.on_divergence: rollback}: goes back to the newest checkpoint that verifies (all are from before
     * the divergence: none is written at a step whose loss was not finite) and multiplies the learning rate by
     * {@code rollbackLrFactor}; the batches from that checkpoint on are trained again with it. Gives up with
     * {@link TrainingDivergedException} after {@code maxRollbacks}, or when there is no checkpoint to go back to.
     *
     * @param loss the loss that was not finite
     * @param hooks told of the rollback
     */
    void rollBack(double loss, TrainingHooks hooks) {
        SessionOptions options = run.options();
        RunPosition p = run.position();
        long at = p.step;
        if (p.rollbacks >= options.maxRollbacks()) {
            throw new TrainingDivergedException(
                    at,
                    loss,
                    "gave up after " + p.rollbacks + " rollbacks (training.max_rollbacks: " + options.maxRollbacks()
                            + "); lower training.learning_rate or training.rollback_lr_factor");
        }
        run.writer().awaitIdle();
        Optional<CheckpointStore.Checkpoint> to = run.store()
                .newestVerified((c, why) ->
                        LOG.warn("checkpoint {} does not verify ({}); trying the one before", c.name(), why));
        if (to.isEmpty() || to.get().step() >= at) {
            throw new TrainingDivergedException(
                    at,
                    loss,
                    "there is no checkpoint from before it to roll back to (training.on_divergence: "
                            + "rollback needs one; lower checkpoint.every_steps or training.learning_rate)");
        }
        double factor = p.lrFactor * options.rollbackLrFactor();
        int count = p.rollbacks + 1;
        try {
            restore(to.get());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot roll back to " + to.get().name(), e);
        }
        p.lrFactor = factor;
        p.rollbacks = count;
        lrScaler.apply(run.net(), p.lrFactor);
        String change = "learning rate x" + options.rollbackLrFactor() + " (x" + factor
                + " of training.learning_rate's schedule from now on); " + "batches from step "
                + to.get().step() + " trained again";
        SessionState.Rollback r = new SessionState.Rollback(
                Instant.now(), at, String.valueOf(loss), to.get().step(), factor, change);
        LOG.warn(
                "training diverged at step {} (loss {}): rollback {} of {}, back to {}: {}",
                at,
                loss,
                count,
                options.maxRollbacks(),
                to.get().name(),
                change);
        List<SessionState.Rollback> all = new ArrayList<>(run.recorder().state().rollbacks());
        all.add(r);
        run.recorder().update(b -> b.rollbacks(all)
                .lastCheckpoint(
                        new SessionState.CheckpointRef(p.step, to.get().dir().toString(), Instant.now())));
        run.recorder().write();
        try {
            hooks.onRollback(r);
        } catch (RuntimeException e) {
            LOG.warn("the onRollback hook failed: {}", e.toString());
        }
    }

    private void checkFingerprints(CheckpointStore.Checkpoint c, TrainingState ts) {
        SessionOptions options = run.options();
        Map<String, String> saved = ts.fingerprints();
        List<String> changed = new ArrayList<>();
        Map<String, String> mine = new LinkedHashMap<>(options.fingerprints());
        mine.put("architecture", run.net().architectureFingerprint());
        for (Map.Entry<String, String> e : mine.entrySet()) {
            String old = saved.get(e.getKey());
            // earlier versions recorded every fingerprint as a SHA-256, even readable settings
            if (old != null && !old.equals(e.getValue()) && !old.equals(Hashing.sha256(e.getValue()))) {
                changed.add(
                        readable(old) && readable(e.getValue())
                                ? e.getKey() + " changed from " + old + " to " + e.getValue()
                                : e.getKey() + " changed");
            }
        }
        if (!changed.isEmpty()) {
            throw new ResumeRefusedException(
                    "cannot resume " + options.outputDir() + " from " + c.name() + ": " + String.join("; ", changed)
                            + " since the checkpoint was written. Restore the earlier setting, or start a new run in another output "
                            + "folder (training.output_dir), or resume never (the trainer's --resume never), which archives this run");
        }
        for (Map.Entry<String, String> e : options.advisoryFingerprints().entrySet()) {
            String old = saved.get(e.getKey());
            if (old != null && !old.equals(e.getValue())) {
                LOG.warn(
                        "{} changed since {} was written; resuming with the new value, so the result will differ from an "
                                + "uninterrupted run",
                        e.getKey(),
                        c.name());
            }
        }
    }

    /** A fingerprint that is a setting a person can read rather than a hash. */
    private static boolean readable(String fingerprint) {
        return !fingerprint.matches("[0-9a-f]{64}");
    }
}
