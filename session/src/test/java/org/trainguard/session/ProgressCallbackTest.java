package org.trainguard.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The loss shown to the user is the data loss of the batch the step trained on. */
class ProgressCallbackTest {

    // Large weights, strong decay and a large step: the regularization term is large and changes a lot
    // within one step, so a term taken after the update differs clearly from the one in DL4J's score.
    private static NeuralNetConfiguration.Builder decayingConfig() {
        return new NeuralNetConfiguration.Builder()
                .seed(7)
                .updater(new Sgd(0.5))
                .weightInit(WeightInit.NORMAL)
                .weightDecay(0.2, true);
    }

    private static MultiLayerNetwork decayingMlp() {
        MultiLayerNetwork net = new MultiLayerNetwork(decayingConfig()
                .list()
                .layer(new DenseLayer.Builder()
                        .nIn(8)
                        .nOut(32)
                        .activation(Activation.TANH)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(32)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build())
                .build());
        net.init();
        return net;
    }

    private static ComputationGraph decayingGraph() {
        ComputationGraph net = new ComputationGraph(decayingConfig()
                .graphBuilder()
                .addInputs("in")
                .addLayer(
                        "hidden",
                        new DenseLayer.Builder()
                                .nIn(8)
                                .nOut(32)
                                .activation(Activation.TANH)
                                .build(),
                        "in")
                .addLayer(
                        "out",
                        new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                                .nIn(32)
                                .nOut(3)
                                .activation(Activation.SOFTMAX)
                                .build(),
                        "hidden")
                .setOutputs("out")
                .build());
        net.init();
        return net;
    }

    @Test
    void lossOfAMultiLayerNetworkWithWeightDecayIsTheDataLossOfTheBatch() {
        MultiLayerNetwork net = decayingMlp();
        DataSet batch = TinyNetworks.data(32, 32, 3).next();
        // computed independently, on the same batch and the parameters the step starts from, without regularization
        double expected = net.clone().scoreExamples(batch, false).meanNumber().doubleValue();

        ProgressCallback progress = new ProgressCallback(1_000, null);
        net.setListeners(progress);
        net.fit(batch);

        assertTrue(
                progress.score() - expected > 0.5,
                "the test needs a large regularization term: score " + progress.score() + ", data loss " + expected);
        assertEquals(expected, progress.loss(), 1e-4 * Math.max(1, expected));
        assertEquals(expected, progress.progress().loss(), 1e-4 * Math.max(1, expected));
    }

    @Test
    void lossOfAComputationGraphWithWeightDecayIsTheDataLossOfTheBatch() {
        ComputationGraph net = decayingGraph();
        DataSet batch = TinyNetworks.data(32, 32, 4).next();
        double expected = net.clone().scoreExamples(batch, false).meanNumber().doubleValue();

        ProgressCallback progress = new ProgressCallback(1_000, null);
        net.setListeners(progress);
        net.fit(batch);

        assertTrue(progress.score() - expected > 0.5, "score " + progress.score() + ", data loss " + expected);
        assertEquals(expected, progress.loss(), 1e-4 * Math.max(1, expected));
    }

    @Test
    void withoutRegularizationTheLossIsDl4jsScore() {
        ProgressCallback progress = new ProgressCallback(1_000, null);
        MultiLayerNetwork plain = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(5)
                .updater(new Sgd(0.1))
                .list()
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(8)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build())
                .build());
        plain.init();
        plain.setListeners(progress);
        plain.fit(TinyNetworks.data(16, 16, 5).next());
        assertEquals(progress.score(), progress.loss(), 0.0);
    }
}
