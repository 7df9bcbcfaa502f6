package org.trainguard.trainer.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainguard.config.CnnModel;
import org.trainguard.config.ConfigException;
import org.trainguard.config.EmbeddingLayout;
import org.trainguard.config.FastTextModel;
import org.trainguard.config.LossType;
import org.trainguard.config.ModelConfig;
import org.trainguard.config.TrainguardConfig;
import org.trainguard.config.TrainingConfig;
import org.trainguard.session.sparse.BagOfIdsEmbedding;
import org.trainguard.session.sparse.LazyAdam;
import org.trainguard.session.sparse.SparseSgd;

/**
 * Builds the classifier network from the configuration: the fastText-style default (embedding of
 * hashed features, masked average pooling, softmax) or a 1-D convolution over the embeddings.
 *
 * <p>The fastText model has two layouts of its table ({@code model.embedding}): sparse, a
 * {@link BagOfIdsEmbedding} whose optimizer updates only the rows a batch touched (the default on the
 * CPU backend), and dense, DL4J's embedding layer plus masked average pooling (the default on a GPU
 * backend, where the sparse layer's host-memory loops would copy the table every step). A model zip
 * records its layout through the layer classes in its {@code configuration.json}.
 */
public final class NetworkFactory {
    private static final Logger LOG = LoggerFactory.getLogger(NetworkFactory.class);
    private static final String DENSE_LAYER_CLASS = EmbeddingSequenceLayer.class.getName();
    private static final String SPARSE_LAYER_CLASS = BagOfIdsEmbedding.class.getName();

    private NetworkFactory() {}

    /**
     * The table layout a run gets.
     *
     * @param model the model settings
     * @param cpuBackend whether ND4J runs on the CPU backend
     * @param recorded the layout of the checkpoint the run will resume, if any
     * @return dense or sparse
     * @throws ConfigException when sparse is asked for on a GPU backend
     */
    public static EmbeddingLayout layout(ModelConfig model, boolean cpuBackend, Optional<EmbeddingLayout> recorded) {
        if (!(model instanceof FastTextModel)) {
            return EmbeddingLayout.DENSE;
        }
        if (model.embedding() == EmbeddingLayout.SPARSE && !cpuBackend) {
            throw new ConfigException(
                    "model.embedding",
                    "model.embedding: sparse needs ND4J's CPU backend (its loops run over "
                            + "host memory); this build runs on a GPU backend: use dense or auto");
        }
        if (model.embedding() != EmbeddingLayout.AUTO) {
            return model.embedding();
        }
        if (recorded.isPresent()) {
            if (recorded.get() == EmbeddingLayout.DENSE && cpuBackend) {
                LOG.info(
                        "the run's checkpoint holds the dense embedding layout: resuming with it (model.embedding: auto; "
                                + "train with --resume never for the sparse layout)");
            }
            return recorded.get();
        }
        return cpuBackend ? EmbeddingLayout.SPARSE : EmbeddingLayout.DENSE;
    }

    /** @return whether ND4J runs on its CPU backend */
    public static boolean cpuBackend() {
        return Nd4j.getEnvironment().isCPU();
    }

