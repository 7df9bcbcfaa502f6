package org.trainguard.session;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainguard.config.OnDivergence;
import org.trainguard.core.ExitCode;
import org.trainguard.core.run.SessionStatus;

/**
 * One {@link TrainingSessionManager#fit}: trains step by step from the restored position, does what
 * the {@link StepSchedule} says is due after each step, and ends the run completed, stopped (with an
 * emergency checkpoint) or stopped by the disk guard.
 */
final class TrainingLoop {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingSessionManager.class);

    /**
     * Steps between two flushes of the optimizer state's subnormal values to zero. Adam's moments of
     * rows a batch does not touch (most rows of a hashed embedding) decay by a constant factor every
     * step and spend hundreds of steps as subnormal floats, which the CPU handles on a slow path: the
     * demo job's steps took twice as long at its end as at its start, with 9% of its Adam state
     * subnormal. Every flush happens at the same steps in a resumed run as in an uninterrupted one.
     */
    static final long SUBNORMAL_FLUSH_EVERY_STEPS = 100;

    private final RunParts run;
    private final RunPosition pos;
    private final SessionOptions options;
    private final CheckpointRestorer restorer;
    private final DiskRoom room;
    private final Checkpointing checkpoints;
    private final TrainingHooks hooks;
    private StepSchedule schedule;
    /** Set when the disk guard stopped the run before a checkpoint. */
    private TrainingSessionManager.Outcome diskStop;

    TrainingLoop(
            RunParts run, CheckpointRestorer restorer, DiskRoom room, Checkpointing checkpoints, TrainingHooks hooks) {
        this.run = run;
        this.pos = run.position();
        this.options = run.options();
        this.restorer = restorer;
        this.room = room;
        this.checkpoints = checkpoints;
        this.hooks = hooks;
    }

    /**
     * Sets every subnormal value of an array to zero, in place. Such values are below what Adam's
     * epsilon lets count: an update they take part in is smaller than a float can add to a weight.
     *
     * @param state the optimizer state (a view); null or empty for stateless optimizers
     */
    static void flushSubnormals(INDArray state) {
        if (state == null || state.isEmpty()) {
            return;
        }
        double smallestNormal = state.dataType() == DataType.DOUBLE ? Double.MIN_NORMAL : Float.MIN_NORMAL;
        BooleanIndexing.replaceWhere(state, 0.0, Conditions.absLessThan(smallestNormal));
    }

    TrainingSessionManager.Outcome run(DataSetIterator data) {
        NetworkAdapter net = run.net();
        ProgressCallback progress = run.progress();
        long batchesPerEpoch = data instanceof ResumableDataSetIterator r ? r.batchesPerEpoch() : countBatches(data);
        if (batchesPerEpoch == 0) {
            throw new IllegalArgumentException("the training data yields no batches");
        }
        int accumulate = options.gradientAccumulationSteps();
        // a step takes up to `accumulate` batches; the last step of an epoch takes what is left
        long stepsPerEpoch = (batchesPerEpoch + accumulate - 1) / accumulate;
        long all = stepsPerEpoch * options.epochs();
        pos.totalSteps = options.maxSteps().isPresent()
                ? Math.min(all, options.maxSteps().getAsLong())
                : all;
        schedule = new StepSchedule(options, pos.totalSteps);
        net.addListener(progress);
        progress.position(pos.step, pos.totalSteps, pos.epoch, options.epochs());
        checkpoints.restartInterval(System.nanoTime());
        run.recorder().update(b -> b.status(SessionStatus.RUNNING)
                .totalSteps(pos.totalSteps)
                .totalEpochs(options.epochs()));
        run.recorder().write();
        run.recorder().startAutosave(schedule.autosaveMillis());
        run.recorder().beat(SessionStatus.RUNNING);
        LOG.info(
                "training {} steps ({} epochs of {} batches{}){}",
                pos.totalSteps,
                options.epochs(),
                batchesPerEpoch,
                accumulate > 1 ? ", " + accumulate + " batches per step" : "",
                pos.step > 0 ? ", starting at step " + pos.step : "");
        StepMethod stepMethod = new StepMethod(net, hooks, accumulate);
        long loopStart = System.nanoTime();
        double secondsBefore = pos.trainingSeconds;
        try {
            epochs:
            while (pos.step < pos.totalSteps && !stoppedEarly()) {
                if (pos.batchInEpoch >= batchesPerEpoch) {
                    pos.epoch++;
                    pos.batchInEpoch = 0;
                    net.setEpochCount(pos.epoch);
                    progress.position(pos.step, pos.totalSteps, pos.epoch, options.epochs());
                }
                position(data, pos.epoch, pos.batchInEpoch);
                while (pos.step < pos.totalSteps
                        && pos.batchInEpoch < batchesPerEpoch
                        && data.hasNext()
                        && !stoppedEarly()) {
                    if (run.stop().requested()) {
                        return emergencyStop();
                    }
                    DataSet ds = data.next();
                    List<DataSet> batches = List.of(ds);
                    if (stepMethod.accumulating()) {
                        batches = new ArrayList<>(accumulate);
                        batches.add(ds);
                        while (batches.size() < accumulate
                                && pos.batchInEpoch + batches.size() < batchesPerEpoch
                                && data.hasNext()) {
                            batches.add(data.next());
                        }
                    }
                    Nd4j.getRandom().setSeed(StepRandom.seedFor(options.seed(), pos.step));
                    double lr = net.learningRate(pos.epoch);
                    progress.learningRate(lr);
                    stepMethod.fit(batches);
                    pos.step++;
                    if (pos.step % SUBNORMAL_FLUSH_EVERY_STEPS == 0) {
                        flushSubnormals(net.updaterState());
                    }
                    pos.batchInEpoch += batches.size();
                    for (DataSet b : batches) {
                        pos.samplesSeen += b.numExamples();
                    }
                    pos.progressCounter++;
                    pos.trainingSeconds = secondsBefore + (System.nanoTime() - loopStart) / 1e9;
                    double loss = progress.score();
                    if (!Double.isFinite(loss)) {
                        if (options.onDivergence() != OnDivergence.ROLLBACK) {
                            throw new TrainingDivergedException(pos.step, loss);
                        }
                        restorer.rollBack(loss, hooks);
                        progress.position(pos.step, pos.totalSteps, pos.epoch, options.epochs());
                        stepMethod.restart();
                        continue epochs;
                    }
                    afterStep();
                    if (diskStop != null) {
                        return diskStop;
                    }
                    hooks.onStep(new TrainingHooks.StepEvent(
                            pos.step,
                            pos.totalSteps,
                            pos.epoch,
                            pos.samplesSeen,
                            progress.loss(),
                            lr,
                            run.stop()::requestAsTerm));
                }
                if (pos.batchInEpoch < batchesPerEpoch && pos.step < pos.totalSteps && !stoppedEarly()) {
                    // the iterator ran dry early: treat it as the end of the epoch
                    pos.batchInEpoch = batchesPerEpoch;
                }
            }
            if (run.stop().requested()) {
                return emergencyStop();
            }
            return complete();
        } finally {
            stepMethod.close();
            net.removeListener(progress);
            progress.breakLine();
        }
    }

    private boolean stoppedEarly() {
        return run.best().stoppedEarly().isPresent();
    }

    private void afterStep() {
        run.writer().checkFailures();
        long now = System.nanoTime();
        if (schedule.progressDue(pos.step)) {
            hooks.onProgress(run.progress().progress());
        }
        boolean evaluated = false;
        boolean newBest = false;
        if (schedule.evaluationDue(pos.step)) {
            newBest = evaluate();
            evaluated = true;
        }
        if (schedule.checkpointDue(pos.step, now, checkpoints.lastCheckpointNanos(), newBest)) {
            if (!roomForCheckpoint(true)) {
                return;
            }
            checkpoints.take(SessionStatus.RUNNING);
        } else if (evaluated) {
            run.recorder().update(b -> b.status(SessionStatus.RUNNING));
            run.recorder().write();
        }
        if (schedule.heartbeatDue(now, run.recorder().lastBeatNanos())) {
            run.recorder().beat(SessionStatus.RUNNING);
        }
    }

    /** @return whether the evaluation found a new best that rotation keeps (so it is checkpointed) */
    private boolean evaluate() {
        SessionRecorder recorder = run.recorder();
        run.progress().breakLine();
        recorder.update(b -> b.status(SessionStatus.EVALUATING));
        recorder.beat(SessionStatus.EVALUATING);
        Optional<Map<String, Double>> metrics = hooks.evaluate(new TrainingHooks.EvalContext(pos.step, () -> {
            pos.progressCounter++;
            if (schedule.heartbeatDue(System.nanoTime(), recorder.lastBeatNanos())) {
                recorder.beat(SessionStatus.EVALUATING);
            }
        }));
        pos.lastEvalStep = pos.step;
        if (metrics.isEmpty()) {
            recorder.update(b -> b.status(SessionStatus.RUNNING));
            return false;
        }
        pos.lastMetrics = Map.copyOf(metrics.get());
        Double value = metrics.get().get(options.metric());
        boolean improved = false;
        if (value != null && !value.isNaN()) {
            improved = run.best().record(value, pos.step, pos.totalSteps);
        } else {
            LOG.warn(
                    "the evaluation returned no {} (got {}); checkpoints are not ranked",
                    options.metric(),
                    metrics.get().keySet());
        }
        recorder.update(b -> b.status(SessionStatus.RUNNING)
                .lastMetrics(pos.lastMetrics)
                .best(run.best().sessionBest()));
        return improved && options.keepBest();
    }

    /** Whether the next checkpoint fits on the disk; when it does not, {@code stop} ends the run (exit 7). */
    private boolean roomForCheckpoint(boolean stop) {
        Optional<String> shortage = room.shortageBeforeCheckpoint();
        if (shortage.isEmpty()) {
            return true;
        }
        if (stop) {
            run.recorder().finish(SessionStatus.FAILED, ExitCode.DISK_FULL.code(), shortage.get());
            diskStop = new TrainingSessionManager.Outcome(false, pos.step, ExitCode.DISK_FULL.code(), shortage.get());
        } else {
            run.recorder().write();
        }
        return false;
    }

    private TrainingSessionManager.Outcome emergencyStop() {
        run.progress().breakLine();
        SignalTrap.StopSignal s = run.stop().signal().orElse(null);
        String name = s == null ? "a shutdown" : "SIG" + s.name();
        int code = s == null ? ExitCode.FAILURE.code() : s.exitCode();
        CheckpointWriter writer = run.writer();
        writer.awaitIdle();
        if (pos.step > pos.lastCheckpointStep && pos.step > 0 && roomForCheckpoint(false)) {
            LOG.warn("{}: writing an emergency checkpoint at step {}", name, pos.step);
            try {
                checkpoints.take(SessionStatus.INTERRUPTED);
            } catch (CheckpointWriteException e) {
                LOG.error("emergency checkpoint not possible: {}", e.getMessage());
            }
            writer.awaitIdle();
            if (pos.lastCheckpointStep < pos.step) {
                LOG.error(
                        "the emergency checkpoint at step {} failed; a resume starts from step {}",
                        pos.step,
                        Math.max(0, pos.lastCheckpointStep));
            }
        }
        String reason = "interrupted by " + name + " at step " + pos.step;
        run.recorder().finish(SessionStatus.INTERRUPTED, code, reason);
        // After --resume never or PATH the same command would start over (or go back) again.
        LOG.warn(
                "{}; {}",
                reason,
                options.resume() == ResumeMode.AUTO
                        ? "resume with the same command"
                        : "resume with the same command and --resume auto (--resume "
                                + options.resume().name().toLowerCase(Locale.ROOT) + " would not continue from step "
                                + pos.step + ")");
        return new TrainingSessionManager.Outcome(false, pos.step, code, reason);
    }

    private TrainingSessionManager.Outcome complete() {
        CheckpointWriter writer = run.writer();
        if (pos.lastEvalStep != pos.step) {
            evaluate();
        }
        writer.awaitIdle();
        if (pos.lastCheckpointStep != pos.step) {
            if (!roomForCheckpoint(true)) {
                return diskStop;
            }
            checkpoints.take(SessionStatus.RUNNING);
            writer.awaitIdle();
        }
        if (pos.lastCheckpointStep != pos.step) {
            // A run counts as completed only with its last step committed: that checkpoint is what
            // a later start resumes from and what the final model is rebuilt from.
            throw new CheckpointWriteException(
                    "the checkpoint of the last step, " + pos.step + ", could not be written ("
                            + writer.lastFailure()
                            + "), so the run is not complete; free disk space or fix the permissions of "
                            + run.store().dir() + ", then start the run again",
                    writer.lastFailure());
        }
        String reason = "completed " + pos.step + " steps"
                + run.best().stoppedEarly().map(s -> "; " + s).orElse("");
        run.recorder().finish(SessionStatus.COMPLETED, ExitCode.COMPLETED.code(), reason);
        return new TrainingSessionManager.Outcome(true, pos.step, ExitCode.COMPLETED.code(), reason);
    }

    private static void position(DataSetIterator data, int ep, long skip) {
        if (data instanceof ResumableDataSetIterator r) {
            r.seek(ep, skip);
            return;
        }
        data.reset();
        for (long i = 0; i < skip && data.hasNext(); i++) {
            data.next();
        }
    }

    private static long countBatches(DataSetIterator data) {
        data.reset();
        long n = 0;
        while (data.hasNext()) {
            data.next();
            n++;
        }
        data.reset();
        return n;
    }
}
