package org.trainguard.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
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
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private Path copyResource(String name, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        try (InputStream in = getClass().getResourceAsStream("/config/" + name)) {
            Files.copy(in, target);
        }
        return target;
    }

    private Path touch(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, "{\"text\": \"hi\", \"label\": \"ALLOW\"}\n");
    }

    private Path write(String yaml) throws IOException {
        return Files.writeString(dir.resolve("train.yaml"), yaml);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void minimalFileGetsEveryDefault() throws Exception {
        Path file = copyResource("minimal.yaml", dir.resolve("train.yaml"));
        touch(dir.resolve("data/train.jsonl"));

        TrainguardConfig config = ConfigLoader.load(file);

        assertEquals(List.of("ALLOW", "ESCALATION", "DENY", "REFUSE"), config.labels());
        assertEquals(new FastTextModel(64, 0.1, new FeaturesConfig(65536, 256, 2, true, 2, 3, true)), config.model());

        DataConfig data = config.data();
        assertEquals(dir.resolve("data/train.jsonl"), data.train());
        assertEquals(Optional.empty(), data.validation());
        assertEquals(0.1, data.validationSplit());
        assertEquals(DataFormat.AUTO, data.format());
        assertEquals(DataFormat.JSONL, data.formatOf(data.train()));
        assertEquals("text", data.textField());
        assertEquals("label", data.labelField());
        assertEquals(new CsvConfig(true, List.of(), List.of("text"), "label", ','), data.csv());
        assertEquals(Map.of(), data.labelMap());
        assertFalse(data.skipBadRecords());
        assertTrue(data.shuffle());
        assertEquals(dir.resolve("runs/default/cache"), data.cacheDir());

        TrainingConfig training = config.training();
        assertEquals(dir.resolve("runs/default"), training.outputDir());
        assertEquals(42, training.seed());
        assertEquals(1, training.epochs());
        assertEquals(OptionalLong.empty(), training.maxSteps());
        assertEquals(16, training.batchSize());
        assertEquals(1.0e-4, training.learningRate());
        assertEquals(Optimizer.ADAM, training.optimizer());
        assertEquals(0.9, training.adamBeta1());
        assertEquals(0.999, training.adamBeta2());
        assertEquals(1.0e-8, training.adamEpsilon());
        assertEquals(0.01, training.weightDecay());
        assertEquals(OptionalDouble.of(1.0), training.maxGradNorm());
        assertEquals(LrSchedule.COSINE, training.lrSchedule());
        assertEquals(0.1, training.warmupRatio());
        assertEquals(50, training.logEverySteps());

        assertEquals(new CheckpointConfig(1458, Optional.empty(), 5, true), config.checkpoint());
        assertEquals(new SessionConfig(Duration.ofMinutes(5), Duration.ofSeconds(10), true), config.session());
        assertEquals(
                new EvalConfig(1458, EvalMetric.F1_MACRO, true, "ALLOW", List.of("DENY", "REFUSE"), 256),
                config.eval());
        assertEquals(LossType.CROSS_ENTROPY, config.loss().type());
        assertEquals(2.0, config.loss().focalGamma());
        assertEquals(
                Map.of("ALLOW", 1.0, "ESCALATION", 3.0, "DENY", 5.0, "REFUSE", 5.0),
                config.loss().classWeights());

        WatchdogConfig watchdog = config.watchdog();
        assertEquals(Duration.ofSeconds(60), watchdog.checkInterval());
        assertEquals(Duration.ofMinutes(30), watchdog.hangTimeout());
        assertEquals(Duration.ofSeconds(120), watchdog.stopTimeout());
        assertEquals(Duration.ofSeconds(1), watchdog.backoffInitial());
        assertEquals(Duration.ofMinutes(5), watchdog.backoffMax());
        assertEquals(5, watchdog.crashLoopFailures());
        assertEquals(Duration.ofMinutes(30), watchdog.crashLoopWindow());
        assertEquals(Optional.empty(), watchdog.webhook());
        assertTrue(watchdog.audio());
        assertEquals(Optional.empty(), watchdog.sound());
        assertEquals(dir.resolve("runs/default/logs/watchdog.log"), watchdog.logFile());
        assertEquals(Duration.ofMinutes(10), watchdog.startupTimeout());
        assertEquals(List.of(), watchdog.javaOpts());

        assertEquals(Optional.of(file), config.source());
        assertEquals(sha256(Files.readAllBytes(file)), config.sha256());
        assertEquals(TrainguardConfig.defaults(dir).toMap(), config.toMap());
    }

    @Test
    void fullExampleReadsEveryKey() throws Exception {
        Path file = copyResource("full.yaml", dir.resolve("train.yaml"));
        touch(dir.resolve("data/train.jsonl"));
        touch(dir.resolve("data/valid.jsonl"));
        touch(dir.resolve("sounds/alert.wav"));

        TrainguardConfig config = ConfigLoader.load(file);

        assertEquals(List.of("ALLOW", "ESCALATION", "DENY", "REFUSE", "SPAM"), config.labels());
        assertEquals(
                new CnnModel(
                        96, 0.25, 64, 5, new FeaturesConfig(131072, 200, 3, false, 1, 4, false), EmbeddingLayout.DENSE),
                config.model());
        assertEquals(
                new DataConfig(
                        dir.resolve("data/train.jsonl"),
                        Optional.of(dir.resolve("data/valid.jsonl")),
                        0.2,
                        DataFormat.JSONL,
                        "body",
                        "verdict",
                        new CsvConfig(
                                false,
                                List.of("id", "title", "body", "verdict"),
                                List.of("title", "body"),
                                "verdict",
                                ';'),
                        Map.of("0", "ALLOW", "esc", "ESCALATION"),
                        true,
                        false,
                        dir.resolve("cache")),
                config.data());
        assertEquals(
                new TrainingConfig(
                        dir.resolve("runs/full"),
                        7,
                        3,
                        OptionalLong.of(5000),
                        32,
                        3e-4,
                        Optimizer.SGD,
                        0.8,
                        0.99,
                        1.0e-6,
                        0.0,
                        OptionalDouble.empty(),
                        LrSchedule.LINEAR,
                        0.05,
                        10),
                config.training());
        assertEquals(
                new CheckpointConfig(
                        500,
                        Optional.of(Duration.ofMinutes(90)),
                        2,
                        false,
                        Optional.of(MirrorConfig.folder(Path.of("/mnt/nas/run1")))),
                config.checkpoint());
        assertEquals(new SessionConfig(Duration.ofMinutes(2), Duration.ofSeconds(15), true), config.session());
        // greater_is_better: null takes the metric's direction; the false-allow rate is better when lower.
        assertEquals(
                new EvalConfig(
                        250, EvalMetric.FALSE_ALLOW_RATE, false, "ALLOW", List.of("DENY", "REFUSE", "SPAM"), 128),
                config.eval());
        assertEquals(LossType.FOCAL, config.loss().type());
        assertEquals(1.5, config.loss().focalGamma());
        assertEquals(
                List.of("ALLOW", "ESCALATION", "DENY", "REFUSE", "SPAM"),
                List.copyOf(config.loss().classWeights().keySet()),
                "weights follow the label order");
        assertArrayEquals(new double[] {1.0, 2.0, 4.5, 1.0, 1.0}, config.loss().classWeightArray(config.labels()));
        assertEquals(
                new WatchdogConfig(
                        Duration.ofSeconds(30),
                        Duration.ofMinutes(20),
                        Duration.ofSeconds(90),
                        Duration.ofMillis(500),
                        Duration.ofMinutes(2),
                        3,
                        Duration.ofHours(1),
                        Optional.of(URI.create("https://hooks.example.com/trainguard")),
                        false,
                        Optional.of(dir.resolve("sounds/alert.wav")),
                        Path.of("/var/tmp/trainguard/watchdog.log"),
                        List.of("-Xmx2g", "-XX:+UseG1GC"),
                        Duration.ofMinutes(15)),
                config.watchdog());
        assertEquals(
                Optional.of(new SparkConfig(Optional.of("local[2]"), 2, 2, 8, Map.of("spark.executor.memory", "2g"))),
                config.section(SparkConfig.SECTION));
    }

    @Test
    void fullExampleRoundTripsThroughToMap() throws Exception {
        Path file = copyResource("full.yaml", dir.resolve("train.yaml"));
        touch(dir.resolve("data/train.jsonl"));
        touch(dir.resolve("data/valid.jsonl"));
        touch(dir.resolve("sounds/alert.wav"));
        TrainguardConfig config = ConfigLoader.load(file);

        Map<String, Object> map = config.toMap();
        // Read back from another folder: the map's paths are absolute, so nothing moves.
        TrainguardConfig reread = ConfigLoader.parse(config.toYaml(), dir.resolve("elsewhere"));

        assertEquals(map, reread.toMap());
        // the same configuration, except the webhook URL, a secret written only redacted
        assertEquals(
                URI.create("https://hooks.example.com/..."),
                reread.watchdog().webhook().orElseThrow());
        assertEquals(config.toYaml(), reread.toYaml());
        assertEquals(config.toYaml(), reread.toYaml(), "the canonical text is stable");

        assertEquals(TrainguardConfig.keys().names(), map.keySet());
        assertEquals(ModelConfig.keys().names(), section(map, "model").keySet());
        assertEquals(
                FeaturesConfig.KEYS.names(),
                section(section(map, "model"), "features").keySet());
        assertEquals(DataConfig.KEYS.names(), section(map, "data").keySet());
        assertEquals(
                CsvConfig.KEYS.names(), section(section(map, "data"), "csv").keySet());
        assertEquals(TrainingConfig.KEYS.names(), section(map, "training").keySet());
        assertEquals(CheckpointConfig.KEYS.names(), section(map, "checkpoint").keySet());
        assertEquals(SessionConfig.KEYS.names(), section(map, "session").keySet());
        assertEquals(EvalConfig.KEYS.names(), section(map, "eval").keySet());
        assertEquals(LossConfig.KEYS.names(), section(map, "loss").keySet());
        assertEquals(WatchdogConfig.KEYS.names(), section(map, "watchdog").keySet());

        assertEquals(
                dir.resolve("data/train.jsonl").toString(), section(map, "data").get("train"));
        assertEquals("1h30m", section(map, "checkpoint").get("every_interval"));
        assertEquals("500ms", section(map, "watchdog").get("backoff_initial"));
        assertEquals("cnn", section(map, "model").get("type"));
        assertEquals(false, section(map, "eval").get("greater_is_better"));
        assertTrue(section(map, "training").containsKey("max_grad_norm"));
        assertEquals(null, section(map, "training").get("max_grad_norm"));
        assertEquals(
                Map.of("ALLOW", 1.0, "ESCALATION", 2.0, "DENY", 4.5, "REFUSE", 1.0, "SPAM", 1.0),
                section(map, "loss").get("class_weights"));
        assertThrows(UnsupportedOperationException.class, () -> map.put("labels", List.of()));

        // Manifests are JSON; the map must serialize as it is.
        String json = new ObjectMapper().writeValueAsString(map);
        assertTrue(json.contains("\"every_interval\":\"1h30m\""), json);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Map<String, Object> map, String key) {
        return (Map<String, Object>) map.get(key);
    }

    @Test
    void relativePathsResolveAgainstTheConfigFolder() throws Exception {
        Path configDir = dir.resolve("conf/sub");
        Files.createDirectories(configDir);
        Path file = Files.writeString(configDir.resolve("run.yaml"), """
                data:
                  train: ../data/t.jsonl
                training:
                  output_dir: out
                """);
        touch(dir.resolve("conf/data/t.jsonl"));

        // The config file itself may be named relative to the working folder.
        Path relative = Path.of("").toAbsolutePath().relativize(file);
        TrainguardConfig config = ConfigLoader.load(relative);

        assertEquals(Optional.of(file), config.source());

        assertEquals(dir.resolve("conf/data/t.jsonl"), config.data().train());
        assertEquals(configDir.resolve("out"), config.training().outputDir());
        assertEquals(configDir.resolve("out/cache"), config.data().cacheDir(), "cache follows the output folder");
        assertEquals(
                configDir.resolve("out/logs/watchdog.log"), config.watchdog().logFile());
    }

    @Test
    void tsvFilesDefaultToTabs() throws Exception {
        touch(dir.resolve("data/train.tsv"));
        TrainguardConfig tabs = ConfigLoader.load(write("data: {train: data/train.tsv}\n"));
        assertEquals('\t', tabs.data().csv().delimiter());
        assertEquals(DataFormat.CSV, tabs.data().formatOf(tabs.data().train()));

        TrainguardConfig explicit = ConfigLoader.load(write("""
                data:
                  train: data/train.tsv
                  csv: {delimiter: "|"}
                """));
        assertEquals('|', explicit.data().csv().delimiter());
    }

    @Test
    void anchorsAndMergeKeysWork() throws Exception {
        touch(dir.resolve("data/train.jsonl"));
        TrainguardConfig config = ConfigLoader.load(write("""
                data:
                  train: &train data/train.jsonl
                  validation: *train
                checkpoint: &every
                  every_steps: 100
                eval:
                  <<: *every
                  batch_size: 8
                session:
                  autosave_interval: &often 30s
                  heartbeat_interval: *often
                """));
        assertEquals(config.data().train(), config.data().validation().orElseThrow());
        assertEquals(100, config.eval().everySteps());
        assertEquals(8, config.eval().batchSize());
        assertEquals(Duration.ofSeconds(30), config.session().heartbeatInterval());

        TrainguardConfig overridden = ConfigLoader.load(write("""
                data: {train: data/train.jsonl}
                checkpoint: &every {every_steps: 100}
                eval: {<<: *every, every_steps: 50}
                """));
        assertEquals(50, overridden.eval().everySteps(), "a key written in the map wins over a merged one");
    }

    @Test
    void acceptsNumbersInEveryWrittenForm() throws Exception {
        touch(dir.resolve("data/train.jsonl"));
        String[] rates = {"1e-4", "1.0e-4", "\"1e-4\"", "'0.0001'", "1E-4", ".0001"};
        for (String rate : rates) {
            TrainguardConfig config = ConfigLoader.load(write("data: {train: data/train.jsonl}\n"
                    + "training: {learning_rate: " + rate + ", weight_decay: 1, seed: 1_000}\n"));
            assertEquals(1.0e-4, config.training().learningRate(), rate);
            assertEquals(1.0, config.training().weightDecay());
            assertEquals(1000, config.training().seed());
        }
    }

    @Test
    void acceptsYamlBooleansAndOptionalNulls() throws Exception {
        touch(dir.resolve("data/train.jsonl"));
        TrainguardConfig config = ConfigLoader.load(write("""
                data: {train: data/train.jsonl, shuffle: no, skip_bad_records: yes, validation: ~}
                eval: {greater_is_better: true, metric: loss, allow_label: null, harmful_labels: null}
                loss: {class_weights: null}
                training: {max_steps: null}
                """));
        assertFalse(config.data().shuffle());
        assertTrue(config.data().skipBadRecords());
        assertEquals(Optional.empty(), config.data().validation());
        assertTrue(config.eval().greaterIsBetter(), "an explicit direction wins over the metric's");
        assertEquals("ALLOW", config.eval().allowLabel());
        assertEquals(List.of("DENY", "REFUSE"), config.eval().harmfulLabels());
        assertEquals(5.0, config.loss().classWeights().get("DENY"));
        assertEquals(OptionalLong.empty(), config.training().maxSteps());
    }

    @Test
    void labelDefaultsFollowTheConfiguredLabels() throws Exception {
        touch(dir.resolve("data/train.jsonl"));
        TrainguardConfig config = ConfigLoader.load(write("""
                labels: [World, Sports, Business, DENY]
                data: {train: data/train.jsonl, label_map: {"1": World, "2": Sports}}
                """));
        assertEquals("World", config.eval().allowLabel(), "without ALLOW the first label allows");
        assertEquals(List.of("DENY"), config.eval().harmfulLabels());
        assertEquals(
                Map.of("World", 1.0, "Sports", 1.0, "Business", 1.0, "DENY", 5.0),
                config.loss().classWeights());
        assertEquals(Map.of("1", "World", "2", "Sports"), config.data().labelMap());
    }

    @Test
    void earlyStoppingIsOffUnlessWrittenAndNeedsAPatience() throws Exception {
        touch(dir.resolve("data/train.jsonl"));
        String base = "data:\n  train: data/train.jsonl\n";
        assertEquals(Optional.empty(), ConfigLoader.parse(base, dir).eval().earlyStopping());
        assertEquals(
                Optional.empty(),
                ConfigLoader.parse(base + "eval:\n  early_stopping: null\n", dir)
                        .eval()
                        .earlyStopping());
        TrainguardConfig on =
                ConfigLoader.parse(base + "eval:\n  early_stopping: {patience: 3, min_delta: 0.001}\n", dir);
        assertEquals(Optional.of(new EarlyStoppingConfig(3, 0.001)), on.eval().earlyStopping());
        assertEquals(
                Optional.of(new EarlyStoppingConfig(2, 0.0)),
                ConfigLoader.parse(base + "eval:\n  early_stopping: {patience: 2}\n", dir)
                        .eval()
                        .earlyStopping());
        ConfigException noPatience = org.junit.jupiter.api.Assertions.assertThrows(
                ConfigException.class,
                () -> ConfigLoader.parse(base + "eval:\n  early_stopping: {min_delta: 0.1}\n", dir));
        assertTrue(
                noPatience.getMessage().contains("eval.early_stopping.patience is required"), noPatience.getMessage());
        ConfigException zero = org.junit.jupiter.api.Assertions.assertThrows(
                ConfigException.class,
                () -> ConfigLoader.parse(base + "eval:\n  early_stopping: {patience: 0}\n", dir));
        assertTrue(zero.getMessage().contains("eval.early_stopping.patience"), zero.getMessage());
        // the loaded settings go back into final/config.yaml unchanged
        assertEquals(on.eval(), ConfigLoader.parse(on.toYaml(), dir).eval());
    }

    @Test
    void gradientAccumulationDefaultsToOneAndMustBePositive() throws Exception {
        touch(dir.resolve("data/train.jsonl"));
        String base = "data:\n  train: data/train.jsonl\n";
        assertEquals(1, ConfigLoader.parse(base, dir).training().gradientAccumulationSteps());
        TrainguardConfig four = ConfigLoader.parse(base + "training:\n  gradient_accumulation_steps: 4\n", dir);
        assertEquals(4, four.training().gradientAccumulationSteps());
        assertEquals(four.training(), ConfigLoader.parse(four.toYaml(), dir).training());
        ConfigException zero = assertThrows(
                ConfigException.class,
                () -> ConfigLoader.parse(base + "training:\n  gradient_accumulation_steps: 0\n", dir));
        assertTrue(
                zero.getMessage().contains("training.gradient_accumulation_steps must be > 0, found 0"),
                zero.getMessage());
    }

    @Test
    void parseReadsTextWithoutASourceFile() throws Exception {
        touch(dir.resolve("data/train.jsonl"));
        String yaml = "data:\n  train: data/train.jsonl\n";

        TrainguardConfig config = ConfigLoader.parse(yaml, dir);

        assertEquals(Optional.empty(), config.source());
        assertEquals(sha256(yaml.getBytes(StandardCharsets.UTF_8)), config.sha256());
        assertEquals(dir.resolve("data/train.jsonl"), config.data().train());
    }

    @Test
    void shaChangesWithTheFileBytes() throws Exception {
        touch(dir.resolve("data/train.jsonl"));
        String first =
                ConfigLoader.load(write("data: {train: data/train.jsonl}\n")).sha256();
        String same =
                ConfigLoader.load(write("data: {train: data/train.jsonl}\n")).sha256();
        String comment = ConfigLoader.load(write("# note\ndata: {train: data/train.jsonl}\n"))
                .sha256();
        assertEquals(first, same);
        assertFalse(first.equals(comment));
    }

    @Test
    void acceptsAByteOrderMark() throws Exception {
        touch(dir.resolve("data/train.jsonl"));
        Path file = dir.resolve("train.yaml");
        Files.write(file, ("\uFEFFdata: {train: data/train.jsonl}\n").getBytes(StandardCharsets.UTF_8));
        assertEquals(
                dir.resolve("data/train.jsonl"), ConfigLoader.load(file).data().train());
    }

    @Test
    void sectionsWithNoKeysTakeTheDefaults() throws Exception {
        touch(dir.resolve("data/train.jsonl"));
        TrainguardConfig config = ConfigLoader.load(write("""
                data: {train: data/train.jsonl}
                model:
                training: {}
                """));
        assertEquals(ModelConfig.defaults(), config.model());
        assertEquals(16, config.training().batchSize());
        Set<String> written = new java.util.HashSet<>(TrainguardConfig.keys().names());
        written.remove("spark"); // optional: without it the run trains on this machine
        assertEquals(written, config.toMap().keySet());
    }
}
