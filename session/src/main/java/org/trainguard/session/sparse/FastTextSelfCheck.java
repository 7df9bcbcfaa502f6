package org.trainguard.session.sparse;

import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The start-up comparison of {@link FastTextTrainingStep} with DL4J's {@code fit()}, once per JVM. */
final class FastTextSelfCheck {
    private static final Logger LOG = LoggerFactory.getLogger(FastTextSelfCheck.class);
    private static volatile String result;
    private static volatile double difference = Double.NaN;

    private FastTextSelfCheck() {}

    static double difference() {
        return difference;
    }

    /**
     * Trains two copies of a small fastText network (Adam, class weights, weight decay, clipping, dropout,
     * masks) for a few steps, one with {@code fit()} and one with this step, and compares parameters,
     * optimizer state and score. Runs once per JVM.
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
            for (boolean adam : new boolean[] {true, false}) {
                MultiLayerNetwork reference = tinyNetwork(adam);
                MultiLayerNetwork mine = tinyNetwork(adam);
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

    private static MultiLayerNetwork tinyNetwork(boolean adam) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(3)
                .updater(adam ? new Adam(0.05) : new Sgd(0.1))
                .weightInit(WeightInit.XAVIER)
                .weightDecay(0.01, true)
                .gradientNormalization(GradientNormalization.ClipL2PerLayer)
                .gradientNormalizationThreshold(0.5)
                .trainingWorkspaceMode(WorkspaceMode.NONE)
                .inferenceWorkspaceMode(WorkspaceMode.NONE)
                .list()
                .layer(new BagOfIdsEmbedding.Builder()
                        .nIn(40)
                        .nOut(5)
                        .weightInit(WeightInit.NORMAL)
                        .updater(adam ? new LazyAdam(0.05, null, 0.9, 0.999, 1e-8) : new SparseSgd(0.1, null))
                        .build())
                .layer(new OutputLayer.Builder(new LossMCXENT(
                                Nd4j.create(new float[] {1f, 3f, 5f}, new long[] {1, 3}, DataType.FLOAT)))
                        .nIn(5)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .dropOut(0.8)
                        .build())
                .build());
        net.init();
        return net;
    }
}
