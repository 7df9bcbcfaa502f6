package org.trainguard.session.sparse;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Small bag-of-ids networks, their dense equivalents, and batches of ids with masks. */
final class SparseNets {
    static final int ROWS = 50;
    static final int DIM = 6;
    static final int CLASSES = 3;
    static final int LENGTH = 7;

    private SparseNets() {}

    /** Options shared by the sparse and the dense network of a comparison. */
    record Settings(boolean sgd, double weightDecay, double clip, double dropout) {
        static Settings adam() {
            return new Settings(false, 0, 0, 0);
        }

        IUpdater dense() {
            return sgd ? new Sgd(0.05) : new Adam(0.05);
        }

        IUpdater table() {
            return sgd ? new SparseSgd(0.05, null) : new LazyAdam(0.05, null, 0.9, 0.999, 1e-8);
        }

        NeuralNetConfiguration.Builder base(long seed) {
            NeuralNetConfiguration.Builder b = new NeuralNetConfiguration.Builder()
                    .seed(seed)
                    .updater(dense())
                    .weightInit(WeightInit.XAVIER)
                    .trainingWorkspaceMode(WorkspaceMode.NONE)
                    .inferenceWorkspaceMode(WorkspaceMode.NONE);
            if (weightDecay > 0) {
                b.weightDecay(weightDecay, true);
            }
            if (clip > 0) {
                b.gradientNormalization(GradientNormalization.ClipL2PerLayer).gradientNormalizationThreshold(clip);
            }
            return b;
        }

        OutputLayer output() {
            OutputLayer.Builder out = new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                    .nIn(DIM)
                    .nOut(CLASSES)
                    .activation(Activation.SOFTMAX);
            if (dropout > 0) {
                out.dropOut(1 - dropout);
            }
            return out.build();
        }
    }

    static MultiLayerConfiguration sparseConf(long seed, Settings s) {
        return sparseConf(seed, s, s.table());
    }

    /** The sparse network with the table's optimizer given. */
    static MultiLayerConfiguration sparseConf(long seed, Settings s, IUpdater table) {
        return s.base(seed)
                .list()
                .layer(new BagOfIdsEmbedding.Builder()
                        .nIn(ROWS)
                        .nOut(DIM)
                        .weightInit(WeightInit.NORMAL)
                        .updater(table)
                        .build())
                .layer(s.output())
                .build();
    }

    static MultiLayerNetwork sparse(long seed, Settings s) {
        MultiLayerNetwork net = new MultiLayerNetwork(sparseConf(seed, s));
        net.init();
        return net;
    }

    static MultiLayerNetwork dense(long seed, Settings s) {
        MultiLayerNetwork net = new MultiLayerNetwork(s.base(seed)
                .list()
                .layer(new EmbeddingSequenceLayer.Builder()
                        .nIn(ROWS)
                        .nOut(DIM)
                        .inputLength(LENGTH)
                        .outputDataFormat(RNNFormat.NCW)
                        .hasBias(false)
                        .weightInit(WeightInit.NORMAL)
                        .build())
                .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                .layer(s.output())
                .build());
        net.init();
        return net;
    }

    static ComputationGraphConfiguration graphConf(long seed, Settings s) {
        return s.base(seed)
                .graphBuilder()
                .addInputs("ids")
                .addLayer(
                        "bag",
                        new BagOfIdsEmbedding.Builder()
                                .nIn(ROWS)
                                .nOut(DIM)
                                .updater(s.table())
                                .build(),
                        "ids")
                .addLayer("out", s.output(), "bag")
                .setOutputs("out")
                .build();
    }

    static ComputationGraph graph(long seed, Settings s) {
        ComputationGraph net = new ComputationGraph(graphConf(seed, s));
        net.init();
        return net;
    }

    /**
     * @return batches of ids padded to {@link #LENGTH} with masks; some examples are shorter, ids
     *         repeat within and across examples, and padding positions hold id 0 (masked out)
     */
    static List<DataSet> batches(int count, int batchSize, long seed) {
        Random r = new Random(seed);
        List<DataSet> out = new ArrayList<>();
        for (int b = 0; b < count; b++) {
            float[] ids = new float[batchSize * LENGTH];
            float[] mask = new float[batchSize * LENGTH];
            float[] labels = new float[batchSize * CLASSES];
            for (int i = 0; i < batchSize; i++) {
                int label = r.nextInt(CLASSES);
                int len = 1 + r.nextInt(LENGTH);
                for (int t = 0; t < len; t++) {
                    // ids correlated with the label, so training has something to learn
                    int id = r.nextInt(4) == 0 ? r.nextInt(ROWS) : label * 10 + r.nextInt(10);
                    ids[i * LENGTH + t] = id;
                    mask[i * LENGTH + t] = 1f;
                }
                labels[i * CLASSES + label] = 1f;
            }
            out.add(new DataSet(
                    Nd4j.create(ids, new long[] {batchSize, LENGTH}, DataType.FLOAT),
                    Nd4j.create(labels, new long[] {batchSize, CLASSES}, DataType.FLOAT),
                    Nd4j.create(mask, new long[] {batchSize, LENGTH}, DataType.FLOAT),
                    null));
        }
        return out;
    }
}
