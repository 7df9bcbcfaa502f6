package org.trainguard.session.sparse;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The start-up comparison of {@link FastTextTrainingStep} with DL4J's {@code fit()}, once per JVM. */
final class FastTextSelfCheck {
    private static final Logger LOG = LoggerFactory.getLogger(FastTextSelfCheck.class);
    private static volatile String result;
    private static volatile double difference = Double.NaN;
    /** The class weights of the small network's loss. */
    private static final float[] CLASS_WEIGHTS = {1f, 3f, 5f};

    private FastTextSelfCheck() {}

    static double difference() {
        return difference;
    }

    /**
     * Trains two copies of a small fastText network (Adam with and without momentum or SGD, class weights,
     * weight decay, clipping, dropout, masks; its ids as ints for this step, as arrays for {@code fit()}) for
     * a few steps, one with {@code fit()} and one with this step, and compares parameters, optimizer state and
     * score. Runs once per JVM.
     *
     * @throws IllegalStateException when the largest relative difference exceeds {@link FastTextTrainingStep#TOLERANCE}
     */
    static synchronized void run() {
        if (result != null) {
            if (!result.isEmpty()) {
                throw new IllegalStateException(result);
            }
            return;
        }
        long savedSeed = Nd4j.getRandom().getSeed();
        try {
            double worst = 0;
            // Adam with momentum, Adam without (beta1 0: no first moment kept), and SGD
            for (double beta1 : new double[] {0.9, 0.0, Double.NaN}) {
                boolean adam = !Double.isNaN(beta1);
                MultiLayerNetwork reference = SparseTrainingStep.tinyNetwork(adam, beta1, CLASS_WEIGHTS);
                MultiLayerNetwork mine = SparseTrainingStep.tinyNetwork(adam, beta1, CLASS_WEIGHTS);
                FastTextTrainingStep step = new FastTextTrainingStep(mine);
                java.util.Random r = new java.util.Random(11);
                for (int i = 0; i < 5; i++) {
                    DataSet batch = SparseTrainingStep.tinyBatch(r);
                    Nd4j.getRandom().setSeed(0x5EED_0000L + 7919L * i);
                    reference.fit(batch);
                    Nd4j.getRandom().setSeed(0x5EED_0000L + 7919L * i);
                    step.fit(batch);
                    worst = Math.max(worst, difference(reference, mine));
                    if (reference.getIterationCount() != mine.getIterationCount()) {
                        worst = Double.POSITIVE_INFINITY;
                    }
                }
            }
            difference = worst;
            if (!(worst <= FastTextTrainingStep.TOLERANCE)) {
                result = "the fastText training step differs from DL4J's fit() on a small network by " + worst
                        + " (relative), beyond the tolerance of " + FastTextTrainingStep.TOLERANCE
                        + "; refusing to train";
                throw new IllegalStateException(result);
            }
            result = "";
            LOG.debug(
                    "fastText step self-check: largest relative difference from fit() {} (tolerance {})",
                    worst,
                    FastTextTrainingStep.TOLERANCE);
        } finally {
            Nd4j.getRandom().setSeed(savedSeed);
        }
    }

    private static double difference(MultiLayerNetwork a, MultiLayerNetwork b) {
        double d = maxRelative(a.params().toFloatVector(), b.params().toFloatVector());
        INDArray sa = a.getUpdater().getStateViewArray();
        INDArray sb = b.getUpdater().getStateViewArray();
        if ((sa == null) != (sb == null)) {
            return Double.POSITIVE_INFINITY;
        }
        if (sa != null) {
            d = Math.max(d, maxRelative(sa.toFloatVector(), sb.toFloatVector()));
        }
        return Math.max(d, Math.abs(a.score() - b.score()) / Math.max(1.0, Math.abs(a.score())));
    }

    private static double maxRelative(float[] a, float[] b) {
        if (a.length != b.length) {
            return Double.POSITIVE_INFINITY;
        }
        double worst = 0;
        for (int k = 0; k < a.length; k++) {
            double d = Math.abs((double) a[k] - b[k]) / Math.max(1e-3, Math.abs(a[k]));
            if (!(d <= worst)) {
                worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
            }
        }
        return worst;
    }
}
