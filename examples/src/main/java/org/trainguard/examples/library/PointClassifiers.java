package org.trainguard.examples.library;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The example's own networks: small classifiers of {@link PointClouds} points, with dropout and
 * Adam. Nothing here knows about trainguard; they are what an application already has.
 */
public final class PointClassifiers {

    /** Units of each hidden layer. */
    public static final int HIDDEN = 32;
    /** Learning rate of Adam. */
    public static final double LEARNING_RATE = 5e-3;
    /** Probability of keeping a hidden unit during training (DL4J's dropOut takes the keep probability). */
    public static final double KEEP_PROBABILITY = 0.8;

    private PointClassifiers() {}

    /**
     * @param type which network class
     * @param seed the seed of the initial weights
     * @return an initialized network of that class
     */
    public static Model create(NetworkType type, long seed) {
        return switch (type) {
            case MULTI_LAYER_NETWORK -> multiLayerNetwork(seed);
            case COMPUTATION_GRAPH -> computationGraph(seed);
        };
    }

    /**
     * Two hidden layers stacked: points -> dense -> dense -> softmax.
     *
     * @param seed the seed of the initial weights
     * @return the initialized network
     */
    public static MultiLayerNetwork multiLayerNetwork(long seed) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(new Adam(LEARNING_RATE))
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new DenseLayer.Builder()
                        .nIn(PointClouds.DIMENSIONS)
                        .nOut(HIDDEN)
                        .activation(Activation.RELU)
                        .dropOut(KEEP_PROBABILITY)
                        .build())
                .layer(new DenseLayer.Builder()
                        .nIn(HIDDEN)
                        .nOut(HIDDEN)
                        .activation(Activation.RELU)
                        .dropOut(KEEP_PROBABILITY)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(HIDDEN)
                        .nOut(PointClouds.CLASSES)
                        .activation(Activation.SOFTMAX)
                        .build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /**
     * The same layers as a graph with a residual connection: the second hidden layer's output is
     * added to the first's before the softmax.
     *
     * @param seed the seed of the initial weights
     * @return the initialized graph, input {@code points}, output {@code classes}
     */
    public static ComputationGraph computationGraph(long seed) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(new Adam(LEARNING_RATE))
                .weightInit(WeightInit.XAVIER)
                .graphBuilder()
                .addInputs("points")
                .addLayer(
                        "hidden1",
                        new DenseLayer.Builder()
                                .nIn(PointClouds.DIMENSIONS)
                                .nOut(HIDDEN)
                                .activation(Activation.RELU)
                                .dropOut(KEEP_PROBABILITY)
                                .build(),
                        "points")
                .addLayer(
                        "hidden2",
                        new DenseLayer.Builder()
                                .nIn(HIDDEN)
                                .nOut(HIDDEN)
                                .activation(Activation.RELU)
                                .dropOut(KEEP_PROBABILITY)
                                .build(),
                        "hidden1")
                .addVertex("residual", new ElementWiseVertex(ElementWiseVertex.Op.Add), "hidden1", "hidden2")
                .addLayer(
                        "classes",
                        new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                                .nIn(HIDDEN)
                                .nOut(PointClouds.CLASSES)
                                .activation(Activation.SOFTMAX)
                                .build(),
                        "residual")
                .setOutputs("classes")
                .build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        return net;
    }

    /**
     * Class probabilities for some points, in inference mode (no dropout).
     *
     * @param net a network made by this class
     * @param features one row per point
     * @return one row of class probabilities per point
     */
    public static INDArray predict(Model net, INDArray features) {
        if (net instanceof MultiLayerNetwork mln) {
            return mln.output(features, false);
        }
        if (net instanceof ComputationGraph cg) {
            return cg.outputSingle(false, features);
        }
        throw new IllegalArgumentException("expected a MultiLayerNetwork or a ComputationGraph, found "
                + net.getClass().getName());
    }
}
