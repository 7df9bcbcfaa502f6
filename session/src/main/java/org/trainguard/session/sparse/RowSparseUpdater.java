package org.trainguard.session.sparse;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * An optimizer for a {@link BagOfIdsEmbedding} table that updates only the rows the last backward pass
 * touched. Its state has DL4J's usual layout (for Adam: all first moments, then all second moments), so
 * it is saved in {@code updaterState.bin} like any other. It can only serve that layer: the layer tells
 * it which rows to update.
 */
public abstract sealed class RowSparseUpdater implements IUpdater permits LazyAdam, SparseSgd {
    private static final long serialVersionUID = 1L;

    /** The fixed learning rate, when there is no schedule. */
    protected double learningRate;
    /** The learning-rate schedule over iterations and epochs, or null. */
    protected ISchedule learningRateSchedule;

    RowSparseUpdater(double learningRate, ISchedule learningRateSchedule) {
        this.learningRate = learningRate;
        this.learningRateSchedule = learningRateSchedule;
    }

    abstract RowSparseGradientUpdater<?> instantiate(INDArray viewArray, boolean initializeViewArray, TouchedRows rows);

    @Override
    public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
        throw new IllegalStateException(getClass().getSimpleName()
                + " updates BagOfIdsEmbedding tables only; set it on that layer, not as the network's default");
    }

    @Override
    public GradientUpdater instantiate(Map<String, INDArray> updaterState, boolean initializeStateArrays) {
        throw new UnsupportedOperationException(
                getClass().getSimpleName() + " keeps its state in the network's updater view");
    }

    @Override
    public double getLearningRate(int iteration, int epoch) {
        return learningRateSchedule != null ? learningRateSchedule.valueAt(iteration, epoch) : learningRate;
    }

    @Override
    public boolean hasLearningRate() {
        return true;
    }

    @Override
    public void setLrAndSchedule(double lr, ISchedule lrSchedule) {
        this.learningRate = lr;
        this.learningRateSchedule = lrSchedule;
    }

    /** @return the fixed learning rate (NaN when a schedule is set) */
    public double getLearningRate() {
        return learningRate;
    }

    /** @return the learning-rate schedule, or null */
    public ISchedule getLearningRateSchedule() {
        return learningRateSchedule;
    }

    @Override
    public abstract RowSparseUpdater clone();
}
