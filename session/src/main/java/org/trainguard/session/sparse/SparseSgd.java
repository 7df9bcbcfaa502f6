package org.trainguard.session.sparse;

import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * Plain stochastic gradient descent for a {@link BagOfIdsEmbedding} table, updating the touched rows
 * only; with a linearly decaying schedule it is fastText's optimizer. It has no state, so it equals
 * DL4J's {@code Sgd} at every step.
 */
public final class SparseSgd extends RowSparseUpdater {
    private static final long serialVersionUID = 1L;

    /** For JSON deserialization: learning rate 1e-3. */
    public SparseSgd() {
        this(1e-3, null);
    }

    /**
     * @param learningRate the fixed learning rate (ignored when {@code schedule} is set)
     * @param schedule the learning-rate schedule, or null
     */
    public SparseSgd(double learningRate, ISchedule schedule) {
        super(learningRate, schedule);
    }

    @Override
    public long stateSize(long numParams) {
        return 0;
    }

    @Override
    RowSparseGradientUpdater<?> instantiate(INDArray viewArray, boolean initializeViewArray, TouchedRows rows) {
        return new SparseSgdUpdater(this, rows);
    }

    @Override
    public SparseSgd clone() {
        return new SparseSgd(learningRate, learningRateSchedule == null ? null : learningRateSchedule.clone());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SparseSgd a
                && Double.compare(learningRate, a.learningRate) == 0
                && Objects.equals(learningRateSchedule, a.learningRateSchedule);
    }

    @Override
    public int hashCode() {
        return Objects.hash(learningRate, learningRateSchedule);
    }

    @Override
    public String toString() {
        return "SparseSgd(lr=" + learningRate + ", schedule=" + learningRateSchedule + ")";
    }
}
