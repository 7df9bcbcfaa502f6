package org.trainguard.session.sparse;

import org.deeplearning4j.nn.conf.GradientNormalization;

/**
 * DL4J's gradient normalization, applied by {@link BagOfIdsEmbeddingLayer} to the gradients of the touched
 * rows only: the other rows' gradients are zero, so the result is identical to normalizing the whole table's.
 */
final class RowGradientNormalization {
    private RowGradientNormalization() {}

    /**
     * Normalizes the first {@code n} values of {@code gradients} in place.
     *
     * @param gradients the touched rows' gradients, one row after another
     * @param n how many values to normalize
     * @param gn the layer's gradient normalization; null for none
     * @param threshold the layer's gradient normalization threshold
     * @param layerName the layer's name, for the error message
     * @throws IllegalStateException for a gradient normalization that is not supported
     */
    static void apply(float[] gradients, int n, GradientNormalization gn, double threshold, String layerName) {
        if (gn == null || gn == GradientNormalization.None) {
            return;
        }
        switch (gn) {
            case RenormalizeL2PerLayer, RenormalizeL2PerParamType -> {
                double l2 = l2(gradients, n);
                if (l2 == 0.0) {
                    l2 = 1e-5;
                }
                scale(gradients, n, 1.0 / l2);
            }
            case ClipL2PerLayer, ClipL2PerParamType -> {
                double l2 = l2(gradients, n);
                if (l2 > threshold) {
                    scale(gradients, n, threshold / l2);
                }
            }
            case ClipElementWiseAbsoluteValue -> {
                float limit = (float) threshold;
                for (int k = 0; k < n; k++) {
                    gradients[k] = Math.max(-limit, Math.min(limit, gradients[k]));
                }
            }
            default ->
                throw new IllegalStateException(
                        "BagOfIdsEmbedding '" + layerName + "': gradient normalization " + gn + " is not supported");
        }
    }

    private static double l2(float[] gradients, int n) {
        double s = 0;
        for (int k = 0; k < n; k++) {
            s += (double) gradients[k] * gradients[k];
        }
        return Math.sqrt(s);
    }

    private static void scale(float[] gradients, int n, double factor) {
        float f = (float) factor;
        for (int k = 0; k < n; k++) {
            gradients[k] *= f;
        }
    }
}
