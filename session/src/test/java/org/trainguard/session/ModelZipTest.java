package org.trainguard.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.zip.ZipFile;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class ModelZipTest {

    @TempDir
    Path dir;

    /** A trained network: parameters and Adam state both differ from a fresh one. */
    private static MultiLayerNetwork trained(long seed) {
        MultiLayerNetwork net = TinyNetworks.mlp(seed);
        net.fit(TinyNetworks.data(64, 16, seed));
        return net;
    }

    private static float[] values(INDArray a) {
        return a.dup().reshape(a.length()).toFloatVector();
    }

    @Test
    void readIntoRestoresParametersAndOptimizerStateBitwise() throws IOException {
        MultiLayerNetwork saved = trained(1);
        Path zip = dir.resolve("model.zip");
        ModelZip.write(NetworkAdapter.of(saved), zip);

        MultiLayerNetwork fresh = TinyNetworks.mlp(2);
        NetworkAdapter target = NetworkAdapter.of(fresh);
        assertNotEquals(saved.params(), fresh.params());
        assertEquals(ModelZip.ReadResult.READ, ModelZip.readInto(zip, target.params(), target.updaterState()));

        assertArrayEquals(values(saved.params()), values(fresh.params()));
        assertArrayEquals(values(saved.getUpdater().getStateViewArray()), values(target.updaterState()));
    }

    @Test
    void dl4jOpensTheZipAsAnyModel() throws IOException {
        MultiLayerNetwork saved = trained(3);
        Path zip = dir.resolve("model.zip");
        ModelZip.write(NetworkAdapter.of(saved), zip);

        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(zip.toFile(), true);
        assertArrayEquals(values(saved.params()), values(restored.params()));
        assertArrayEquals(
                values(saved.getUpdater().getStateViewArray()),
                values(restored.getUpdater().getStateViewArray()));
        assertEquals(saved.getLayerWiseConfigurations(), restored.getLayerWiseConfigurations());

        ComputationGraph graph = TinyNetworks.graph(4);
        graph.fit(TinyNetworks.data(32, 16, 4));
        Path graphZip = dir.resolve("graph.zip");
        ModelZip.write(NetworkAdapter.of(graph), graphZip);
        ComputationGraph graphBack = ModelSerializer.restoreComputationGraph(graphZip.toFile(), true);
        assertArrayEquals(values(graph.params()), values(graphBack.params()));
        assertArrayEquals(
                values(graph.getUpdater().getStateViewArray()),
                values(graphBack.getUpdater().getStateViewArray()));
    }

    @Test
    void aZipWrittenByDl4jItselfIsReadToo() throws IOException {
        MultiLayerNetwork saved = trained(5);
        Path zip = dir.resolve("dl4j.zip");
        ModelSerializer.writeModel(saved, zip.toFile(), true);

        MultiLayerNetwork fresh = TinyNetworks.mlp(6);
        NetworkAdapter target = NetworkAdapter.of(fresh);
        assertEquals(ModelZip.ReadResult.READ, ModelZip.readInto(zip, target.params(), target.updaterState()));
        assertArrayEquals(values(saved.params()), values(fresh.params()));
        assertArrayEquals(values(saved.getUpdater().getStateViewArray()), values(target.updaterState()));
    }

    @Test
    void entriesAreStoredUncompressed() throws IOException {
        Path zip = dir.resolve("model.zip");
        ModelZip.write(NetworkAdapter.of(trained(7)), zip);
        try (ZipFile z = new ZipFile(zip.toFile())) {
            var coefficients = z.getEntry(ModelZip.COEFFICIENTS);
            assertTrue(
                    coefficients.getCompressedSize() >= coefficients.getSize(),
                    "compressed " + coefficients.getCompressedSize() + " of " + coefficients.getSize());
            assertTrue(z.getEntry(ModelZip.UPDATER_STATE) != null);
            assertTrue(z.getEntry(ModelZip.CONFIGURATION) != null);
        }
    }

    @Test
    void aDifferentShapeIsRefusedAndLeavesTheNetworkAsItWas() throws IOException {
        Path zip = dir.resolve("model.zip");
        ModelZip.write(NetworkAdapter.of(trained(8)), zip);

        MultiLayerNetwork wider = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(9)
                .updater(new Adam(1e-2))
                .list()
                .layer(new DenseLayer.Builder()
                        .nIn(8)
                        .nOut(17)
                        .activation(Activation.RELU)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(17)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build())
                .build());
        wider.init();
        float[] before = values(wider.params());
        NetworkAdapter target = NetworkAdapter.of(wider);
        ModelZip.LengthMismatchException e = assertThrows(
                ModelZip.LengthMismatchException.class,
                () -> ModelZip.readInto(zip, target.params(), target.updaterState()));
        assertEquals(wider.params().length(), e.expected());
        assertTrue(e.getMessage().contains("coefficients.bin holds " + e.found() + " values"), e.getMessage());
        assertArrayEquals(before, values(wider.params()));
    }
}
