package org.trainguard.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

class ModelReaderTest {

    @TempDir
    Path dir;

    private static float[] values(INDArray a) {
        return a.dup().reshape(a.length()).toFloatVector();
    }

    private static MultiLayerNetwork trained(long seed) {
        MultiLayerNetwork net = TinyNetworks.mlp(seed);
        net.fit(TinyNetworks.data(64, 16, seed));
        return net;
    }

    /** The entries of a zip, in order. */
    private static Map<String, byte[]> entries(Path zip) throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            for (var en = z.entries(); en.hasMoreElements(); ) {
                ZipEntry e = en.nextElement();
                m.put(e.getName(), z.getInputStream(e).readAllBytes());
            }
        }
        return m;
    }

    private static void writeZip(Path zip, Map<String, byte[]> entries) throws IOException {
        try (OutputStream f = Files.newOutputStream(zip);
                ZipOutputStream out = new ZipOutputStream(f)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                out.putNextEntry(new ZipEntry(e.getKey()));
                out.write(e.getValue());
                out.closeEntry();
            }
        }
    }

    @Test
    void readsWhatDl4jAndTrainguardWrite() throws IOException {
        MultiLayerNetwork saved = trained(1);
        Path dl4j = dir.resolve("dl4j.zip");
        ModelSerializer.writeModel(saved, dl4j.toFile(), true);
        MultiLayerNetwork back = ModelReader.readMultiLayerNetwork(dl4j, true);
        assertArrayEquals(values(saved.params()), values(back.params()));
        assertArrayEquals(
                values(saved.getUpdater().getStateViewArray()),
                values(back.getUpdater().getStateViewArray()));

        Path ours = dir.resolve("ours.zip");
        ModelZip.write(NetworkAdapter.of(saved), ours);
        NetworkAdapter restored = NetworkAdapter.of(TinyNetworks.mlp(2)).restore(ours);
        assertArrayEquals(values(saved.params()), values(restored.params()));
        assertArrayEquals(values(saved.getUpdater().getStateViewArray()), values(restored.updaterState()));

        ComputationGraph graph = TinyNetworks.graph(3);
        graph.fit(TinyNetworks.data(32, 16, 3));
        Path graphZip = dir.resolve("graph.zip");
        ModelSerializer.writeModel(graph, graphZip.toFile(), true);
        NetworkAdapter graphBack = NetworkAdapter.of(TinyNetworks.graph(4)).restore(graphZip);
        assertArrayEquals(values(graph.params()), values(graphBack.params()));
        assertArrayEquals(values(graph.getUpdater().getStateViewArray()), values(graphBack.updaterState()));
    }

    @Test
    void aJavaSerializedPreprocessorIsRefusedWithoutBeingDeserialized() throws IOException {
        Path zip = dir.resolve("model.zip");
        ModelSerializer.writeModel(trained(5), zip.toFile(), false);
        Path marker = dir.resolve("deserialized.txt");
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        try (ObjectOutputStream oos = new ObjectOutputStream(payload)) {
            oos.writeObject(new DeserializationProbe(marker));
        }
        Map<String, byte[]> e = entries(zip);
        e.put("preprocessor.bin", payload.toByteArray());
        writeZip(zip, e);

        // The payload is real: DL4J's own reader deserializes it (and then fails on its type).
        assertThrows(Exception.class, () -> ModelSerializer.restoreMultiLayerNetwork(zip.toFile(), false));
        assertTrue(Files.exists(marker), "DL4J's ModelSerializer runs the payload");
        Files.delete(marker);

        ModelFileException ex =
                assertThrows(ModelFileException.class, () -> ModelReader.readMultiLayerNetwork(zip, false));
        assertTrue(
                ex.getMessage().contains("preprocessor.bin") && ex.getMessage().startsWith(zip.toString()),
                ex.getMessage());
        NetworkAdapter target = NetworkAdapter.of(TinyNetworks.mlp(6));
        assertThrows(ModelFileException.class, () -> target.restore(zip));
        assertThrows(ModelFileException.class, () -> ModelZip.readInto(zip, target.params(), target.updaterState()));
        assertFalse(Files.exists(marker), "trainguard's reader never deserializes");
    }

    @Test
    void unknownEntriesAreNamed() throws IOException {
        Path zip = dir.resolve("model.zip");
        ModelSerializer.writeModel(trained(7), zip.toFile(), false);
        Map<String, byte[]> e = entries(zip);
        e.put("objects/extra", new byte[] {1, 2, 3});
        e.put("notes\u0007.txt", new byte[] {1});
        writeZip(zip, e);
        ModelFileException ex =
                assertThrows(ModelFileException.class, () -> ModelReader.readMultiLayerNetwork(zip, false));
        assertTrue(
                ex.getMessage().contains("objects/extra") && ex.getMessage().contains("notes?.txt"), ex.getMessage());
    }

    @Test
    void truncatedAndAlteredFilesAreRefused() throws IOException {
        Path zip = dir.resolve("model.zip");
        ModelZip.write(NetworkAdapter.of(trained(8)), zip);
        byte[] bytes = Files.readAllBytes(zip);

        Path truncated = dir.resolve("truncated.zip");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertTrue(assertThrows(ModelFileException.class, () -> ModelReader.readMultiLayerNetwork(truncated, true))
                .getMessage()
                .contains("not a readable zip"));

        // entries are stored: flip a byte in the middle of the parameters
        Path altered = dir.resolve("altered.zip");
        byte[] copy = bytes.clone();
        int at = indexOf(copy, "coefficients.bin".getBytes(StandardCharsets.US_ASCII)) + 400;
        copy[at] ^= 0x40;
        Files.write(altered, copy);
        assertTrue(assertThrows(ModelFileException.class, () -> ModelReader.readMultiLayerNetwork(altered, true))
                .getMessage()
                .contains("checksum"));

        Path empty = dir.resolve("empty.zip");
        Files.write(empty, new byte[0]);
        assertThrows(ModelFileException.class, () -> ModelReader.readMultiLayerNetwork(empty, true));
        assertThrows(
                ModelFileException.class, () -> ModelReader.readMultiLayerNetwork(dir.resolve("missing.zip"), true));
    }

    @Test
    void anArrayHeaderThatClaimsMoreValuesThanTheEntryHoldsIsRefusedBeforeAllocating() throws IOException {
        Path zip = dir.resolve("model.zip");
        ModelSerializer.writeModel(trained(9), zip.toFile(), false);
        Map<String, byte[]> e = entries(zip);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(b)) {
            out.writeUTF("MIXED_DATA_TYPES");
            out.writeLong(8);
            out.writeUTF("LONG");
            for (long v : new long[] {2, 1, 1L << 40, 1L << 40, 1, 8192, 1, 99}) {
                out.writeLong(v);
            }
            out.writeUTF("MIXED_DATA_TYPES");
            out.writeLong(1L << 40);
            out.writeUTF("FLOAT");
            out.writeFloat(1f);
        }
        e.put("coefficients.bin", b.toByteArray());
        writeZip(zip, e);
        ModelFileException ex =
                assertThrows(ModelFileException.class, () -> ModelReader.readMultiLayerNetwork(zip, false));
        assertTrue(ex.getMessage().contains("coefficients.bin is not an ND4J parameter array"), ex.getMessage());
    }

    @Test
    void aConfigurationNamingForeignClassesIsRefused() throws IOException {
        Path zip = dir.resolve("model.zip");
        ModelSerializer.writeModel(trained(10), zip.toFile(), false);
        Map<String, byte[]> e = entries(zip);
        String json = new String(e.get("configuration.json"), StandardCharsets.UTF_8)
                .replace("org.nd4j.linalg.activations.impl.ActivationReLU", "com.example.Gadget");
        e.put("configuration.json", json.getBytes(StandardCharsets.UTF_8));
        writeZip(zip, e);
        ModelFileException ex =
                assertThrows(ModelFileException.class, () -> ModelReader.readMultiLayerNetwork(zip, false));
        assertTrue(ex.getMessage().contains("com.example.Gadget"), ex.getMessage());
        // a class the caller trusts passes the check (and then fails as DL4J finds no such class)
        ModelFileException ex2 = assertThrows(
                ModelFileException.class,
                () -> ModelReader.readMultiLayerNetwork(zip, false, Set.of("com.example.Gadget")));
        assertFalse(ex2.getMessage().contains("outside DL4J"), ex2.getMessage());
    }

    @Test
    void sizesTheFileCannotHoldAreRefusedBeforeReading() throws IOException {
        Path zip = dir.resolve("many.zip");
        ModelSerializer.writeModel(trained(11), zip.toFile(), false);
        Map<String, byte[]> e = entries(zip);
        for (int i = 0; i < 20; i++) {
            e.put("extra" + i, new byte[0]);
        }
        writeZip(zip, e);
        assertTrue(assertThrows(ModelFileException.class, () -> ModelReader.readMultiLayerNetwork(zip, false))
                .getMessage()
                .contains("holds 22 entries"));

        // a central directory that declares a 2 GB configuration.json for a few stored bytes
        Path bomb = dir.resolve("bomb.zip");
        ModelZip.write(NetworkAdapter.of(trained(12)), bomb);
        byte[] bytes = Files.readAllBytes(bomb);
        int central = indexOf(bytes, new byte[] {0x50, 0x4b, 0x01, 0x02});
        java.nio.ByteBuffer.wrap(bytes, central + 24, 4)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .putInt(0x7fff0000);
        Files.write(bomb, bytes);
        ModelFileException ex =
                assertThrows(ModelFileException.class, () -> ModelReader.readMultiLayerNetwork(bomb, false));
        assertTrue(ex.getMessage().contains("configuration.json declares 2147418112 bytes"), ex.getMessage());
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        for (int i = 0; i + needle.length <= hay.length; i++) {
            if (java.util.Arrays.equals(hay, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }
}
