package org.trainguard.session;

import java.util.Map;
import org.trainguard.core.checkpoint.TrainingState;

/**
 * Where a run stands: the counters that a checkpoint records and a resume restores. The training
 * thread writes them; the autosave timer and the checkpoint writer's thread read the volatile ones.
 */
final class RunPosition {
    volatile long step;
    volatile int epoch;
    long batchInEpoch;
    volatile long samplesSeen;
    double trainingSeconds;
    long totalSteps;
    Map<String, Object> lastMetrics = Map.of();
    volatile long lastCheckpointStep = -1;
    long lastEvalStep = -1;
    /** Steps and evaluation batches done by this process: the heartbeat's sign of life. */
    long progressCounter;
    /** The learning-rate factor of the rollbacks so far (1 without any); part of every checkpoint. */
    double lrFactor = 1.0;

    int rollbacks;

    /**
     * Takes the counters of a checkpoint.
     *
     * @param ts the checkpoint's training state
     */
    void restore(TrainingState ts) {
        step = ts.step();
        epoch = ts.epoch();
        batchInEpoch = ts.batchInEpoch();
        samplesSeen = ts.samplesSeen();
        trainingSeconds = ts.trainingSeconds();
        lastMetrics = ts.metrics();
        lastCheckpointStep = step;
        lrFactor = ts.lrFactor();
        rollbacks = ts.rollbacks();
    }
}
