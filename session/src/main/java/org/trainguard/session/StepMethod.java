package org.trainguard.session;

import java.util.List;
import org.nd4j.linalg.dataset.api.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainguard.session.sparse.FastTextTrainingStep;
import org.trainguard.session.sparse.SparseTrainingStep;

/**
 * How the training loop trains one step: with {@link GradientAccumulation} over several batches,
 * with a {@link StepTrainer} (the application's, else the fastText shape's step, else a row-sparse
 * step for another network with a row-sparse table), or with DL4J's {@code fit}.
 */
final class StepMethod implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingSessionManager.class);

    private final NetworkAdapter net;
    private final TrainingHooks hooks;
    private final boolean accumulating;
    /** Null unless several batches make a step. */
    private final GradientAccumulation accumulation;
    /** Null to train with DL4J's {@code fit} (or with the accumulation). */
    private StepTrainer ownStep;

    /**
     * Chooses the method and logs which.
     *
     * @param net the network
     * @param hooks the hooks, which may give a step trainer of the application's
     * @param accumulate batches per step
     * @throws IllegalArgumentException when gradient accumulation is asked for with a step trainer
     */
    StepMethod(NetworkAdapter net, TrainingHooks hooks, int accumulate) {
        this.net = net;
        this.hooks = hooks;
        this.accumulating = accumulate > 1;
        if (accumulating && hooks.stepTrainer(net.model()).isPresent()) {
            throw new IllegalArgumentException(
                    "gradient accumulation cannot be combined with an application's step trainer");
        }
        if (accumulating && trainingStep(false) != null) {
            throw new IllegalArgumentException(
                    "gradient accumulation needs the dense embedding layout: the row-sparse step updates "
                            + "only the rows of one batch");
        }
        this.ownStep = accumulating ? null : trainingStep(true);
        this.accumulation = accumulating ? GradientAccumulation.of(net.model()) : null;
    }

    /** @return whether a step takes several batches */
    boolean accumulating() {
        return accumulating;
    }

    /**
     * Trains one step.
     *
     * @param batches the step's batches: one unless {@link #accumulating()}
     */
    void fit(List<DataSet> batches) {
        if (accumulation != null) {
            accumulation.fit(batches);
        } else if (ownStep != null) {
            ownStep.fit(batches.get(0));
        } else {
            net.fit(batches.get(0));
        }
    }

    /**
     * Starts the step trainer afresh on a restored network: a step of its own may hold state of the
     * rows it touched.
     */
    void restart() {
        ownStep = accumulating ? null : trainingStep(false);
    }

    @Override
    public void close() {
        if (accumulation != null) {
            accumulation.close();
        }
    }

    /**
     * The application's step trainer, else the fastText shape's step, else a row-sparse step for
     * another network with a row-sparse table; null to train with DL4J's {@code fit}.
     */
    private StepTrainer trainingStep(boolean log) {
        var own = hooks.stepTrainer(net.model());
        if (own.isPresent()) {
            if (log) {
                LOG.info(
                        "training with the application's step trainer ({})",
                        own.get().getClass().getName());
            }
            return own.get();
        }
        var fastStep = FastTextTrainingStep.forNetwork(net.model());
        if (fastStep.isPresent()) {
            if (log) {
                LOG.info(
                        "training with the fastText step (within {} of DL4J's fit() at start-up: {})",
                        FastTextTrainingStep.TOLERANCE,
                        FastTextTrainingStep.selfCheckDifference());
            }
            return fastStep.get()::fit;
        }
        var rowSparse = SparseTrainingStep.forNetwork(net.model());
        if (rowSparse.isPresent()) {
            if (log) {
                LOG.info("training with the row-sparse step (checked bitwise against DL4J's fit() at start-up)");
            }
            return rowSparse.get()::fit;
        }
        return null;
    }
}
