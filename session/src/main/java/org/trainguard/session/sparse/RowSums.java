package org.trainguard.session.sparse;

/**
 * The inner loops of {@link TableStep}'s passes over a batch's positions: the weighted sum of an example's
 * rows, and the scatter of the means' gradient into the rows' gradients. Both run eight columns at a time
 * with the eight sums (or the eight gradient terms) held in locals, so that a position costs eight loads
 * and adds instead of a loop that stores its partial sums back each time; the columns past the last full
 * eight run one at a time. Each column's additions happen in the same order as in a plain loop over the
 * positions, so the results are the same to the bit.
 */
final class RowSums {
    private RowSums() {}

    /**
     * The weighted mean of the rows at positions [from, to): {@code x[xe + j] = sum(weights[p] * rows[slotAt[p]
     * * dim + j]) / total}, or 0 when {@code total} is 0.
     */
    static void mean(
            float[] rows, int dim, int[] slotAt, float[] weights, int from, int to, float total, float[] x, int xe) {
        int j0 = 0;
        for (; j0 + 8 <= dim; j0 += 8) {
            float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
            for (int p = from; p < to; p++) {
                float m = weights[p];
                int c = slotAt[p] * dim + j0;
                s0 += m * rows[c];
                s1 += m * rows[c + 1];
                s2 += m * rows[c + 2];
                s3 += m * rows[c + 3];
                s4 += m * rows[c + 4];
                s5 += m * rows[c + 5];
                s6 += m * rows[c + 6];
                s7 += m * rows[c + 7];
            }
            boolean any = total != 0f;
            x[xe + j0] = any ? s0 / total : 0f;
            x[xe + j0 + 1] = any ? s1 / total : 0f;
            x[xe + j0 + 2] = any ? s2 / total : 0f;
            x[xe + j0 + 3] = any ? s3 / total : 0f;
            x[xe + j0 + 4] = any ? s4 / total : 0f;
            x[xe + j0 + 5] = any ? s5 / total : 0f;
            x[xe + j0 + 6] = any ? s6 / total : 0f;
            x[xe + j0 + 7] = any ? s7 / total : 0f;
        }
        for (int j = j0; j < dim; j++) {
            float s = 0f;
            for (int p = from; p < to; p++) {
                s += weights[p] * rows[slotAt[p] * dim + j];
            }
            x[xe + j] = total != 0f ? s / total : 0f;
        }
    }

    /**
     * Adds {@code weights[p] * eps[exampleOf[p] * dim + j]} to {@code gradients[slotAt[p] * dim + j]} for the
     * positions {@code p = list[q]}, q in [from, to), in that order. Consecutive positions of one example with
     * the same weight share the eight products.
     */
    static void scatter(
            float[] gradients,
            int dim,
            int[] list,
            int from,
            int to,
            int[] slotAt,
            int[] exampleOf,
            float[] weights,
            float[] eps) {
        int j0 = 0;
        for (; j0 + 8 <= dim; j0 += 8) {
            int lastExample = -1;
            float lastWeight = 0f;
            float d0 = 0f, d1 = 0f, d2 = 0f, d3 = 0f, d4 = 0f, d5 = 0f, d6 = 0f, d7 = 0f;
            for (int q = from; q < to; q++) {
                int p = list[q];
                float w = weights[p];
                int e = exampleOf[p];
                if (e != lastExample || Float.floatToRawIntBits(w) != Float.floatToRawIntBits(lastWeight)) {
                    int o = e * dim + j0;
                    d0 = w * eps[o];
                    d1 = w * eps[o + 1];
                    d2 = w * eps[o + 2];
                    d3 = w * eps[o + 3];
                    d4 = w * eps[o + 4];
                    d5 = w * eps[o + 5];
                    d6 = w * eps[o + 6];
                    d7 = w * eps[o + 7];
                    lastExample = e;
                    lastWeight = w;
                }
                int g = slotAt[p] * dim + j0;
                gradients[g] += d0;
                gradients[g + 1] += d1;
                gradients[g + 2] += d2;
                gradients[g + 3] += d3;
                gradients[g + 4] += d4;
                gradients[g + 5] += d5;
                gradients[g + 6] += d6;
                gradients[g + 7] += d7;
            }
        }
        for (int q = from; q < to; q++) {
            int p = list[q];
            float w = weights[p];
            int g = slotAt[p] * dim;
            int e = exampleOf[p] * dim;
            for (int j = j0; j < dim; j++) {
                gradients[g + j] += w * eps[e + j];
            }
        }
    }
}
