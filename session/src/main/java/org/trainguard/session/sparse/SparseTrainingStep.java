package org.trainguard.session.sparse;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * One training step of a {@link MultiLayerNetwork} that holds a {@link BagOfIdsEmbedding} table with a
 * row-sparse updater, doing what {@code net.fit(batch)} does (the same forward and backward passes,
 * listeners, updater, counters) except that the parameter update is subtracted from the touched rows of
 * the table only, where DL4J's step subtracts the whole parameter vector (mostly zeros). The result is
 * bitwise the same as {@code fit}: every other element of the update is exactly zero.
 *
 * <p>All state stays in the network's own arrays and counters, so checkpoints, exact resume, evaluation
 * and inference see an ordinary network. {@link #forNetwork} checks once per JVM, on a small network,
 * that a few such steps equal DL4J's own bit for bit, and refuses otherwise.
 */
public final class SparseTrainingStep {
    private static volatile Boolean selfCheckPassed;

    private final MultiLayerNetwork net;
    private final LayerWorkspaceMgr workspaces = LayerWorkspaceMgr.noWorkspaces();

    private SparseTrainingStep(MultiLayerNetwork net) {
        this.net = net;
    }

    /**
     * @param model a network
     * @return the step for it, when it is a {@link MultiLayerNetwork} with a row-sparse table, standard
     *         backpropagation and no parameter constraints; empty otherwise (train it with {@code fit})
     * @throws IllegalStateException when the start-up self-check finds that this step and DL4J's
     *         {@code fit} disagree
     */
    public static Optional<SparseTrainingStep> forNetwork(Model model) {
        if (!(model instanceof MultiLayerNetwork mln) || !applies(mln)) {
            return Optional.empty();
        }
        selfCheck();
        return Optional.of(new SparseTrainingStep(mln));
    }

    private static boolean applies(MultiLayerNetwork net) {
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        if (conf.getBackpropType() != BackpropType.Standard) {
            return false;
        }
        boolean sparse = false;
        for (Layer l : net.getLayers()) {
            org.deeplearning4j.nn.conf.layers.Layer c = l.conf().getLayer();
            if (c.getConstraints() != null && !c.getConstraints().isEmpty()) {
                return false;
            }
            sparse |= l instanceof BagOfIdsEmbeddingLayer b && b.rowSparseUpdater();
        }
        return sparse;
    }

    /**
     * Trains on one batch, as {@code net.fit(batch)} would.
     *
     * @param batch features, labels and their masks
     */
    public void fit(org.nd4j.linalg.dataset.api.DataSet batch) {
        net.setInput(batch.getFeatures());
        net.setLabels(batch.getLabels());
        net.setLayerMaskArrays(batch.getFeaturesMaskArray(), batch.getLabelsMaskArray());
        net.computeGradientAndScore(workspaces);
        List<TrainingListener> listeners = new ArrayList<>(net.getListeners());
        for (TrainingListener l : listeners) {
            l.onGradientCalculation(net);
        }
        Pair<Gradient, Double> pair = net.gradientAndScore();
        int iteration = net.getIterationCount();
        int epoch = net.getEpochCount();
        net.getUpdater()
                .update(
                        net,
                        pair.getFirst(),
                        iteration,
                        epoch,
                        (int) batch.getFeatures().size(0),
                        workspaces);
        subtractUpdate();
        endStep(net, listeners, iteration, epoch);
    }

    /** What {@code fit()} does after an update: listeners' {@code iterationDone}, the counters, and clearing the inputs' state. */
    static void endStep(MultiLayerNetwork net, List<TrainingListener> listeners, int iteration, int epoch) {
        for (TrainingListener l : listeners) {
            l.iterationDone(net, iteration, epoch);
        }
        net.setIterationCount(iteration + 1);
        net.clearLayerMaskArrays();
        net.clearLayersStates();
        for (Layer l : net.getLayers()) {
            l.setIterationCount(iteration + 1);
            l.setEpochCount(epoch);
        }
    }

    /** params -= update: the touched rows of each row-sparse table, every element of every other layer. */
    private void subtractUpdate() {
        INDArray params = net.params();
        INDArray update = net.getGradientsViewArray();
        INDArray flatParams = params.reshape(params.length());
        INDArray flatUpdate = update.reshape(update.length());
        long offset = 0;
        long denseFrom = 0;
        for (Layer l : net.getLayers()) {
            long n = l.numParams();
            if (l instanceof BagOfIdsEmbeddingLayer b && b.rowSparseUpdater() && n > 0) {
                subtractDense(flatParams, flatUpdate, denseFrom, offset);
                int dim = (int) b.getParam(BagOfIdsParamInitializer.WEIGHT_KEY).size(1);
                FloatBuffer p = params.data().asNioFloat();
                FloatBuffer u = update.data().asNioFloat();
                int pBase = (int) (params.offset() + offset);
                int uBase = (int) (update.offset() + offset);
                for (int row : b.touchedRows()) {
                    for (int k = row * dim, end = k + dim; k < end; k++) {
                        p.put(pBase + k, p.get(pBase + k) - u.get(uBase + k));
                    }
                }
                denseFrom = offset + n;
            }
            offset += n;
        }
        subtractDense(flatParams, flatUpdate, denseFrom, offset);
    }

    private static void subtractDense(INDArray params, INDArray update, long from, long to) {
        if (to > from) {
            params.get(NDArrayIndex.interval(from, to)).subi(update.get(NDArrayIndex.interval(from, to)));
        }
    }

    /**
     * Trains two copies of a small network with a row-sparse table (weight decay, clipping, dropout,
     * masks) for a few steps, one with {@code fit} and one with this step, and compares parameters,
     * optimizer state and counters bit for bit. Runs once per JVM.
     *
     * @throws IllegalStateException when they differ
     */
    public static synchronized void selfCheck() {
        if (selfCheckPassed != null) {
            if (!selfCheckPassed) {
                throw new IllegalStateException(
                        "the sparse training step disagreed with DL4J's fit() at start-up; refusing to train");
            }
            return;
        }
        long savedSeed = Nd4j.getRandom().getSeed();
        try {
            MultiLayerNetwork reference = tinyNetwork(true, 0.9, null);
            MultiLayerNetwork mine = tinyNetwork(true, 0.9, null);
            SparseTrainingStep step = new SparseTrainingStep(mine);
            java.util.Random r = new java.util.Random(11);
            String problem = null;
            for (int i = 0; i < 4 && problem == null; i++) {
                DataSet batch = tinyBatch(r);
                Nd4j.getRandom().setSeed(0x5EED_0000L + 7919L * i);
                reference.fit(batch);
                Nd4j.getRandom().setSeed(0x5EED_0000L + 7919L * i);
                step.fit(batch);
                problem = difference(reference, mine);
            }
            selfCheckPassed = problem == null;
            if (problem != null) {
                throw new IllegalStateException(
                        "the sparse training step disagrees with DL4J's fit() on a small network (" + problem
                                + "); refusing to train");
            }
        } finally {
            Nd4j.getRandom().setSeed(savedSeed);
        }
    }

    private static String difference(MultiLayerNetwork a, MultiLayerNetwork b) {
        if (!java.util.Arrays.equals(a.params().toFloatVector(), b.params().toFloatVector())) {
            return "parameters differ";
        }
        if (!java.util.Arrays.equals(
                a.getUpdater().getStateViewArray().toFloatVector(),
                b.getUpdater().getStateViewArray().toFloatVector())) {
            return "optimizer state differs";
        }
        if (a.getIterationCount() != b.getIterationCount()) {
            return "iteration counts differ";
        }
        if (Double.compare(a.score(), b.score()) != 0) {
            return "scores differ";
        }
        return null;
    }

    /** The small networks' embedding width: one full group of eight columns and a remainder (see {@link RowSums}). */
    static final int TINY_DIM = 13;

    /**
     * The small fastText network of this package's start-up self-checks: a 40-row table of width
     * {@link #TINY_DIM} and three classes, with weight decay, clipping and dropout.
     *
     * @param adam Adam (the table with {@link LazyAdam}) rather than SGD (the table with {@link SparseSgd})
     * @param beta1 Adam's first-moment decay (unused with SGD)
     * @param classWeights the loss's class weights; null for plain cross-entropy
     * @return the initialized network
     */
    static MultiLayerNetwork tinyNetwork(boolean adam, double beta1, float[] classWeights) {
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
                        .nOut(TINY_DIM)
                        .weightInit(WeightInit.NORMAL)
                        .updater(adam ? new LazyAdam(0.05, null, beta1, 0.999, 1e-8) : new SparseSgd(0.1, null))
                        .build())
                .layer(new OutputLayer.Builder(new LossMCXENT(
                                classWeights == null
                                        ? null
                                        : Nd4j.create(
                                                classWeights, new long[] {1, classWeights.length}, DataType.FLOAT)))
                        .nIn(TINY_DIM)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .dropOut(0.8)
                        .build())
                .build());
        net.init();
        return net;
    }

    /**
     * A small batch of random ids, masks and labels for the start-up self-checks of this package, carrying its
     * ids as ints too, as trainguard's own batches do ({@link BagOfIdsDataSet}).
     */
    static DataSet tinyBatch(java.util.Random r) {
        int n = 6;
        int len = 5;
        float[] ids = new float[n * len];
        float[] mask = new float[n * len];
        float[] labels = new float[n * 3];
        int[][] examples = new int[n][];
        for (int i = 0; i < n; i++) {
            int used = 1 + r.nextInt(len);
            examples[i] = new int[used];
            for (int t = 0; t < used; t++) {
                examples[i][t] = r.nextInt(40);
                ids[i * len + t] = examples[i][t];
                mask[i * len + t] = 1f;
            }
            labels[i * 3 + r.nextInt(3)] = 1f;
        }
        return new BagOfIdsDataSet(
                Nd4j.create(ids, new long[] {n, len}, DataType.FLOAT),
                Nd4j.create(labels, new long[] {n, 3}, DataType.FLOAT),
                Nd4j.create(mask, new long[] {n, len}, DataType.FLOAT),
                examples);
    }
}
