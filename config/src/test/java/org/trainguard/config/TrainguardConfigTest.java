package org.trainguard.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configurations built in code: defaults, self-checks without a file, resolved labels and weights. */
class TrainguardConfigTest {

    @TempDir
    Path dir;

    private TrainguardConfig withLoss(TrainguardConfig base, LossConfig loss) {
        return TrainguardConfig.of(
                base.labels(),
                base.model(),
                base.data(),
                base.training(),
                base.checkpoint(),
                base.session(),
                base.eval(),
                loss,
                base.watchdog());
    }

    @Test
    void defaultsHashTheirCanonicalText() throws Exception {
        TrainguardConfig config = TrainguardConfig.defaults(dir);

        assertEquals(Optional.empty(), config.source());
        String expected = HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(config.toYaml().getBytes(StandardCharsets.UTF_8)));
        assertEquals(expected, config.sha256());
        assertEquals(dir.resolve("data/train.jsonl"), config.data().train());
        assertEquals(dir.resolve("runs/default"), config.training().outputDir());
        assertEquals(
                dir.resolve("runs/default/logs/watchdog.log"), config.watchdog().logFile());
    }

    @Test
    void shaFollowsTheContent() {
        TrainguardConfig base = TrainguardConfig.defaults(dir);
        TrainguardConfig focal =
                withLoss(base, new LossConfig(LossType.FOCAL, 2.0, base.loss().classWeights()));
        assertEquals(base.sha256(), TrainguardConfig.defaults(dir).sha256());
        assertNotEquals(base.sha256(), focal.sha256());
    }

    @Test
    void defaultsNeedTheirTrainingFileBeforeTraining() throws Exception {
        TrainguardConfig config = TrainguardConfig.defaults(dir);
        ConfigException missing = assertThrows(ConfigException.class, config::requireInputFiles);
        assertEquals("data.train file not found: " + dir.resolve("data/train.jsonl"), missing.getMessage());
        assertEquals(Optional.empty(), missing.file());
        assertEquals(OptionalInt.empty(), missing.line());

        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("data/train.jsonl"), "{}\n");
        config.requireInputFiles();
    }

    @Test
    void labelsWithoutAWeightGetOneInLabelOrder() {
        TrainguardConfig base = TrainguardConfig.defaults(dir);
        TrainguardConfig config =
                withLoss(base, new LossConfig(LossType.CROSS_ENTROPY, 2.0, Map.of("REFUSE", 7.0, "DENY", 2.0)));

        assertEquals(
                List.of("ALLOW", "ESCALATION", "DENY", "REFUSE"),
                List.copyOf(config.loss().classWeights().keySet()));
        assertArrayEquals(new double[] {1.0, 1.0, 2.0, 7.0}, config.loss().classWeightArray(config.labels()));
        assertArrayEquals(new double[] {7.0, 1.0}, config.loss().classWeightArray(List.of("REFUSE", "ALLOW")));
        IllegalArgumentException unknown = assertThrows(
                IllegalArgumentException.class, () -> config.loss().classWeightArray(List.of("ALLOW", "SPAM")));
        assertTrue(unknown.getMessage().contains("SPAM"), unknown.getMessage());
    }

    @Test
    void labelReferencesAreCheckedInCode() {
        TrainguardConfig base = TrainguardConfig.defaults(dir);
        ConfigException error = assertThrows(
                ConfigException.class,
                () -> TrainguardConfig.of(
                        List.of("World", "Sports"),
                        base.model(),
                        base.data(),
                        base.training(),
                        base.checkpoint(),
                        base.session(),
                        base.eval(),
                        LossConfig.defaults(List.of("World", "Sports")),
                        base.watchdog()));
        assertEquals("eval.allow_label must be one of the labels World, Sports, found \"ALLOW\"", error.getMessage());
        assertEquals("eval.allow_label", error.key());

        ConfigException weights = assertThrows(
                ConfigException.class, () -> withLoss(base, new LossConfig(LossType.FOCAL, 2.0, Map.of("SPAM", 2.0))));
        assertEquals(
                "unknown label SPAM in loss.class_weights; labels are ALLOW, ESCALATION, DENY, REFUSE",
                weights.getMessage());
    }

    @Test
    void recordsCheckThemselvesWithoutAFile() {
        ConfigException error = assertThrows(
                ConfigException.class,
                () -> new TrainingConfig(
                        dir,
                        1,
                        1,
                        OptionalLong.empty(),
                        0,
                        1e-3,
                        Optimizer.ADAM,
                        0.9,
                        0.999,
                        1e-8,
                        0,
                        OptionalDouble.empty(),
                        LrSchedule.CONSTANT,
                        0,
                        1));
        assertEquals("training.batch_size must be > 0, found 0", error.getMessage());
        assertEquals(Optional.empty(), error.file());

        assertEquals(
                "training.max_grad_norm must be > 0, found -1",
                assertThrows(
                                ConfigException.class,
                                () -> new TrainingConfig(
                                        dir,
                                        1,
                                        1,
                                        OptionalLong.empty(),
                                        1,
                                        1e-3,
                                        Optimizer.ADAM,
                                        0.9,
                                        0.999,
                                        1e-8,
                                        0,
                                        OptionalDouble.of(-1),
                                        LrSchedule.CONSTANT,
                                        0,
                                        1))
                        .getMessage());
        assertEquals(
                "training.learning_rate must be > 0, found NaN",
                assertThrows(
                                ConfigException.class,
                                () -> new TrainingConfig(
                                        dir,
                                        1,
                                        1,
                                        OptionalLong.empty(),
                                        1,
                                        Double.NaN,
                                        Optimizer.ADAM,
                                        0.9,
                                        0.999,
                                        1e-8,
                                        0,
                                        OptionalDouble.empty(),
                                        LrSchedule.CONSTANT,
                                        0,
                                        1))
                        .getMessage());
        assertEquals(
                "training.adam_epsilon must be > 0, found -1.0E-12",
                assertThrows(
                                ConfigException.class,
                                () -> new TrainingConfig(
                                        dir,
                                        1,
                                        1,
                                        OptionalLong.empty(),
                                        1,
                                        1e-3,
                                        Optimizer.ADAM,
                                        0.9,
                                        0.999,
                                        -1e-12,
                                        0,
                                        OptionalDouble.empty(),
                                        LrSchedule.CONSTANT,
                                        0,
                                        1))
                        .getMessage());
        assertEquals(
                "checkpoint.every_interval must be longer than 0s, found -5s",
                assertThrows(
                                ConfigException.class,
                                () -> new CheckpointConfig(1, Optional.of(Duration.ofSeconds(-5)), 1, true))
                        .getMessage());
        assertEquals(
                "eval.harmful_labels must not repeat a name, found \"DENY\" twice",
                assertThrows(
                                ConfigException.class,
                                () -> new EvalConfig(1, EvalMetric.LOSS, false, "ALLOW", List.of("DENY", "DENY"), 1))
                        .getMessage());
    }

    @Test
    void relativePathsInCodeBecomeAbsolute() {
        TrainingConfig training = new TrainingConfig(
                Path.of("runs/x/../y"),
                1,
                1,
                OptionalLong.empty(),
                1,
                1e-3,
                Optimizer.SGD,
                0.9,
                0.999,
                1e-8,
                0,
                OptionalDouble.empty(),
                LrSchedule.CONSTANT,
                0,
                1);
        assertEquals(Path.of("runs/y").toAbsolutePath(), training.outputDir());
    }

    @Test
    void evalDefaultsFollowTheLabels() {
        assertEquals("ALLOW", EvalConfig.defaultAllowLabel(List.of("DENY", "ALLOW")));
        assertEquals("World", EvalConfig.defaultAllowLabel(List.of("World", "Sports")));
        assertEquals(List.of("DENY", "REFUSE"), EvalConfig.defaultHarmfulLabels(List.of("REFUSE", "ALLOW", "DENY")));
        assertEquals(List.of(), EvalConfig.defaultHarmfulLabels(List.of("World", "Sports")));
        assertEquals(Map.of("World", 1.0, "REFUSE", 5.0), LossConfig.defaultClassWeights(List.of("World", "REFUSE")));
    }

    @Test
    void canonicalTextReadsBackAsTheSameConfiguration() throws Exception {
        TrainguardConfig config = TrainguardConfig.defaults(dir);
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("data/train.jsonl"), "{}\n");

        TrainguardConfig reread = ConfigLoader.parse(config.toYaml(), dir.resolve("other"));

        assertEquals(config, reread, "parsing the canonical text hashes the same bytes");
    }

    @Test
    void dataFormatComesFromTheExtensionUnlessSet() {
        DataConfig auto = DataConfig.defaults(dir);
        assertEquals(DataFormat.CSV, auto.formatOf(Path.of("a/b.TSV")));
        assertEquals(DataFormat.JSONL, auto.formatOf(Path.of("b.json")));
        ConfigException unknown = assertThrows(ConfigException.class, () -> auto.formatOf(Path.of("b.txt")));
        assertEquals("data.format", unknown.key());
        DataConfig csv = new DataConfig(
                dir.resolve("t.txt"),
                Optional.empty(),
                0,
                DataFormat.CSV,
                "text",
                "label",
                CsvConfig.defaults(),
                Map.of(),
                false,
                true,
                dir.resolve("cache"));
        assertEquals(DataFormat.CSV, csv.formatOf(csv.train()));
    }
}
