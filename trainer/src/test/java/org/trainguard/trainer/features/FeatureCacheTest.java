package org.trainguard.trainer.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.trainer.data.DataReader;
import org.trainguard.trainer.data.DataSpec;
import org.trainguard.trainer.data.LabeledData;
import org.trainguard.trainer.data.Splits;

class FeatureCacheTest {

    static final List<String> LABELS = List.of("ALLOW", "ESCALATION", "DENY", "REFUSE");
    static final FeatureSettings SETTINGS = new FeatureSettings(1 << 18, 64, 2, true, 2, 4, true);

    @TempDir
    Path dir;

    Path dataFile;
    Path cacheDir;
    LabeledData data;
    Featurizer featurizer = new Featurizer(SETTINGS);

    @BeforeEach
    void writeData() throws IOException {
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            jsonl.append("{\"text\": \"request number ")
                    .append(i)
                    .append(" 今日は")
                    .append(i % 7)
                    .append("\", \"label\": \"")
                    .append(LABELS.get(i % 4))
                    .append("\"}\n");
        }
        dataFile = dir.resolve("train.jsonl");
        Files.writeString(dataFile, jsonl, StandardCharsets.UTF_8);
        cacheDir = dir.resolve("cache");
        data = DataReader.read(DataSpec.jsonl(dataFile, LABELS));
    }

    private FeaturizedData load(LabeledData which, FeatureSettings settings, String extraKey) {
        return FeatureCache.load(cacheDir, which, dataFile, settings, new Featurizer(settings), extraKey);
    }

    private List<Path> cacheFiles() throws IOException {
        try (Stream<Path> files = Files.list(cacheDir)) {
            return files.sorted().toList();
        }
    }

    @Test
    void firstLoadBuildsSecondLoadReadsTheSameIds() throws IOException {
        FeaturizedData built = load(data, SETTINGS, "text|label");
        assertFalse(built.fromCache());
        assertEquals(1, cacheFiles().size());
        assertTrue(cacheFiles().get(0).getFileName().toString().matches("train\\.jsonl-[0-9a-f]{24}\\.features"));

        FeaturizedData cached = load(data, SETTINGS, "text|label");
        assertTrue(cached.fromCache());
        assertEquals(built.size(), cached.size());
        for (int i = 0; i < built.size(); i++) {
            assertArrayEquals(featurizer.featurize(data.examples().get(i).text()), cached.ids(i));
            assertEquals(data.examples().get(i).label(), cached.label(i));
        }
        assertArrayEquals(built.labels(), cached.labels());
    }

    @Test
    void changedSettingsExtraKeyOrFileContentMissTheCache() throws IOException {
        load(data, SETTINGS, "a");
        FeatureSettings other = new FeatureSettings(1 << 18, 64, 1, true, 2, 4, true);
        assertFalse(load(data, other, "a").fromCache());
        assertFalse(load(data, SETTINGS, "b").fromCache());
        Files.writeString(dataFile, "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        assertFalse(load(data, SETTINGS, "a").fromCache(), "a changed data file must not hit the old entry");
        assertEquals(4, cacheFiles().size());
        assertTrue(load(data, SETTINGS, "a").fromCache(), "the entry for the changed file is found next time");
    }

    @Test
    void trainingAndValidationPartsOfOneFileGetSeparateEntries() throws IOException {
        Splits.Split split = Splits.holdOut(data, 0.25, 1);
        FeaturizedData train = load(split.train(), SETTINGS, "");
        FeaturizedData validation = load(split.validation(), SETTINGS, "");
        assertFalse(validation.fromCache());
        assertEquals(split.validation().size(), validation.size());
        assertEquals(2, cacheFiles().size());
        assertTrue(load(split.train(), SETTINGS, "").fromCache());
        assertEquals(train.size(), load(split.train(), SETTINGS, "").size());
    }

    @Test
    void flippedByteIsDetectedAndTheEntryRebuilt() throws IOException {
        FeaturizedData built = load(data, SETTINGS, "");
        Path file = cacheFiles().get(0);
        try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "rw")) {
            long at = raw.length() - 3;
            raw.seek(at);
            int b = raw.read();
            raw.seek(at);
            raw.write(b ^ 0x01);
        }
        FeaturizedData rebuilt = load(data, SETTINGS, "");
        assertFalse(rebuilt.fromCache(), "a corrupt entry must not be trusted");
        assertArrayEquals(built.ids(built.size() - 1), rebuilt.ids(rebuilt.size() - 1));
        assertTrue(load(data, SETTINGS, "").fromCache(), "the rebuilt entry is valid again");
    }

    @Test
    void truncatedEmptyAndForeignFilesAreRebuilt() throws IOException {
        load(data, SETTINGS, "");
        Path file = cacheFiles().get(0);
        byte[] good = Files.readAllBytes(file);

        Files.write(file, java.util.Arrays.copyOf(good, good.length - 4));
        assertFalse(load(data, SETTINGS, "").fromCache());
        Files.write(file, java.util.Arrays.copyOf(good, 20));
        assertFalse(load(data, SETTINGS, "").fromCache());
        Files.write(file, new byte[0]);
        assertFalse(load(data, SETTINGS, "").fromCache());
        Files.writeString(file, "definitely not a feature cache, but long enough to hold a header........");
        assertFalse(load(data, SETTINGS, "").fromCache());

        assertArrayEquals(good, Files.readAllBytes(file), "rebuilding writes the same bytes");
        assertTrue(load(data, SETTINGS, "").fromCache());
    }

    @Test
    void impossibleIdCountIsRejectedWithoutTrustingIt() throws IOException {
        load(data, SETTINGS, "");
        Path file = cacheFiles().get(0);
        byte[] bytes = Files.readAllBytes(file);
        // first example's id count: make it larger than max_length
        int countAt = FeatureCacheFile.HEADER_BYTES + 4;
        bytes[countAt] = 0x7F;
        Files.write(file, bytes);
        assertFalse(load(data, SETTINGS, "").fromCache());
    }

    @Test
    void noTemporaryFilesAreLeftBehind() throws IOException {
        load(data, SETTINGS, "");
        load(data, SETTINGS, "other");
        for (Path file : cacheFiles()) {
            assertTrue(file.getFileName().toString().endsWith(FeatureCache.SUFFIX), "left behind: " + file);
        }
    }

    @Test
    void unwritableCacheDirectoryStillReturnsFeatures() throws IOException {
        Files.writeString(cacheDir, "a file where the cache directory should be");
        FeaturizedData features = load(data, SETTINGS, "");
        assertFalse(features.fromCache());
        assertEquals(data.size(), features.size());
    }

    @Test
    void settingsMustBeTheFeaturizers() {
        FeatureSettings other = new FeatureSettings(1 << 18, 32, 2, true, 2, 4, true);
        assertThrows(
                IllegalArgumentException.class,
                () -> FeatureCache.load(cacheDir, data, dataFile, other, featurizer, ""));
    }

    @Test
    void keyDependsOnLabelNames() {
        LabeledData renamed = new LabeledData(data.examples(), List.of("A", "B", "C", "D"), 0, dataFile);
        assertNotEquals(
                java.util.HexFormat.of().formatHex(FeatureCache.cacheKey(data, dataFile, SETTINGS, "")),
                java.util.HexFormat.of().formatHex(FeatureCache.cacheKey(renamed, dataFile, SETTINGS, "")));
    }
}
