package org.trainguard.examples.library;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.trainguard.session.SessionOptions;
import org.trainguard.session.TrainingHooks;
import org.trainguard.session.TrainingSessionManager;

/** The smallest program that wraps a DL4J network's training (docs/library.md shows this file). */
public final class WrapANetwork {

    private WrapANetwork() {}

    /**
     * Trains a small network in {@code runs/my-model}, or continues it there, and exits with the trainer's exit codes.
     *
     * @param args none
     * @throws Exception when the folder cannot be used
     */
    public static void main(String[] args) throws Exception {
        // System.exit only after the session is closed: close() writes the session file and releases the run lock
        System.exit(train(Path.of("runs/my-model"), 20));
    }

    /**
     * Wraps the training loop.
     *
     * @param dir the run's folder
     * @param epochs passes over the data
     * @return the exit status for the process
     * @throws Exception when the folder cannot be used (another program trains there, or it cannot be written)
     */
    public static int train(Path dir, int epochs) throws Exception {
        MultiLayerNetwork net = network();
        DataSetIterator iterator = data();
        SessionOptions options = SessionOptions.builder(dir)
                .seed(7) // data order and per-step random state derive from it
                .epochs(epochs)
                .checkpointEverySteps(500)
                .evalEverySteps(500)
                .metric("accuracy", true) // what evaluate() returns; greater is better
                .build();
        int exitCode;
        try (TrainingSessionManager session = TrainingSessionManager.open(net, options)) {
            TrainingSessionManager.Outcome outcome = session.fit(iterator, TrainingHooks.NONE);
            exitCode = outcome.exitCode();
        }
        return exitCode;
    }

    private static MultiLayerNetwork network() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(7)
                .updater(new Adam(1e-2))
                .list()
                .layer(new DenseLayer.Builder()
                        .nIn(2)
                        .nOut(8)
                        .activation(Activation.RELU)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(8)
                        .nOut(2)
                        .activation(Activation.SOFTMAX)
                        .build())
                .build());
        net.init();
        return net;
    }

    private static DataSetIterator data() {
        Random random = new Random(7);
        List<DataSet> points = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            int label = random.nextInt(2);
            float[] features = {(float) (random.nextGaussian() + 2 * label), (float) random.nextGaussian()};
            float[] labels = new float[2];
            labels[label] = 1;
            points.add(new DataSet(
                    Nd4j.createFromArray(new float[][] {features}), Nd4j.createFromArray(new float[][] {labels})));
        }
        return new ListDataSetIterator<>(points, 32);
    }
}
