package org.trainguard.session;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Small real networks and data for tests. */
final class TinyNetworks {
    private TinyNetworks() {}

    static MultiLayerNetwork mlp(long seed) {
        return mlp(seed, 0.8);
    }

    /** @param retain the share of hidden units dropout keeps; 0 for no dropout (as DL4J reads it) */
    static MultiLayerNetwork mlp(long seed, double retain) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(new Adam(1e-2))
                .weightDecay(1e-3)
                .list()
                .layer(new DenseLayer.Builder()
                        .nIn(8)
                        .nOut(16)
                        .activation(Activation.RELU)
                        .dropOut(retain)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(16)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    static org.deeplearning4j.nn.graph.ComputationGraph graph(long seed) {
        var conf = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(new Adam(1e-2))
                .graphBuilder()
                .addInputs("in")
                .addLayer(
                        "hidden",
                        new DenseLayer.Builder()
                                .nIn(8)
                                .nOut(16)
                                .activation(Activation.RELU)
                                .dropOut(0.8)
                                .build(),
                        "in")
                .addLayer(
                        "out",
                        new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                                .nIn(16)
                                .nOut(3)
                                .activation(Activation.SOFTMAX)
                                .build(),
                        "hidden")
                .setOutputs("out")
                .build();
        var net = new org.deeplearning4j.nn.graph.ComputationGraph(conf);
        net.init();
        return net;
    }

    static ListDataSetIterator<DataSet> data(int examples, int batch, long seed) {
        Random r = new Random(seed);
        List<DataSet> list = new ArrayList<>();
        for (int i = 0; i < examples; i++) {
            int label = r.nextInt(3);
            float[] f = new float[8];
            for (int j = 0; j < 8; j++) {
                f[j] = (float) (r.nextGaussian() + (j % 3 == label ? 1.5 : 0));
            }
            float[] l = new float[3];
            l[label] = 1;
            list.add(new DataSet(Nd4j.createFromArray(new float[][] {f}), Nd4j.createFromArray(new float[][] {l})));
        }
        return new ListDataSetIterator<>(list, batch);
    }
}
