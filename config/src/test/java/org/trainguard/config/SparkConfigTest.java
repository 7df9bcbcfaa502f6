package org.trainguard.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code spark} section: its defaults, and errors that name the key, the line and the value. */
class SparkConfigTest {

    private static final String BASE = """
            data: {train: data/train.jsonl}
            training: {batch_size: 32}
            """;

    @TempDir
    Path dir;

    private Path file;

    @BeforeEach
    void createTrainingData() throws IOException {
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("data/train.jsonl"), "{\"text\": \"hi\", \"label\": \"ALLOW\"}\n");
        file = dir.resolve("train.yaml");
    }

    private TrainguardConfig load(String yaml) throws IOException {
        Files.writeString(file, BASE + yaml);
        return ConfigLoader.load(file);
    }

    private void assertError(String yaml, String message, String key, int line) throws IOException {
        ConfigException e = assertThrows(ConfigException.class, () -> load(yaml));
        assertEquals(message, e.getMessage());
        assertEquals(key, e.key());
        assertEquals(OptionalInt.of(line), e.line());
    }

    @Test
    void withoutTheSectionTheRunStaysOnThisMachine() throws IOException {
        assertEquals(Optional.empty(), load("").section(SparkConfig.SECTION));
    }

    @Test
    void theBatchPerWorkerDefaultsToTheBatchSplitAcrossWorkersAndAveragings() throws IOException {
        SparkConfig spark = load("spark: {workers: 4, averaging_frequency: 2}\n")
                .section(SparkConfig.SECTION)
                .orElseThrow();
        assertEquals(new SparkConfig(Optional.empty(), 4, 2, 4, Map.of()), spark);
        assertEquals(32, spark.examplesPerStep());
        assertEquals(
                new SparkConfig(Optional.empty(), 2, 1, 16, Map.of()),
                load("spark: {}\n").section(SparkConfig.SECTION).orElseThrow());
    }

    @Test
    void aStepThatIsNotTheBatchIsRefusedWithEveryFactor() throws IOException {
        assertError(
                "spark:\n  workers: 2\n  batch_per_worker: 8\n",
                "train.yaml:5: spark.batch_per_worker: workers 2 x averaging_frequency 1 x batch_per_worker 8 = 16 must equal "
                        + "training.batch_size, found 32",
                "spark.batch_per_worker",
                5);
    }

    @Test
    void badValuesAndKeysAreNamed() throws IOException {
        assertError("spark:\n  workers: 0\n", "train.yaml:4: spark.workers must be > 0, found 0", "spark.workers", 4);
        assertError(
                "spark:\n  averaging_frequency: -1\n",
                "train.yaml:4: spark.averaging_frequency must be > 0, found -1",
                "spark.averaging_frequency",
                4);
        assertError(
                "spark:\n  wokers: 2\n",
                "train.yaml:4: unknown key spark.wokers; did you mean spark.workers?",
                "spark.wokers",
                4);
        assertError(
                "spark:\n  master: \" \"\n",
                "train.yaml:4: spark.master must not be blank, found \" \"",
                "spark.master",
                4);
    }

    @Test
    void gradientAccumulationCannotBeCombined() throws IOException {
        Files.writeString(file, """
                data: {train: data/train.jsonl}
                training: {batch_size: 32, gradient_accumulation_steps: 2}
                spark: {workers: 2}
                """);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
        assertEquals("training.gradient_accumulation_steps", e.key());
    }

    @Test
    void sparkPropertiesMustBeSparkProperties() throws IOException {
        ConfigException e = assertThrows(ConfigException.class, () -> load("spark:\n  conf: {executor.memory: 2g}\n"));
        assertEquals("spark.conf.executor.memory", e.key());
        assertEquals(
                "train.yaml:4: spark.conf.executor.memory: a Spark property name starts with \"spark.\", found "
                        + "\"executor.memory\"",
                e.getMessage());
    }
}
