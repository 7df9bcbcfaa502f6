package org.trainguard.session;

import java.util.Map;
import java.util.Optional;
import org.trainguard.core.checkpoint.CheckpointStore;

/**
 * What an application adds to a run: evaluation, and reactions to progress and checkpoints. Every
 * method has a do-nothing default, so an application overrides only what it needs.
 */
public interface TrainingHooks {

    /** Hooks that do nothing: training with checkpoints, sessions and signals only. */
    TrainingHooks NONE = new TrainingHooks() {};

    /**
     * Evaluates the network. Called every {@code evalEverySteps} steps and at the end of the run.
     *
     * @param ctx the step, and a way to report progress during a long evaluation
     * @return metrics by name (must include the options' metric to rank checkpoints); empty when
     *     this application does not evaluate
     */
    default Optional<Map<String, Double>> evaluate(EvalContext ctx) {
        return Optional.empty();
    }

    /**
     * Called every {@code logEverySteps} steps with the latest figures.
     *
     * @param p the figures
     */
    default void onProgress(Progress p) {}

    /**
     * Called on the training thread after every step (after its evaluation and checkpoint, when due)
     * with the step's figures. To stop the run at this step, call {@link StepEvent#requestStop()}: the
     * run stops before the next step with an emergency checkpoint, as on SIGTERM. Keep it quick: it
     * runs between two training steps.
     *
     * @param step the step's figures
     */
    default void onStep(StepEvent step) {}

    /**
     * Called on the training thread after a diverged run went back to an earlier checkpoint
     * ({@code training.on_divergence: rollback}); training goes on from that checkpoint's step.
     *
     * @param rollback what happened, as recorded in the session file
     */
    default void onRollback(org.trainguard.core.run.SessionState.Rollback rollback) {}

    /**
     * A trainer of its own for the steps of this run, in place of the one trainguard picks (its fastText or
     * row-sparse step, or DL4J's {@code fit}). Asked once when the training loop starts and again after a
     * rollback ({@code training.on_divergence: rollback}); not allowed with gradient accumulation.
     *
     * @param model the network being trained
     * @return the trainer, or empty for trainguard's own choice
     */
    default java.util.Optional<StepTrainer> stepTrainer(org.deeplearning4j.nn.api.Model model) {
        return java.util.Optional.empty();
    }

    /**
     * Called on the writer's thread after a checkpoint is committed.
     *
     * @param checkpoint the new checkpoint
     */
    default void onCheckpoint(CheckpointStore.Checkpoint checkpoint) {}

    /**
     * The context of one evaluation.
     *
     * @param step optimizer steps done
     * @param progress call it now and then (per batch) so the watchdog sees a long evaluation progress
     */
    record EvalContext(long step, Runnable progress) {}

    /**
     * Figures of the run at a step.
     *
     * @param step optimizer steps done
     * @param totalSteps steps of the whole run
     * @param epoch the current epoch, from 0
     * @param totalEpochs epochs of the run
     * @param loss the last step's loss
     * @param learningRate the learning rate of the last step
     * @param samplesPerSecond recent throughput
     * @param etaSeconds expected seconds to the end
     */
    record Progress(
            long step,
            long totalSteps,
            int epoch,
            int totalEpochs,
            double loss,
            double learningRate,
            double samplesPerSecond,
            double etaSeconds) {}

    /**
     * One step done, as {@link #onStep} sees it.
     */
    final class StepEvent {
        private final long step;
        private final long totalSteps;
        private final int epoch;
        private final long samplesSeen;
        private final double loss;
        private final double learningRate;
        private final Runnable stop;

        /**
         * @param step optimizer steps done, this one included
         * @param totalSteps steps of the whole run
         * @param epoch the current epoch, from 0
         * @param samplesSeen training examples seen so far, across resumes
         * @param loss the step's loss (without the regularization term)
         * @param learningRate the learning rate the step used
         * @param stop asks the run to stop
         */
        public StepEvent(
                long step,
                long totalSteps,
                int epoch,
                long samplesSeen,
                double loss,
                double learningRate,
                Runnable stop) {
            this.step = step;
            this.totalSteps = totalSteps;
            this.epoch = epoch;
            this.samplesSeen = samplesSeen;
            this.loss = loss;
            this.learningRate = learningRate;
            this.stop = stop;
        }

        /** @return optimizer steps done, this one included */
        public long step() {
            return step;
        }

        /** @return steps of the whole run */
        public long totalSteps() {
            return totalSteps;
        }

        /** @return the current epoch, from 0 */
        public int epoch() {
            return epoch;
        }

        /** @return training examples seen so far, across resumes */
        public long samplesSeen() {
            return samplesSeen;
        }

        /** @return the step's loss (without the regularization term) */
        public double loss() {
            return loss;
        }

        /** @return the learning rate the step used */
        public double learningRate() {
            return learningRate;
        }

        /**
         * Stops the run before its next step, with an emergency checkpoint at this one (exit status 143,
         * as {@link TrainingSessionManager#requestStop()}).
         */
        public void requestStop() {
            stop.run();
        }
    }
}
