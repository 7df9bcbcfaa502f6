package org.trainguard.session.sparse;

import java.nio.FloatBuffer;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/** {@link SparseSgd}'s step: the update is the learning rate times the gradient. */
final class SparseSgdUpdater extends RowSparseGradientUpdater<SparseSgd> {
    private float lr;

    SparseSgdUpdater(SparseSgd config, TouchedRows rows) {
        super(config, rows);
    }

    @Override
    void prepare(int iteration, double learningRate) {
        lr = (float) learningRate;
    }

    @Override
    float step(FloatBuffer s, int sBase, int index, float g) {
        return g * lr;
    }

    @Override
    public Map<String, INDArray> getState() {
        return Map.of();
    }
}