    /**
     * Reads the embedding layout of a model zip from the layer classes in its {@code configuration.json}.
     *
     * @param modelZip a {@code model.zip} written by DL4J's {@code ModelSerializer} or trainguard
     * @return dense or sparse; empty when the file cannot be read or holds neither layer
     */
    public static Optional<EmbeddingLayout> recordedLayout(Path modelZip) {
        try (ZipFile zip = new ZipFile(modelZip.toFile())) {
            ZipEntry entry = zip.getEntry("configuration.json");
            if (entry == null) {
                return Optional.empty();
            }
            String json;
            try (InputStream in = zip.getInputStream(entry)) {
                json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (json.contains(SPARSE_LAYER_CLASS)) {
                return Optional.of(EmbeddingLayout.SPARSE);
            }
            if (json.contains(DENSE_LAYER_CLASS)) {
                return Optional.of(EmbeddingLayout.DENSE);
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * @param config the run's configuration
     * @param totalSteps the run's optimizer steps (the schedule ends there)
     * @return an initialized network
     */
    public static MultiLayerNetwork build(TrainguardConfig config, long totalSteps) {
        return build(config, totalSteps, config.labels());
    }

    /**
     * @param config the run's configuration
     * @param totalSteps the run's optimizer steps
     * @param labels the classes, in output order
     * @return an initialized network
     */
    public static MultiLayerNetwork build(TrainguardConfig config, long totalSteps, List<String> labels) {
        return build(config, totalSteps, labels, layout(config.model(), cpuBackend(), Optional.empty()));
    }

    /**
     * @param config the run's configuration
     * @param totalSteps the run's optimizer steps
     * @param labels the classes, in output order
     * @param layout the fastText table's layout (see {@link #layout})
     * @return an initialized network
     */
    public static MultiLayerNetwork build(
            TrainguardConfig config, long totalSteps, List<String> labels, EmbeddingLayout layout) {
        MultiLayerNetwork net = new MultiLayerNetwork(configuration(config, totalSteps, labels, layout));
        net.init();
        return net;
    }

    /**
     * @param config the run's configuration
     * @param totalSteps the run's optimizer steps
     * @param labels the classes, in output order
     * @return the network configuration, with the layout {@link #layout} picks for a new run
     */
    public static MultiLayerConfiguration configuration(TrainguardConfig config, long totalSteps, List<String> labels) {
        return configuration(config, totalSteps, labels, layout(config.model(), cpuBackend(), Optional.empty()));
    }

    /**
     * @param config the run's configuration
     * @param totalSteps the run's optimizer steps
     * @param labels the classes, in output order
     * @param layout the fastText table's layout: {@link EmbeddingLayout#DENSE} or {@link EmbeddingLayout#SPARSE}
     * @return the network configuration
     */
    public static MultiLayerConfiguration configuration(
            TrainguardConfig config, long totalSteps, List<String> labels, EmbeddingLayout layout) {
        if (layout == EmbeddingLayout.AUTO) {
            throw new IllegalArgumentException("resolve the layout with NetworkFactory.layout first");
        }
        TrainingConfig t = config.training();
        var m = config.model();
        int buckets = m.features().buckets();
        int dim = m.embeddingDim();
        int classes = labels.size();

        NeuralNetConfiguration.Builder b = new NeuralNetConfiguration.Builder()
                .seed(t.seed())
                .updater(updater(t, totalSteps))
                .weightInit(WeightInit.XAVIER)
                // Batches are padded to their longest example, so shapes change from step to step;
                // DL4J's workspaces re-learn their size at every new shape, which measured slower
                // than plain allocation here.
                .trainingWorkspaceMode(WorkspaceMode.NONE)
                .inferenceWorkspaceMode(WorkspaceMode.NONE);
        if (t.weightDecay() > 0) {
            // decoupled weight decay scaled by the learning rate, as AdamW; biases are not decayed
            b.weightDecay(t.weightDecay(), true);
        }
        t.maxGradNorm().ifPresent(n -> b.gradientNormalization(GradientNormalization.ClipL2PerLayer)
                .gradientNormalizationThreshold(n));

        var list = b.list();
        if (layout == EmbeddingLayout.SPARSE && m instanceof FastTextModel) {
            // replaces embedding + average pooling; weight decay and clipping apply to the rows a step touched
            list.layer(new BagOfIdsEmbedding.Builder()
                    .nIn(buckets)
                    .nOut(dim)
                    .weightInit(WeightInit.NORMAL)
                    .updater(tableUpdater(t, totalSteps))
                    .build());
            list.layer(output(config, labels, dim, classes));
            return list.build();
        }
        list.layer(new EmbeddingSequenceLayer.Builder()
                .nIn(buckets)
                .nOut(dim)
                .inputLength(m.features().maxLength())
                .outputDataFormat(RNNFormat.NCW)
                .hasBias(false)
                .weightInit(WeightInit.NORMAL)
                .build());
        int pooledSize = dim;
        if (m instanceof CnnModel cnn) {
            list.layer(new Convolution1DLayer.Builder()
                    .nIn(dim)
                    .nOut(cnn.convFilters())
                    .kernelSize(cnn.convKernelSize())
                    .convolutionMode(ConvolutionMode.Same)
                    .activation(Activation.RELU)
                    .build());
            list.layer(new GlobalPoolingLayer.Builder(PoolingType.MAX).build());
            pooledSize = cnn.convFilters();
        } else {
            list.layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build());
        }
        list.layer(output(config, labels, pooledSize, classes));
        return list.build();
    }

    private static OutputLayer output(TrainguardConfig config, List<String> labels, int inputs, int classes) {
        OutputLayer.Builder out = new OutputLayer.Builder(lossFunction(config, labels))
                .nIn(inputs)
                .nOut(classes)
                .activation(Activation.SOFTMAX);
        if (config.model().dropout() > 0) {
            out.dropOut(1.0 - config.model().dropout()); // DL4J takes the probability of keeping an input
        }
        return out.build();
    }

    /** The table's optimizer: the run's optimizer and schedule, updating the touched rows only. */
    private static IUpdater tableUpdater(TrainingConfig t, long totalSteps) {
        WarmupSchedule schedule = schedule(t, totalSteps);
        return switch (t.optimizer()) {
            case ADAM -> new LazyAdam(t.learningRate(), schedule, t.adamBeta1(), t.adamBeta2(), t.adamEpsilon());
            case SGD -> new SparseSgd(t.learningRate(), schedule);
        };
    }

    private static WarmupSchedule schedule(TrainingConfig t, long totalSteps) {
        long warmup = Math.round(t.warmupRatio() * totalSteps);
        WarmupSchedule.Shape shape =
                switch (t.lrSchedule()) {
                    case COSINE -> WarmupSchedule.Shape.COSINE;
                    case LINEAR -> WarmupSchedule.Shape.LINEAR;
                    case CONSTANT -> WarmupSchedule.Shape.CONSTANT;
                };
        return new WarmupSchedule(shape, t.learningRate(), warmup, totalSteps);
    }

    private static IUpdater updater(TrainingConfig t, long totalSteps) {
        WarmupSchedule schedule = schedule(t, totalSteps);
        return switch (t.optimizer()) {
            case ADAM ->
                Adam.builder()
                        .learningRateSchedule(schedule)
                        .beta1(t.adamBeta1())
                        .beta2(t.adamBeta2())
                        .epsilon(t.adamEpsilon())
                        .build();
            case SGD -> new Sgd(schedule);
        };
    }

    /**
     * @param config the run's configuration
     * @param labels the classes
     * @return weighted cross-entropy, or focal loss when configured
     */
    public static ILossFunction lossFunction(TrainguardConfig config, List<String> labels) {
        double[] weights = config.loss().classWeightArray(labels);
        if (config.loss().type() == LossType.FOCAL) {
            return new FocalLoss(config.loss().focalGamma(), weights);
        }
        return new LossMCXENT(Nd4j.createFromArray(weights).castTo(DataType.FLOAT));
    }
}
