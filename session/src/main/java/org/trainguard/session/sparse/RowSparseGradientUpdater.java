package org.trainguard.session.sparse;

import java.nio.FloatBuffer;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.regularization.L1Regularization;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;

/**
 * Turns the gradient of the touched rows into their update, in place, and applies the table's
 * regularization to those rows the way DL4J applies it to whole parameters: L1 and L2 to the gradient
 * before the optimizer, weight decay to the update after it. Rows not touched keep a zero update.
 *
 * @param <T> the settings
 */
abstract class RowSparseGradientUpdater<T extends RowSparseUpdater> implements GradientUpdater<T> {
    private final T config;
    private final TouchedRows rows;
    /** The flat optimizer state view, or null for a stateless optimizer. */
    protected INDArray state;
    /** Elements in the table (the state holds a multiple of this). */
    protected long size;

    RowSparseGradientUpdater(T config, TouchedRows rows) {
        this.config = config;
        this.rows = rows;
    }

    @Override
    public T getConfig() {
        return config;
    }

    @Override
    public void setStateViewArray(INDArray viewArray, long[] gradientShape, char gradientOrder, boolean initialize) {
        if (initialize) {
            viewArray.assign(0);
        }
        long n = 1;
        for (long d : gradientShape) {
            n *= d;
        }
        size = n;
        state = viewArray.reshape(viewArray.length());
    }

    @Override
    public void setState(Map<String, INDArray> stateMap, boolean initialize) {
        throw new UnsupportedOperationException(
                config.getClass().getSimpleName() + " keeps its state in the network's updater view");
    }

    /**
     * Called once per step before the rows are updated.
     *
     * @param iteration the step's iteration
     * @param lr the step's learning rate
     */
    abstract void prepare(int iteration, double lr);

    /**
     * @param s the state buffer (null for stateless)
     * @param sBase the state's first element in {@code s}
     * @param index the element's index in the table
     * @param g its gradient
     * @return its update (subtracted from the parameter)
     */
    abstract float step(FloatBuffer s, int sBase, int index, float g);

    @Override
    public void applyUpdater(INDArray gradient, int iteration, int epoch) {
        int[] touched = rows.take();
        BagOfIdsEmbeddingLayer layer = rows.layer();
        INDArray param = layer.getParam(BagOfIdsParamInitializer.WEIGHT_KEY);
        if (gradient.length() != param.length()) {
            throw new IllegalStateException("the updater of embedding table '" + layer.layerName()
                    + "' got a gradient of " + gradient.length() + " elements for a table of " + param.length());
        }
        int dim = (int) param.size(1);
        double lr = config.getLearningRate(iteration, epoch);
        float[] reg = regularization(layer, iteration, epoch, lr);
        float l1 = reg[0];
        float l2 = reg[1];
        float decay = reg[2];
        prepare(iteration, lr);
        FloatBuffer g = gradient.data().asNioFloat();
        int gBase = (int) gradient.offset();
        FloatBuffer p = param.data().asNioFloat();
        int pBase = (int) param.offset();
        FloatBuffer s = state == null || state.isEmpty() ? null : state.data().asNioFloat();
        int sBase = s == null ? 0 : (int) state.offset();
        boolean usesParam = l1 != 0f || l2 != 0f || decay != 0f;
        // rows are copied in and out in bulk: element-wise access to a direct buffer is several times slower
        float[] gr = new float[dim];
        float[] pr = new float[dim];
        for (int row : touched) {
            int first = row * dim;
            g.get(gBase + first, gr, 0, dim);
            if (usesParam) {
                p.get(pBase + first, pr, 0, dim);
                for (int j = 0; j < dim; j++) {
                    float pk = pr[j];
                    if (l2 != 0f) {
                        gr[j] += l2 * pk;
                    }
                    if (l1 != 0f) {
                        gr[j] += l1 * Math.signum(pk);
                    }
                }
            }
            stepRow(s, sBase, first, gr, dim);
            if (decay != 0f) {
                for (int j = 0; j < dim; j++) {
                    gr[j] += decay * pr[j];
                }
            }
            g.put(gBase + first, gr, 0, dim);
        }
    }

    /**
     * Turns the (regularized) gradient of one row into its update, in place; by default element by
     * element with {@link #step}.
     *
     * @param s the state buffer (null for stateless)
     * @param sBase the state's first element in {@code s}
     * @param first the row's first element's index in the table
     * @param row the gradient of the row, replaced by its update
     * @param dim the row's length
     */
    void stepRow(FloatBuffer s, int sBase, int first, float[] row, int dim) {
        for (int j = 0; j < dim; j++) {
            row[j] = step(s, sBase, first + j, row[j]);
        }
    }

    /**
     * The table's regularization at a step, as the lazy updaters apply it to a touched row.
     *
     * @return {L1 coefficient, L2 coefficient, weight decay (times the learning rate where it applies it)}
     * @throws IllegalStateException for a regularization that cannot be applied row by row
     */
    static float[] regularization(BagOfIdsEmbeddingLayer layer, int iteration, int epoch, double lr) {
        float l1 = 0f;
        float l2 = 0f;
        float decay = 0f;
        for (Regularization r : layer.tableRegularization()) {
            if (r instanceof L2Regularization x) {
                l2 += (float) x.getL2().valueAt(iteration, epoch);
            } else if (r instanceof L1Regularization x) {
                l1 += (float) x.getL1().valueAt(iteration, epoch);
            } else if (r instanceof WeightDecay x) {
                decay += (float) (x.getCoeff().valueAt(iteration, epoch) * (x.isApplyLR() ? lr : 1.0));
            } else {
                throw new IllegalStateException("embedding table '" + layer.layerName() + "': regularization "
                        + r.getClass().getSimpleName() + " cannot be applied row by row; use L1, L2 or weight decay");
            }
        }
        return new float[] {l1, l2, decay};
    }
}
