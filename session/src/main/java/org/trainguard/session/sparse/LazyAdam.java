package org.trainguard.session.sparse;

import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * Adam for a {@link BagOfIdsEmbedding} table that updates the moments and the parameters of the rows a
 * step touched only (the "lazy" Adam of TensorFlow, PyTorch's SparseAdam). On the first step it equals
 * DL4J's Adam; afterwards rows absent from a batch keep their moments and values instead of drifting
 * with their old momentum. Bias correction uses the network's iteration count.
 *
 * <p>With {@code beta1} 0 the first moment of a row is its gradient of the step: the table's first-moment
 * array is then neither read nor written (it stays as it was, zero for a new network), which saves a third
 * of the memory traffic of an update.
 */
public final class LazyAdam extends RowSparseUpdater {
    private static final long serialVersionUID = 1L;

    private double beta1;
    private double beta2;
    private double epsilon;

    /** For JSON deserialization: the defaults of DL4J's Adam. */
    public LazyAdam() {
        this(1e-3, null, 0.9, 0.999, 1e-8);
    }

    /**
     * @param learningRate the fixed learning rate (ignored when {@code schedule} is set)
     * @param schedule the learning-rate schedule, or null
     * @param beta1 first-moment decay
     * @param beta2 second-moment decay
     * @param epsilon denominator guard
     */
    public LazyAdam(double learningRate, ISchedule schedule, double beta1, double beta2, double epsilon) {
        super(learningRate, schedule);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
    }

    /** @return first-moment decay */
    public double getBeta1() {
        return beta1;
    }

    /**
     * @return whether the first moment is kept: not with {@code beta1} 0 (in float, the precision of the
     *     update), where it equals the step's gradient
     */
    public boolean keepsFirstMoment() {
        return (float) beta1 != 0f;
    }

    /** @return second-moment decay */
    public double getBeta2() {
        return beta2;
    }

    /** @return denominator guard */
    public double getEpsilon() {
        return epsilon;
    }

    @Override
    public long stateSize(long numParams) {
        return 2 * numParams;
    }

    @Override
    RowSparseGradientUpdater<?> instantiate(INDArray viewArray, boolean initializeViewArray, TouchedRows rows) {
        LazyAdamUpdater u = new LazyAdamUpdater(this, rows);
        u.setStateViewArray(viewArray, new long[] {viewArray.length() / 2}, 'c', initializeViewArray);
        return u;
    }

    @Override
    public LazyAdam clone() {
        return new LazyAdam(
                learningRate,
                learningRateSchedule == null ? null : learningRateSchedule.clone(),
                beta1,
                beta2,
                epsilon);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LazyAdam a
                && Double.compare(learningRate, a.learningRate) == 0
                && Objects.equals(learningRateSchedule, a.learningRateSchedule)
                && Double.compare(beta1, a.beta1) == 0
                && Double.compare(beta2, a.beta2) == 0
                && Double.compare(epsilon, a.epsilon) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(learningRate, learningRateSchedule, beta1, beta2, epsilon);
    }

    @Override
    public String toString() {
        return "LazyAdam(lr=" + learningRate + ", schedule=" + learningRateSchedule + ", beta1=" + beta1 + ", beta2="
                + beta2 + ", epsilon=" + epsilon + ")";
    }
}
