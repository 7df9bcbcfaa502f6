package org.trainguard.trainer.model;

import java.util.List;
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
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.trainguard.core.config.LossType;
import org.trainguard.core.config.ModelType;
import org.trainguard.core.config.TrainguardConfig;
import org.trainguard.core.config.TrainingConfig;

/**
 * Builds the classifier network from the configuration: the fastText-style default (embedding of
 * hashed features, masked average pooling, softmax) or a 1-D convolution over the embeddings.
 */
public final class NetworkFactory {

    private NetworkFactory() {
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
        MultiLayerNetwork net = new MultiLayerNetwork(configuration(config, totalSteps, labels));
        net.init();
        return net;
    }

    /**
     * @param config the run's configuration
     * @param totalSteps the run's optimizer steps
     * @param labels the classes, in output order
     * @return the network configuration
     */
    public static MultiLayerConfiguration configuration(TrainguardConfig config, long totalSteps, List<String> labels) {
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
        t.maxGradNorm().ifPresent(n -> b.gradientNormalization(GradientNormalization.ClipL2PerLayer).gradientNormalizationThreshold(n));

        var list = b.list();
        list.layer(new EmbeddingSequenceLayer.Builder()
                .nIn(buckets).nOut(dim)
                .inputLength(m.features().maxLength())
                .outputDataFormat(RNNFormat.NCW)
                .hasBias(false)
                .weightInit(WeightInit.NORMAL)
                .build());
        int pooledSize = dim;
        if (m.type() == ModelType.CNN) {
            list.layer(new Convolution1DLayer.Builder()
                    .nIn(dim).nOut(m.convFilters())
                    .kernelSize(m.convKernelSize())
                    .convolutionMode(ConvolutionMode.Same)
                    .activation(Activation.RELU)
                    .build());
            list.layer(new GlobalPoolingLayer.Builder(PoolingType.MAX).build());
            pooledSize = m.convFilters();
        } else {
            list.layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build());
        }
        OutputLayer.Builder out = new OutputLayer.Builder(lossFunction(config, labels))
                .nIn(pooledSize).nOut(classes)
                .activation(Activation.SOFTMAX);
        if (m.dropout() > 0) {
            out.dropOut(1.0 - m.dropout()); // DL4J takes the probability of keeping an input
        }
        list.layer(out.build());
        return list.build();
    }

    private static IUpdater updater(TrainingConfig t, long totalSteps) {
        long warmup = Math.round(t.warmupRatio() * totalSteps);
        WarmupSchedule.Shape shape = switch (t.lrSchedule()) {
            case COSINE -> WarmupSchedule.Shape.COSINE;
            case LINEAR -> WarmupSchedule.Shape.LINEAR;
            case CONSTANT -> WarmupSchedule.Shape.CONSTANT;
        };
        WarmupSchedule schedule = new WarmupSchedule(shape, t.learningRate(), warmup, totalSteps);
        return switch (t.optimizer()) {
            case ADAM -> Adam.builder().learningRateSchedule(schedule).beta1(t.adamBeta1()).beta2(t.adamBeta2()).epsilon(t.adamEpsilon()).build();
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
