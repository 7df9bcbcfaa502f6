package org.trainguard.session.sparse;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * A row-sparse updater as DL4J's updater sees it for one layer instance: the layer's own settings
 * (read live, so learning-rate changes apply) plus the channel that names the touched rows. Equal only
 * to itself, so two tables never share one updater block even when their settings are equal.
 */
final class BoundUpdater implements IUpdater {
    private static final long serialVersionUID = 1L;

    private final transient RowSparseUpdater settings;
    private final transient TouchedRows rows;

    BoundUpdater(RowSparseUpdater settings, TouchedRows rows) {
        this.settings = settings;
        this.rows = rows;
    }

    RowSparseUpdater settings() {
        return settings;
    }

    @Override
    public long stateSize(long numParams) {
        return settings.stateSize(numParams);
    }

    @Override
    public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
        return settings.instantiate(viewArray, initializeViewArray, rows);
    }

    @Override
    public GradientUpdater instantiate(Map<String, INDArray> updaterState, boolean initializeStateArrays) {
        return settings.instantiate(updaterState, initializeStateArrays);
    }

    @Override
    public boolean equals(Object o) {
        return o == this;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    @Override
    public IUpdater clone() {
        return this;
    }

    @Override
    public double getLearningRate(int iteration, int epoch) {
        return settings.getLearningRate(iteration, epoch);
    }

    @Override
    public boolean hasLearningRate() {
        return settings.hasLearningRate();
    }

    @Override
    public void setLrAndSchedule(double lr, ISchedule lrSchedule) {
        settings.setLrAndSchedule(lr, lrSchedule);
    }
}
