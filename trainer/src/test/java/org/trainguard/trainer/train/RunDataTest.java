package org.trainguard.trainer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.config.ConfigLoader;
import org.trainguard.config.TrainguardConfig;
import org.trainguard.trainer.features.FeaturizedData;

class RunDataTest {

    @TempDir
    Path dir;

    private TrainguardConfig config(String extra) {
        return config(extra, 7);
    }

    private TrainguardConfig config(String extra, int seed) {
        return ConfigLoader.parse("""
                labels: [ALLOW, DENY]
                model:
                  features: {buckets: 4096, max_length: 64}
                data:
                  train: train.jsonl
                  validation_split: 0.25
                %s
                training:
                  output_dir: run
                  seed: %d
                """.formatted(extra, seed), dir);
    }

    private void writeData(int rows) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            String label = i % 2 == 0 ? "ALLOW" : "DENY";
            lines.add("{\"text\": \"request number " + i + " " + label.toLowerCase() + " please\", \"label\": \""
                    + label + "\"}");
        }
        Files.write(dir.resolve("train.jsonl"), lines);
    }

    private static void assertSame(FeaturizedData a, FeaturizedData b) {
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.ids(i), b.ids(i), "example " + i);
            assertEquals(a.label(i), b.label(i), "example " + i);
        }
    }

    @Test
    void aRestartTakesBothPartsFromTheCacheWithTheSameIds() throws IOException {
        writeData(40);
        RunData first = RunData.load(config(""));
        assertFalse(first.train().fromCache());
        assertEquals(30, first.train().size());
        assertEquals(10, first.validation().orElseThrow().size());

        RunData again = RunData.load(config(""));
        assertTrue(again.train().fromCache());
        assertTrue(again.validation().orElseThrow().fromCache());
        assertSame(first.train(), again.train());
        assertSame(first.validation().orElseThrow(), again.validation().orElseThrow());
        assertEquals(first.fingerprint(), again.fingerprint());
    }

    @Test
    void changedDataSplitOrReadingSettingsAreReadAgain() throws IOException {
        writeData(40);
        RunData.load(config(""));

        writeData(48);
        RunData moreRows = RunData.load(config(""));
        assertFalse(moreRows.train().fromCache());
        assertEquals(36, moreRows.train().size());

        RunData otherSeed = RunData.load(config("", 8));
        assertFalse(otherSeed.train().fromCache());

        RunData skipping = RunData.load(config("  skip_bad_records: true"));
        assertFalse(skipping.train().fromCache());
    }

    @Test
    void aDamagedCacheEntryIsRebuiltFromTheData() throws IOException {
        writeData(40);
        RunData first = RunData.load(config(""));
        List<Path> entries;
        try (Stream<Path> s = Files.list(dir.resolve("run").resolve("cache"))) {
            entries = s.filter(p -> p.toString().endsWith(".features")).toList();
        }
        assertEquals(2, entries.size(), entries.toString());
        for (Path p : entries) {
            byte[] bytes = Files.readAllBytes(p);
            bytes[bytes.length - 3] ^= 0x10;
            Files.write(p, bytes);
        }
        RunData rebuilt = RunData.load(config(""));
        assertFalse(rebuilt.train().fromCache());
        assertFalse(rebuilt.validation().orElseThrow().fromCache());
        assertSame(first.train(), rebuilt.train());
        assertTrue(RunData.load(config("")).train().fromCache());
    }
}
