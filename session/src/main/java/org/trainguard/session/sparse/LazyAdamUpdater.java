package org.trainguard.session.sparse;

import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** {@link LazyAdam}'s step, in float arithmetic following the formula of ND4J's Adam kernel. */
final class LazyAdamUpdater extends RowSparseGradientUpdater<LazyAdam> {
    private float beta1;
    private boolean momentum;
    private float beta2;
    private float oneMinusBeta1;
    private float oneMinusBeta2;
    private float epsilon;
    private float alpha;
    private float[] m = new float[0];
    private float[] v = new float[0];

    LazyAdamUpdater(LazyAdam config, TouchedRows rows) {
        super(config, rows);
    }

    @Override
    void prepare(int iteration, double lr) {
        LazyAdam c = getConfig();
        beta1 = (float) c.getBeta1();
        momentum = c.keepsFirstMoment();
        beta2 = (float) c.getBeta2();
        epsilon = (float) c.getEpsilon();
        oneMinusBeta1 = 1f - beta1;
        oneMinusBeta2 = 1f - beta2;
        alpha = alpha(beta1, beta2, epsilon, iteration, lr);
    }

    @Override
    float step(FloatBuffer s, int sBase, int index, float g) {
        int mAt = sBase + index;
        int vAt = mAt + (int) size;
        // without momentum (beta1 0) the first moment is the gradient, and is not kept
        float m = momentum ? beta1 * s.get(mAt) + g * oneMinusBeta1 : g;
        float v = beta2 * s.get(vAt) + g * g * oneMinusBeta2;
        if (momentum) {
            s.put(mAt, m);
        }
        s.put(vAt, v);
        return m * alpha / ((float) Math.sqrt(v) + epsilon);
    }

    @Override
    void stepRow(FloatBuffer s, int sBase, int first, float[] row, int dim) {
        if (m.length != dim) {
            m = new float[dim];
            v = new float[dim];
        }
        int mAt = sBase + first;
        int vAt = mAt + (int) size;
        if (momentum) {
            s.get(mAt, m, 0, dim);
        }
        s.get(vAt, v, 0, dim);
        for (int j = 0; j < dim; j++) {
            float g = row[j];
            float mj = momentum ? beta1 * m[j] + g * oneMinusBeta1 : g;
            float vj = beta2 * v[j] + g * g * oneMinusBeta2;
            m[j] = mj;
            v[j] = vj;
            row[j] = mj * alpha / ((float) Math.sqrt(vj) + epsilon);
        }
        if (momentum) {
            s.put(mAt, m, 0, dim);
        }
        s.put(vAt, v, 0, dim);
    }

    @Override
    public Map<String, INDArray> getState() {
        Map<String, INDArray> r = new LinkedHashMap<>();
        r.put("M", state.get(NDArrayIndex.interval(0, size)));
        r.put("V", state.get(NDArrayIndex.interval(size, 2 * size)));
        return r;
    }

    /** The step size of ND4J's Adam kernel at an iteration (bias-corrected; epsilon where it is not a number). */
    static float alpha(float beta1, float beta2, float epsilon, int iteration, double lr) {
        float beta1T = (float) Math.pow(beta1, iteration + 1);
        float beta2T = (float) Math.pow(beta2, iteration + 1);
        float a = (float) lr * (float) Math.sqrt(1f - beta2T) / (1f - beta1T);
        return Float.isNaN(a) || Float.isInfinite(a) || a == 0f ? epsilon : a;
    }
}
