package org.trainguard.session.sparse;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.api.Updater;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.DropOutInverted;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.learning.regularization.L1Regularization;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * A training step of its own for the fastText network shape: a {@link BagOfIdsEmbedding} with a
 * row-sparse optimizer followed by a softmax {@link OutputLayer} with cross-entropy (optionally
 * class-weighted), as {@code model.type: fasttext} builds it. The output layer's forward pass, softmax,
 * loss, backward pass, minibatch averaging, gradient normalization, regularization and Adam or SGD
 * update run in plain Java on the network's own parameter, gradient and updater-state buffers; the
 * table is updated by its own row-sparse optimizer on the touched rows. DL4J's per-step machinery
 * (per-layer gradient maps, updater blocks over the whole table, native ops on tiny arrays) is skipped,
 * which is what dominated a step of this small network.
 *
 * <p>Counters, score and listeners follow {@code fit()}: listeners get {@code onGradientCalculation}
 * before the update and {@code iterationDone} after it, the score is the data loss plus the
 * regularization term, and dropout draws its mask from ND4J's random generator as the layer's own
 * dropout does, so a run seeded per step (see {@code StepRandom}) is reproducible and resumes exactly.
 *
 * <p>The arithmetic differs from ND4J's kernels in summation order only, so the result equals
 * {@code fit()} within float rounding, not bit for bit; a start-up self-check measures that difference on a
 * small network once per JVM and refuses to train when it exceeds {@link #TOLERANCE}. Batches it does
 * not cover (a label mask) go through {@link SparseTrainingStep}.
 */
public final class FastTextTrainingStep {
    /** Largest relative difference from {@code fit()} the self-check accepts, per parameter and in the score. */
    public static final double TOLERANCE = 1e-4;

    private final MultiLayerNetwork net;
    private final BagOfIdsEmbeddingLayer table;
    private final Layer out;
    private final TableStep tableStep;
    private final OutputLayerUpdate outputUpdate;
    private final List<UpdaterBlock> outBlocks = new ArrayList<>();
    private final IDropout dropout;
    private final double retainProbability;
    private final float[] classWeights;
    private final double softmaxClipEps;
    private final int dim;
    private final int classes;
    private final long outOffset;
    private SparseTrainingStep fallback;

    // scratch, grown as needed
    private float[] x = new float[0];
    private float[] delta = new float[0];
    private float[] eps = new float[0];
    private float[] mask = new float[0];
    private INDArray maskArray;
    private final float[] w;
    private final float[] g;

    FastTextTrainingStep(MultiLayerNetwork net) {
        this.net = net;
        this.table = (BagOfIdsEmbeddingLayer) net.getLayer(0);
        this.out = net.getLayer(1);
        BaseOutputLayer conf = (BaseOutputLayer) out.conf().getLayer();
        this.dropout = conf.getIDropout();
        this.retainProbability = dropout == null ? 1.0 : ((Dropout) dropout).getP();
        INDArray weights = ((LossMCXENT) conf.getLossFn()).getWeights();
        this.classWeights =
                weights == null ? null : weights.castTo(DataType.FLOAT).toFloatVector();
        this.softmaxClipEps = ((LossMCXENT) conf.getLossFn()).getSoftmaxClipEps();
        this.dim = (int) conf.getNIn();
        this.classes = (int) conf.getNOut();
        this.outOffset = table.numParams();
        this.w = new float[dim * classes + classes];
        this.g = new float[w.length];
        UpdaterBlock tb = null;
        for (UpdaterBlock b : blocks(net)) {
            if (b.getLayersAndVariablesInBlock().get(0).getLayer() == table) {
                tb = b;
            } else {
                outBlocks.add(b);
            }
        }
        this.tableStep = new TableStep(table, tb);
        this.outputUpdate = new OutputLayerUpdate(out, outBlocks, outOffset, dim, classes);
    }

    /**
     * @param model a network
     * @return the step, when the network has exactly the fastText shape this step covers; empty otherwise
     * @throws IllegalStateException when the start-up self-check finds this step and {@code fit()} disagree
     *         beyond {@link #TOLERANCE}
     */
    public static Optional<FastTextTrainingStep> forNetwork(Model model) {
        if (!(model instanceof MultiLayerNetwork mln) || !applies(mln)) {
            return Optional.empty();
        }
        FastTextSelfCheck.run();
        return Optional.of(new FastTextTrainingStep(mln));
    }

    /** @return the largest relative difference from {@code fit()} the start-up self-check found (NaN before it ran) */
    public static double selfCheckDifference() {
        return FastTextSelfCheck.difference();
    }

    static boolean applies(MultiLayerNetwork net) {
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        if (!TableStep.fits(net)
                || conf.getBackpropType() != BackpropType.Standard
                || net.getLayers().length != 2
                || conf.getDataType() != DataType.FLOAT
                || (conf.getInputPreProcessors() != null
                        && !conf.getInputPreProcessors().isEmpty())) {
            return false;
        }
        if (!(net.getLayer(0) instanceof BagOfIdsEmbeddingLayer e)
                || !e.rowSparseUpdater()
                || !(net.getLayer(1) instanceof org.deeplearning4j.nn.layers.OutputLayer)) {
            return false;
        }
        for (Layer l : net.getLayers()) {
            org.deeplearning4j.nn.conf.layers.Layer c = l.conf().getLayer();
            if (c.getConstraints() != null && !c.getConstraints().isEmpty()) {
                return false;
            }
        }
        OutputLayer o = (OutputLayer) net.getLayer(1).conf().getLayer();
        if (!(o.getActivationFn() instanceof ActivationSoftmax)
                || o.getLossFn() == null
                || o.getLossFn().getClass() != LossMCXENT.class
                || !o.hasBias()
                || o.getWeightNoise() != null
                || (o.getIDropout() != null && o.getIDropout().getClass() != Dropout.class)
                || (o.getIDropout() != null && ((Dropout) o.getIDropout()).getPSchedule() != null)) {
            return false;
        }
        GradientNormalization gn = o.getGradientNormalization();
        if (gn != null
                && gn != GradientNormalization.None
                && gn != GradientNormalization.ClipL2PerLayer
                && gn != GradientNormalization.ClipL2PerParamType
                && gn != GradientNormalization.RenormalizeL2PerLayer
                && gn != GradientNormalization.RenormalizeL2PerParamType
                && gn != GradientNormalization.ClipElementWiseAbsoluteValue) {
            return false;
        }
        for (String p : List.of(DefaultParamInitializer.WEIGHT_KEY, DefaultParamInitializer.BIAS_KEY)) {
            List<Regularization> regs = o.getRegularizationByParam(p);
            if (regs != null) {
                for (Regularization r : regs) {
                    if (!(r instanceof L1Regularization || r instanceof L2Regularization || r instanceof WeightDecay)) {
                        return false;
                    }
                }
            }
            IUpdater u = o.getUpdaterByParam(p);
            if (u == null || (u.getClass() != Adam.class && u.getClass() != Sgd.class)) {
                return false;
            }
        }
        if (net.getLayer(1).getParam(DefaultParamInitializer.WEIGHT_KEY).ordering() != 'f') {
            return false;
        }
        int tableBlocks = 0;
        for (UpdaterBlock b : blocks(net)) {
            for (UpdaterBlock.ParamState p : b.getLayersAndVariablesInBlock()) {
                if (p.getLayer() != b.getLayersAndVariablesInBlock().get(0).getLayer()) {
                    return false; // a block spanning both layers
                }
            }
            if (b.getLayersAndVariablesInBlock().get(0).getLayer() == net.getLayer(0)) {
                tableBlocks++;
            }
        }
        return tableBlocks == 1;
    }

    private static List<UpdaterBlock> blocks(MultiLayerNetwork net) {
        Updater u = net.getUpdater(true);
        if (!(u instanceof BaseMultiLayerUpdater<?> m)) {
            return List.of();
        }
        List<UpdaterBlock> blocks = m.getUpdaterBlocks();
        for (UpdaterBlock b : blocks) {
            if (b.getGradientUpdater() == null) {
                b.init();
            }
        }
        return blocks;
    }

    /**
     * Trains on one batch, as {@code net.fit(batch)} would.
     *
     * @param batch features (ids), one-hot labels and the features' mask
     */
    public void fit(org.nd4j.linalg.dataset.api.DataSet batch) {
        if (batch.getLabelsMaskArray() != null) {
            if (fallback == null) {
                fallback = SparseTrainingStep.forNetwork(net).orElseThrow();
            }
            fallback.fit(batch);
            return;
        }
        int iteration = net.getIterationCount();
        int epoch = net.getEpochCount();
        INDArray labels = batch.getLabels();
        net.setInput(batch.getFeatures());
        net.setLabels(labels);
        int n = (int) batch.getFeatures().size(0);
        if (x.length < n * dim) {
            x = new float[n * dim];
            delta = new float[n * classes];
            eps = new float[n * dim];
            mask = new float[n * dim];
        }
        tableStep.forward(batch, x);
        if (dropout != null) {
            // the dropout mask on the pooled means, drawn as the layer's own dropout draws it in fit()
            dropoutMask(n);
            for (int k = 0, end = n * dim; k < end; k++) {
                x[k] *= mask[k];
            }
        }
        float[] y = floats(labels, n * classes);

        FloatBuffer params = net.params().data().asNioFloat();
        int pBase = (int) (net.params().offset() + outOffset);
        params.get(pBase, w, 0, w.length);

        double dataLoss = forwardAndDelta(n, y);
        backward(n);

        double score = dataLoss / n + net.calcRegularizationScore(true);
        net.setScore(score);
        List<TrainingListener> listeners = new ArrayList<>(net.getListeners());
        for (TrainingListener l : listeners) {
            l.onGradientCalculation(net);
        }

        if (dropout != null) {
            for (int k = 0, end = n * dim; k < end; k++) {
                eps[k] *= mask[k];
            }
        }
        tableStep.backwardAndUpdate(eps, iteration, epoch);
        outputUpdate.apply(iteration, epoch, n, w, g, params, pBase);

        SparseTrainingStep.endStep(net, listeners, iteration, epoch);
    }

    /**
     * Draws the step's dropout mask into {@link #mask}, as DL4J's {@code Dropout.applyDropout} draws it: an
     * [n, dim] array of ones through ND4J's {@code DropOutInverted} with the retain probability, which leaves
     * 0 or 1/p in each element and takes the same numbers from ND4J's random generator. The forward pass
     * multiplies the means by it and the backward pass the gradient, as {@code fit()} does.
     */
    private void dropoutMask(int n) {
        if (maskArray == null || maskArray.size(0) != n) {
            maskArray = Nd4j.createUninitialized(DataType.FLOAT, new long[] {n, dim}, 'c');
        }
        maskArray.assign(1.0);
        Nd4j.getExecutioner().exec(new DropOutInverted(maskArray, maskArray, retainProbability));
        maskArray.data().asNioFloat().get((int) maskArray.offset(), mask, 0, n * dim);
    }

    /** The elements in row-major order; copies through a native op only when the array is not already laid out so. */
    static float[] floats(INDArray a) {
        INDArray f = a.castTo(DataType.FLOAT);
        if (f.ordering() != 'c' || f.isView() || f.data().length() != f.length()) {
            f = f.dup('c');
        }
        return f.data().asFloat();
    }

    private static float[] floats(INDArray a, int expected) {
        if (a.length() != expected) {
            throw new IllegalArgumentException("labels of shape " + java.util.Arrays.toString(a.shape())
                    + " do not match the network's output of " + expected + " values for the batch");
        }
        return floats(a);
    }

    /** Softmax of x·W + b, the (weighted) cross-entropy summed over the batch, and delta = dLoss/dz per example. */
    private double forwardAndDelta(int n, float[] y) {
        int wb = dim * classes; // W is [dim, classes] in 'f' order: element (i, j) at i + j * dim
        double loss = 0;
        float[] z = new float[classes];
        float clipLow = (float) softmaxClipEps;
        float clipHigh = (float) (1.0 - softmaxClipEps);
        for (int e = 0; e < n; e++) {
            int xe = e * dim;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < classes; j++) {
                float s = 0f;
                int wj = j * dim;
                for (int i = 0; i < dim; i++) {
                    s += x[xe + i] * w[wj + i];
                }
                s += w[wb + j];
                z[j] = s;
                max = Math.max(max, s);
            }
            float sum = 0f;
            for (int j = 0; j < classes; j++) {
                z[j] = (float) Math.exp(z[j] - max);
                sum += z[j];
            }
            float labelWeight = 0f;
            for (int j = 0; j < classes; j++) {
                float yw = classWeights == null ? y[e * classes + j] : y[e * classes + j] * classWeights[j];
                labelWeight += yw;
            }
            for (int j = 0; j < classes; j++) {
                float p = z[j] / sum;
                float yj = y[e * classes + j];
                float yw = classWeights == null ? yj : yj * classWeights[j];
                if (yj != 0f) {
                    float clipped = softmaxClipEps > 0 ? Math.max(clipLow, Math.min(clipHigh, p)) : p;
                    loss -= Math.log(clipped) * yw;
                }
                // LossMCXENT's softmax gradient: p * sum(weighted labels) - weighted labels
                delta[e * classes + j] = classWeights == null ? p - yj : p * labelWeight - yw;
            }
        }
        return loss;
    }

    /** Gradients of W and b (summed over the batch, into {@link #g}) and the epsilon towards the table. */
    private void backward(int n) {
        int wb = dim * classes;
        java.util.Arrays.fill(g, 0f);
        for (int e = 0; e < n; e++) {
            int xe = e * dim;
            int de = e * classes;
            for (int j = 0; j < classes; j++) {
                float d = delta[de + j];
                int wj = j * dim;
                for (int i = 0; i < dim; i++) {
                    g[wj + i] += x[xe + i] * d;
                }
                g[wb + j] += d;
            }
            for (int i = 0; i < dim; i++) {
                float s = 0f;
                for (int j = 0; j < classes; j++) {
                    s += w[j * dim + i] * delta[de + j];
                }
                eps[xe + i] = s;
            }
        }
    }
}
