package org.trainguard.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of configuration error, with the exact message a user sees: file, line, key and value. */
class ConfigErrorsTest {

    /** Line 1 of most cases below, so the case's own lines start at 2. */
    private static final String DATA = "data: {train: data/train.jsonl}\n";

    private static final String LABELS = "ALLOW, ESCALATION, DENY, REFUSE";

    @TempDir
    Path dir;

    private Path file;

    @BeforeEach
    void createTrainingData() throws IOException {
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("data/train.jsonl"), "{\"text\": \"hi\", \"label\": \"ALLOW\"}\n");
        file = dir.resolve("train.yaml");
    }

    private ConfigException loadError(String yaml) throws IOException {
        Files.writeString(file, yaml);
        return assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
    }

    /** Asserts the whole message, the key and the line (0 = no line). */
    private ConfigException assertError(String yaml, String message, String key, int line) throws IOException {
        ConfigException error = loadError(yaml);
        assertEquals(message, error.getMessage());
        assertEquals(key, error.key());
        assertEquals(line == 0 ? OptionalInt.empty() : OptionalInt.of(line), error.line());
        assertEquals(Optional.of(file), error.file());
        return error;
    }

    // ---- unknown keys ---------------------------------------------------------------------------------------

    @Test
    void unknownKeySuggestsTheClosestKeyOfItsSection() throws IOException {
        assertError(
                DATA + """
                training:
                  epochs: 2
                  batchsize: 32
                """,
                "train.yaml:4: unknown key training.batchsize; did you mean training.batch_size?",
                "training.batchsize",
                4);
    }

    @Test
    void unknownKeyWithoutACloseKeyHasNoSuggestion() throws IOException {
        assertError(
                DATA + "training:\n  colour: red\n", "train.yaml:3: unknown key training.colour", "training.colour", 3);
    }

    @Test
    void unknownSectionsAndNestedKeysAreNamedInFull() throws IOException {
        assertError(
                DATA + "trainig:\n  epochs: 2\n",
                "train.yaml:2: unknown key trainig; did you mean training?",
                "trainig",
                2);
        assertError(
                DATA + "model:\n  features:\n    bucket: 1024\n",
                "train.yaml:4: unknown key model.features.bucket; did you mean model.features.buckets?",
                "model.features.bucket",
                4);
    }

    @Test
    void duplicateKeysAreErrors() throws IOException {
        assertError(
                DATA + "training:\n  epochs: 2\n  epochs: 3\n",
                "train.yaml:4: duplicate key training.epochs (first on line 3)",
                "training.epochs",
                4);
    }

    // ---- wrong types ----------------------------------------------------------------------------------------

    @Test
    void wrongTypesNameTheExpectedTypeAndTheValue() throws IOException {
        assertError(
                DATA + "training:\n  epochs: three\n",
                "train.yaml:3: training.epochs must be an integer, found \"three\"",
                "training.epochs",
                3);
        assertError(
                DATA + "training:\n  epochs: 2.5\n",
                "train.yaml:3: training.epochs must be an integer, found 2.5",
                "training.epochs",
                3);
        assertError(
                DATA + "training:\n  epochs:\n",
                "train.yaml:3: training.epochs must be an integer, found null",
                "training.epochs",
                3);
        assertError(
                DATA + "training:\n  learning_rate: fast\n",
                "train.yaml:3: training.learning_rate must be a number, found \"fast\"",
                "training.learning_rate",
                3);
        assertError(
                "data:\n  train: data/train.jsonl\n  shuffle: maybe\n",
                "train.yaml:3: data.shuffle must be true or false, found \"maybe\"",
                "data.shuffle",
                3);
        assertError(DATA + "labels: ALLOW\n", "train.yaml:2: labels must be a list, found \"ALLOW\"", "labels", 2);
        assertError(
                DATA + "labels: [ALLOW, [DENY]]\n",
                "train.yaml:2: labels[1] must be a string, found a list",
                "labels[1]",
                2);
        assertError(DATA + "training: 5\n", "train.yaml:2: training must be a map of keys, found 5", "training", 2);
        assertError(DATA + "data2: 1\n", "train.yaml:2: unknown key data2; did you mean data?", "data2", 2);
    }

    @Test
    void integersTooLargeAreErrors() throws IOException {
        assertError(
                DATA + "training:\n  epochs: 99999999999\n",
                "train.yaml:3: training.epochs is too large, found 99999999999",
                "training.epochs",
                3);
    }

    // ---- ranges and choices ---------------------------------------------------------------------------------

    @Test
    void outOfRangeValuesNameTheBoundAndTheValue() throws IOException {
        assertError(
                DATA + "training:\n  batch_size: -3\n",
                "train.yaml:3: training.batch_size must be > 0, found -3",
                "training.batch_size",
                3);
        assertError(
                DATA + "training:\n  learning_rate: 0\n",
                "train.yaml:3: training.learning_rate must be > 0, found 0",
                "training.learning_rate",
                3);
        assertError(
                DATA + "model:\n  dropout: 1.5\n",
                "train.yaml:3: model.dropout must be >= 0 and < 1, found 1.5",
                "model.dropout",
                3);
        assertError(
                DATA + "model:\n  features:\n    buckets: 8\n",
                "train.yaml:4: model.features.buckets must be between 16 and 67108864, found 8",
                "model.features.buckets",
                4);
        assertError(
                DATA + "checkpoint:\n  keep_last: 0\n",
                "train.yaml:3: checkpoint.keep_last must be > 0, found 0",
                "checkpoint.keep_last",
                3);
        assertError(
                DATA + "loss:\n  focal_gamma: -1\n",
                "train.yaml:3: loss.focal_gamma must be >= 0, found -1",
                "loss.focal_gamma",
                3);
    }

    @Test
    void badChoicesListTheAllowedValues() throws IOException {
        assertError(
                DATA + "model:\n  type: lstm\n",
                "train.yaml:3: model.type must be one of fasttext, cnn, found \"lstm\"",
                "model.type",
                3);
        assertError(
                DATA + "eval:\n  metric: f1\n",
                "train.yaml:3: eval.metric must be one of f1_macro, accuracy, loss, false_allow_rate, found \"f1\"",
                "eval.metric",
                3);
    }

    // ---- required keys and files ----------------------------------------------------------------------------

    @Test
    void missingTrainingDataIsAnErrorWithoutALine() throws IOException {
        assertError("training: {epochs: 2}\n", "train.yaml: data.train is required", "data.train", 0);
        assertError("data:\n  train:\n", "train.yaml: data.train is required", "data.train", 0);
    }

    @Test
    void missingInputFilesNameTheKeyLineAndAbsolutePath() throws IOException {
        assertError(
                "data:\n  train: data/missing.jsonl\n",
                "train.yaml:2: data.train file not found: " + dir.resolve("data/missing.jsonl"),
                "data.train",
                2);
        assertError(
                "data:\n  train: data/train.jsonl\n  validation: data/valid.jsonl\n",
                "train.yaml:3: data.validation file not found: " + dir.resolve("data/valid.jsonl"),
                "data.validation",
                3);
        assertError(
                DATA + "watchdog:\n  sound: beep.wav\n",
                "train.yaml:3: watchdog.sound file not found: " + dir.resolve("beep.wav"),
                "watchdog.sound",
                3);
        Files.createDirectories(dir.resolve("data/shards.jsonl"));
        assertError(
                "data:\n  train: data/shards.jsonl\n",
                "train.yaml:2: data.train must be a file, found a folder: " + dir.resolve("data/shards.jsonl"),
                "data.train",
                2);
    }

    @Test
    void autoFormatNeedsAKnownExtension() throws IOException {
        Files.writeString(dir.resolve("data/train.txt"), "hi\n");
        assertError(
                "data:\n  train: data/train.txt\n",
                "train.yaml:2: data.train must end in .jsonl, .json, .csv or "
                        + ".tsv when data.format is auto, found " + dir.resolve("data/train.txt")
                        + "; set data.format to jsonl or csv",
                "data.train",
                2);
    }

    // ---- labels and cross-field checks ----------------------------------------------------------------------

    @Test
    void labelsMustBeAtLeastTwoUniqueAndNotBlank() throws IOException {
        assertError(
                DATA + "labels: [ALLOW]\n",
                "train.yaml:2: labels must name at least 2 labels, found 1 (ALLOW)",
                "labels",
                2);
        assertError(
                DATA + "labels:\n  - ALLOW\n  - DENY\n  - DENY\n",
                "train.yaml:5: labels must not repeat a name, found \"DENY\" twice",
                "labels[2]",
                5);
        assertError(
                DATA + "labels: [ALLOW, \" \"]\n",
                "train.yaml:2: labels[1] must not be blank, found \" \"",
                "labels[1]",
                2);
    }

    @Test
    void classWeightsMustNameLabels() throws IOException {
        assertError(
                DATA + "loss:\n  class_weights:\n    DENY: 4\n    DENYY: 5\n",
                "train.yaml:5: unknown label DENYY in loss.class_weights; labels are " + LABELS
                        + "; did you mean DENY?",
                "loss.class_weights.DENYY",
                5);
        assertError(
                DATA + "loss:\n  class_weights:\n    DENY: 0\n",
                "train.yaml:4: loss.class_weights.DENY must be > 0, found 0",
                "loss.class_weights.DENY",
                4);
    }

    @Test
    void labelMapValuesMustBeLabels() throws IOException {
        assertError(
                "data:\n  train: data/train.jsonl\n  label_map:\n    \"1\": World\n",
                "train.yaml:4: data.label_map.1 must be one of the labels " + LABELS + ", found \"World\"",
                "data.label_map.1",
                4);
    }

    @Test
    void evalLabelsMustBeLabels() throws IOException {
        assertError(
                DATA + "eval:\n  allow_label: PERMIT\n",
                "train.yaml:3: eval.allow_label must be one of the labels " + LABELS + ", found \"PERMIT\"",
                "eval.allow_label",
                3);
        assertError(
                DATA + "eval:\n  allow_label: allow\n",
                "train.yaml:3: eval.allow_label must be one of the " + "labels " + LABELS
                        + ", found \"allow\"; did you mean ALLOW?",
                "eval.allow_label",
                3);
        assertError(
                DATA + "eval:\n  harmful_labels:\n    - DENY\n    - REFUZE\n",
                "train.yaml:5: eval.harmful_labels[1] must be one of the labels " + LABELS
                        + ", found \"REFUZE\"; did you mean REFUSE?",
                "eval.harmful_labels[1]",
                5);
        assertError(
                DATA + "eval:\n  harmful_labels: [DENY, ALLOW]\n",
                "train.yaml:3: eval.harmful_labels must not contain eval.allow_label, found \"ALLOW\"",
                "eval.harmful_labels[1]",
                3);
        assertError(
                DATA + "eval:\n  metric: false_allow_rate\n  harmful_labels: []\n",
                "train.yaml:4: eval.harmful_labels must name at least one label when eval.metric is false_allow_rate",
                "eval.harmful_labels",
                4);
    }

    @Test
    void contradictingValuesNameBothKeys() throws IOException {
        // char_ngram_max is not written, so the error points at the section that holds it.
        assertError(
                DATA + "model:\n  features:\n    char_ngram_min: 4\n",
                "train.yaml:3: model.features.char_ngram_max must be >= model.features.char_ngram_min (4), found 3",
                "model.features.char_ngram_max",
                3);
        assertError(
                DATA + "model:\n  type: cnn\n  embedding: sparse\n",
                "train.yaml:4: model.embedding: sparse applies to model.type fasttext only, found model.type cnn",
                "model.embedding",
                4);
        assertError(
                DATA + "model:\n  type: cnn\n  conv_kernel_size: 9\n  features: {max_length: 8}\n",
                "train.yaml:4: model.conv_kernel_size must be <= model.features.max_length (8) for a cnn, found 9",
                "model.conv_kernel_size",
                4);
        assertError(
                DATA + "watchdog:\n  backoff_initial: 10s\n  backoff_max: 5s\n",
                "train.yaml:4: watchdog.backoff_max must be >= watchdog.backoff_initial (10s), found 5s",
                "watchdog.backoff_max",
                4);
        assertError(
                DATA + "watchdog:\n  hang_timeout: 10s\n",
                "train.yaml:3: watchdog.hang_timeout must be longer than session.heartbeat_interval (10s), found 10s",
                "watchdog.hang_timeout",
                3);
        assertError(
                DATA + "watchdog:\n  startup_timeout: 0s\n",
                "train.yaml:3: watchdog.startup_timeout must be longer than 0s, found 0s",
                "watchdog.startup_timeout",
                3);
        assertError(
                DATA + "watchdog:\n  startup_timeout: soon\n",
                "train.yaml:3: watchdog.startup_timeout must be a duration like 250ms, 30s, 5m, 1h30m or 2d, found \"soon\"",
                "watchdog.startup_timeout",
                3);
    }

    @Test
    void csvSettingsAreChecked() throws IOException {
        assertError(
                "data:\n  train: data/train.jsonl\n  csv:\n    header: false\n",
                "train.yaml:3: data.csv.columns must name the columns when data.csv.header is false",
                "data.csv.columns",
                3);
        assertError(
                "data:\n  train: data/train.jsonl\n  csv:\n    header: false\n    columns: [txt, label]\n",
                "train.yaml:3: data.csv.text_columns[0] must be one of data.csv.columns txt, label, found \"text\"; "
                        + "did you mean txt?",
                "data.csv.text_columns[0]",
                3);
        assertError(
                "data:\n  train: data/train.jsonl\n  csv:\n    delimiter: \";;\"\n",
                "train.yaml:4: data.csv.delimiter must be one character, found \";;\"",
                "data.csv.delimiter",
                4);
    }

    @Test
    void webhookMustBeHttp() throws IOException {
        // the URL is a secret: the message shows only its scheme and host
        assertError(
                DATA + "watchdog:\n  webhook: ftp://example.com/T0KEN\n",
                "train.yaml:3: watchdog.webhook must be an http or https URL, found \"ftp://example.com/...\" "
                        + "(shown redacted: the URL may hold a secret)",
                "watchdog.webhook",
                3);
        assertError(
                DATA + "watchdog:\n  webhook: \"http://exa mple/T0KEN\"\n",
                "train.yaml:3: watchdog.webhook must be an http or https URL, found \"http:...\" (not a URL: "
                        + "Illegal character in authority at character 8; shown redacted: the URL may hold a secret)",
                "watchdog.webhook",
                3);
    }

    // ---- durations ------------------------------------------------------------------------------------------

    @Test
    void durationsAreChecked() throws IOException {
        assertError(
                DATA + "session:\n  autosave_interval: 5 minutes\n",
                "train.yaml:3: session.autosave_interval "
                        + "must be a duration like 250ms, 30s, 5m, 1h30m or 2d, found \"5 minutes\"",
                "session.autosave_interval",
                3);
        assertError(
                DATA + "session:\n  autosave_interval: -5\n",
                "train.yaml:3: session.autosave_interval "
                        + "must be a duration like 250ms, 30s, 5m, 1h30m or 2d, found -5",
                "session.autosave_interval",
                3);
        assertError(
                DATA + "session:\n  heartbeat_interval: 0s\n",
                "train.yaml:3: session.heartbeat_interval must be longer than 0s, found 0s",
                "session.heartbeat_interval",
                3);
        assertError(
                DATA + "checkpoint:\n  every_interval: 0\n",
                "train.yaml:3: checkpoint.every_interval must be longer than 0s, found 0s",
                "checkpoint.every_interval",
                3);
    }

    // ---- the file itself ------------------------------------------------------------------------------------

    @Test
    void missingConfigFileNamesTheAbsolutePath() {
        Path missing = dir.resolve("nope.yaml");
        ConfigException error = assertThrows(ConfigException.class, () -> ConfigLoader.load(missing));
        assertEquals("config file not found: " + missing, error.getMessage());
        assertEquals(Optional.of(missing), error.file());
        assertEquals(OptionalInt.empty(), error.line());
        assertEquals("", error.key());
    }

    @Test
    void emptyFilesAreErrors() throws IOException {
        assertError("", "train.yaml: config file is empty", "", 0);
        assertError("# only a comment\n\n", "train.yaml: config file is empty", "", 0);
        assertError("~\n", "train.yaml: config file is empty", "", 0);
    }

    @Test
    void malformedYamlGivesTheLineFromTheParser() throws IOException {
        ConfigException indent = loadError(DATA + "training:\n  epochs: 3\n batch_size: 4\n");
        assertTrue(indent.getMessage().startsWith("train.yaml:4: malformed YAML: "), indent.getMessage());
        assertTrue(indent.getMessage().contains("expected <block end>"), indent.getMessage());
        assertEquals(OptionalInt.of(4), indent.line());

        ConfigException tab = loadError(DATA + "training:\n\tepochs: 3\n");
        assertTrue(tab.getMessage().startsWith("train.yaml:3: malformed YAML: "), tab.getMessage());
        assertTrue(tab.getMessage().contains("TAB"), tab.getMessage());

        ConfigException twoDocuments = loadError(DATA + "---\n" + DATA);
        assertTrue(twoDocuments.getMessage().startsWith("train.yaml:2: malformed YAML: "), twoDocuments.getMessage());
    }

    @Test
    void theTopMustBeAMapOfSections() throws IOException {
        assertError(
                "- a\n- b\n",
                "train.yaml:1: the configuration must be a map of sections (labels, model, data, "
                        + "training, checkpoint, session, eval, loss, watchdog, spark), found a list",
                "",
                1);
        assertError(
                DATA + "eval: {<<: 5}\n",
                "train.yaml:2: a merge key (<<) must refer to a map or a list of maps, found 5",
                "eval",
                2);
    }

    @Test
    void bytesThatAreNotUtf8AreAnError() throws IOException {
        Files.write(file, new byte[] {'x', ':', ' ', '1', '\n', 'a', ':', ' ', (byte) 0xff, (byte) 0xfe, '\n'});
        ConfigException error = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
        assertEquals(
                "train.yaml:2: config file is not UTF-8 text: byte 0xFF (byte 4 of the line) is not UTF-8; "
                        + "save the file as UTF-8",
                error.getMessage());
    }

    // ---- limits a file cannot break --------------------------------------------------------------------------

    @Test
    void aConfigFileOverOneMebibyteIsRefusedBeforeParsing() throws IOException {
        Files.write(file, new byte[ConfigLoader.MAX_FILE_BYTES + 1]);
        ConfigException error = assertThrows(ConfigException.class, () -> ConfigLoader.load(file));
        assertEquals(
                "train.yaml: config file is " + (ConfigLoader.MAX_FILE_BYTES + 1) + " bytes, more than the limit of "
                        + ConfigLoader.MAX_FILE_BYTES + " (1 MiB); a configuration is a few kilobytes",
                error.getMessage());
    }

    @Test
    void tenThousandLabelsOnOneLineAreAValidConfiguration() throws IOException {
        StringBuilder labels = new StringBuilder("labels: [");
        for (int i = 0; i < 10_000; i++) {
            labels.append(i == 0 ? "" : ", ").append("L").append(i);
        }
        Files.writeString(file, DATA + labels + "]\n");
        assertEquals(10_000, ConfigLoader.load(file).labels().size());
    }

    @Test
    void aliasBombsAndDeepNestingAreRefused() throws IOException {
        StringBuilder bomb = new StringBuilder(DATA + "x0: &a0 [1, 2]\n");
        for (int i = 1; i < 12; i++) {
            bomb.append("x")
                    .append(i)
                    .append(": &a")
                    .append(i)
                    .append(" [*a")
                    .append(i - 1)
                    .append(", *a")
                    .append(i - 1)
                    .append("]\n");
        }
        assertTrue(loadError(bomb.toString()).getMessage().contains("malformed YAML"));
        assertTrue(loadError(DATA + "model: " + "[".repeat(100) + "]".repeat(100) + "\n")
                .getMessage()
                .contains("malformed YAML"));
    }

    @Test
    void aPipeAsConfigFileIsRefusedWithoutReadingIt() throws Exception {
        Path fifo = dir.resolve("fifo.yaml");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        org.junit.jupiter.api.Assumptions.assumeTrue(mk.waitFor() == 0, "needs mkfifo");
        ConfigException error = assertThrows(ConfigException.class, () -> ConfigLoader.load(fifo));
        assertEquals(
                "fifo.yaml: config file is not a regular file (a pipe or a device); give a YAML file",
                error.getMessage());
    }

    @Test
    void dataThatIsAFolderOrADeviceSaysSo() throws Exception {
        Files.createDirectories(dir.resolve("folder.jsonl"));
        assertError(
                "data: {train: folder.jsonl}\n",
                "train.yaml:1: data.train must be a file, found a folder: " + dir.resolve("folder.jsonl"),
                "data.train",
                1);
        Files.createDirectories(dir.resolve("folder"));
        assertError(
                "data: {train: folder}\n",
                "train.yaml:1: data.train must be a file, found a folder: " + dir.resolve("folder"),
                "data.train",
                1);
        assertError(
                "data: {train: /dev/zero, format: jsonl}\n",
                "train.yaml:1: data.train must be a regular file, found a pipe or a device: /dev/zero",
                "data.train",
                1);
        Path fifo = dir.resolve("pipe.jsonl");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        org.junit.jupiter.api.Assumptions.assumeTrue(mk.waitFor() == 0, "needs mkfifo");
        assertError(
                "data: {train: pipe.jsonl}\n",
                "train.yaml:1: data.train must be a regular file, found a pipe or a " + "device: " + fifo,
                "data.train",
                1);
    }

    @Test
    void durationsNearLongMaxAreRefused() throws IOException {
        assertError(
                DATA + "watchdog:\n  hang_timeout: 9223372036854775807\n",
                "train.yaml:3: watchdog.hang_timeout must be at most 365d, found 9223372036854775807s",
                "watchdog.hang_timeout",
                3);
        assertError(
                DATA + "session:\n  autosave_interval: 106751991167300d\n",
                "train.yaml:3: session.autosave_interval must be at most 365d, found \"106751991167300d\"",
                "session.autosave_interval",
                3);
    }

    @Test
    void textErrorsCarryTheLineButNoFile() {
        ConfigException error = assertThrows(
                ConfigException.class, () -> ConfigLoader.parse(DATA + "training:\n  batch_size: -3\n", dir));
        assertEquals("line 3: training.batch_size must be > 0, found -3", error.getMessage());
        assertEquals("training.batch_size must be > 0, found -3", error.problem());
        assertEquals(Optional.empty(), error.file());
        assertEquals(OptionalInt.of(3), error.line());
    }

    // ---- load_best_at_end -----------------------------------------------------------------------------------

    @Test
    void loadBestAtEndIsReadAndNeedsTheBestCheckpointKept() throws IOException {
        Files.writeString(file, DATA + "eval:\n  load_best_at_end: true\n");
        org.junit.jupiter.api.Assertions.assertTrue(
                ConfigLoader.load(file).eval().loadBestAtEnd());
        Files.writeString(file, DATA);
        org.junit.jupiter.api.Assertions.assertFalse(
                ConfigLoader.load(file).eval().loadBestAtEnd(), "off by default");
        assertError(
                DATA + "checkpoint:\n  keep_best: false\neval:\n  load_best_at_end: true\n",
                "train.yaml:5: eval.load_best_at_end needs checkpoint.keep_best: true (otherwise the best checkpoint may be "
                        + "rotated out before the end), found checkpoint.keep_best: false",
                "eval.load_best_at_end",
                5);
    }
}
