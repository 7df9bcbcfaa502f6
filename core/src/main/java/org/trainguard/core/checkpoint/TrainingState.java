package org.trainguard.core.checkpoint;

import java.util.Map;
import org.trainguard.core.run.RunLayout;

/**
 * The content of a checkpoint's {@code training_state.json}: everything besides the network that a
 * resumed run needs to continue exactly where the interrupted one stopped.
 *
 * @param formatVersion the checkpoint format version
 * @param step optimizer steps done (the number of updates the parameters have seen)
 * @param epoch the epoch the next step belongs to, counting from 0
 * @param batchInEpoch how many batches of that epoch are done (the position in its shuffled order)
 * @param samplesSeen training examples processed
 * @param seed the run's seed; the data order and every step's random state derive from it and the step
 * @param learningRate the learning rate of the last step (for people; the schedule is a function of the step)
 * @param totalSteps steps of the whole run
 * @param trainingSeconds wall time spent training so far, across resumes
 * @param bestMetric the metric that ranks checkpoints, e.g. {@code f1_macro}
 * @param bestValue the best value so far, NaN when nothing was evaluated yet
 * @param bestStep the step of the best value, -1 when nothing was evaluated yet
 * @param metrics the latest metrics
 * @param fingerprints what the run depends on (config, labels, features, data, model shape), by name
 * @param lrFactor what the learning rate is multiplied by after rollbacks of a diverged run, 1 without any
 *     (checkpoints written before rollbacks existed have none, read as 1)
 * @param rollbacks how many rollbacks the run has made up to this checkpoint
 * @param evaluationsWithoutImprovement evaluations in a row that did not improve the metric enough for early stopping
 *     (0 in checkpoints written before early stopping existed)
 */
public record TrainingState(
        int formatVersion,
        long step,
        int epoch,
        long batchInEpoch,
        long samplesSeen,
        long seed,
        double learningRate,
        long totalSteps,
        double trainingSeconds,
        String bestMetric,
        double bestValue,
        long bestStep,
        Map<String, Object> metrics,
        Map<String, String> fingerprints,
        double lrFactor,
        int rollbacks,
        int evaluationsWithoutImprovement) {

    /** The name of the file inside a checkpoint folder. */
    public static final String FILE_NAME = RunLayout.TRAINING_STATE;

    /** Defensive copies. */
    public TrainingState {
        metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
        fingerprints = fingerprints == null ? Map.of() : Map.copyOf(fingerprints);
        // a file without the field reads as 0
        lrFactor = lrFactor > 0 ? lrFactor : 1.0;
    }

    /**
     * A state without rollbacks.
     *
     * @param formatVersion the checkpoint format version
     * @param step optimizer steps done
     * @param epoch the epoch the next step belongs to
     * @param batchInEpoch batches of that epoch done
     * @param samplesSeen training examples processed
     * @param seed the run's seed
     * @param learningRate the learning rate of the last step
     * @param totalSteps steps of the whole run
     * @param trainingSeconds wall time spent training so far
     * @param bestMetric the metric that ranks checkpoints
     * @param bestValue the best value so far
     * @param bestStep the step of the best value
     * @param metrics the latest metrics
     * @param fingerprints what the run depends on
     */
    public TrainingState(
            int formatVersion,
            long step,
            int epoch,
            long batchInEpoch,
            long samplesSeen,
            long seed,
            double learningRate,
            long totalSteps,
            double trainingSeconds,
            String bestMetric,
            double bestValue,
            long bestStep,
            Map<String, Object> metrics,
            Map<String, String> fingerprints) {
        this(
                formatVersion,
                step,
                epoch,
                batchInEpoch,
                samplesSeen,
                seed,
                learningRate,
                totalSteps,
                trainingSeconds,
                bestMetric,
                bestValue,
                bestStep,
                metrics,
                fingerprints,
                1.0,
                0,
                0);
    }

    /**
     * A state without early-stopping progress.
     *
     * @param formatVersion the checkpoint format version
     * @param step optimizer steps done
     * @param epoch the epoch the next step belongs to
     * @param batchInEpoch batches of that epoch done
     * @param samplesSeen training examples processed
     * @param seed the run's seed
     * @param learningRate the learning rate of the last step
     * @param totalSteps steps of the whole run
     * @param trainingSeconds wall time spent training so far
     * @param bestMetric the metric that ranks checkpoints
     * @param bestValue the best value so far
     * @param bestStep the step of the best value
     * @param metrics the latest metrics
     * @param fingerprints what the run depends on
     * @param lrFactor what the learning rate is multiplied by after rollbacks
     * @param rollbacks how many rollbacks the run has made
     */
    public TrainingState(
            int formatVersion,
            long step,
            int epoch,
            long batchInEpoch,
            long samplesSeen,
            long seed,
            double learningRate,
            long totalSteps,
            double trainingSeconds,
            String bestMetric,
            double bestValue,
            long bestStep,
            Map<String, Object> metrics,
            Map<String, String> fingerprints,
            double lrFactor,
            int rollbacks) {
        this(
                formatVersion,
                step,
                epoch,
                batchInEpoch,
                samplesSeen,
                seed,
                learningRate,
                totalSteps,
                trainingSeconds,
                bestMetric,
                bestValue,
                bestStep,
                metrics,
                fingerprints,
                lrFactor,
                rollbacks,
                0);
    }

    /** @return whether an evaluation has set a best value */
    public boolean hasBest() {
        return bestStep >= 0 && !Double.isNaN(bestValue);
    }
}
