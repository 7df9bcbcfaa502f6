package org.trainguard.session.sparse;

/** One step's settings of the per-row update: normalization, regularization and the optimizer. */
record RowUpdate(
        float scale,
        float clip,
        float l1,
        float l2,
        float decay,
        boolean adam,
        float beta1,
        float beta2,
        float oneMinusBeta1,
        float oneMinusBeta2,
        float epsilon,
        float alpha,
        float lr) {

    RowUpdate(float scale, float clip, float l1, float l2, float decay, RowSparseUpdater o, int iteration, double lr) {
        this(scale, clip, l1, l2, decay, o instanceof LazyAdam, adamSettings(o, iteration, lr), (float) lr);
    }

    private RowUpdate(float scale, float clip, float l1, float l2, float decay, boolean adam, float[] a, float lr) {
        this(scale, clip, l1, l2, decay, adam, a[0], a[1], 1f - a[0], 1f - a[1], a[2], a[3], lr);
    }

    /** beta1, beta2, epsilon and the step's alpha, as ND4J's Adam kernel computes them. */
    private static float[] adamSettings(RowSparseUpdater o, int iteration, double lr) {
        if (!(o instanceof LazyAdam c)) {
            return new float[4];
        }
        float beta1 = (float) c.getBeta1();
        float beta2 = (float) c.getBeta2();
        float epsilon = (float) c.getEpsilon();
        return new float[] {beta1, beta2, epsilon, LazyAdamUpdater.alpha(beta1, beta2, epsilon, iteration, lr)};
    }

    /** @return whether the optimizer keeps a first moment (Adam with beta1 other than 0) */
    boolean firstMoment() {
        return adam && beta1 != 0f;
    }

    /** Updates one row's parameters (and moments) in place from its gradient. */
    void row(float[] g, float[] params, float[] ms, float[] vs, int at, int dim) {
        boolean usesParam = l1 != 0f || l2 != 0f || decay != 0f;
        for (int i = at, end = at + dim; i < end; i++) {
            float gj = g[i];
            if (scale != 1f) {
                gj *= scale;
            }
            if (clip != Float.POSITIVE_INFINITY) {
                gj = Math.max(-clip, Math.min(clip, gj));
            }
            float pj = params[i];
            if (usesParam) {
                if (l2 != 0f) {
                    gj += l2 * pj;
                }
                if (l1 != 0f) {
                    gj += l1 * Math.signum(pj);
                }
            }
            float update;
            if (adam) {
                // without momentum (beta1 0) the first moment is the gradient, and is not kept
                float m = beta1 == 0f ? gj : beta1 * ms[i] + gj * oneMinusBeta1;
                float v = beta2 * vs[i] + gj * gj * oneMinusBeta2;
                if (beta1 != 0f) {
                    ms[i] = m;
                }
                vs[i] = v;
                update = m * alpha / ((float) Math.sqrt(v) + epsilon);
            } else {
                update = gj * lr;
            }
            if (decay != 0f) {
                update += decay * pj;
            }
            params[i] = pj - update;
        }
    }
}
