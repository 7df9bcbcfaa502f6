package org.trainguard.core.config;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads a training run's YAML configuration into a checked {@link TrainguardConfig}. Unknown keys, values of the
 * wrong type or out of range, label references that are not labels and missing input files are all
 * {@link ConfigException}s naming the file, line, key and value. Relative paths resolve against the folder of the
 * config file.
 */
public final class ConfigLoader {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);

    /**
     * The largest config file read, 1 MiB: a configuration is a few kilobytes (10,000 labels fit), and the YAML
     * parser's time grows with the square of a scalar's length: half a second at 1 MB, minutes at 50 MB.
     */
    public static final int MAX_FILE_BYTES = 1 << 20;
    /** The deepest nesting of sections, lists and maps: the schema needs 4. */
    static final int MAX_NESTING = 16;
    /** The most YAML aliases ({@code *name}) that expand into lists or maps; the schema needs none. */
    static final int MAX_ALIASES = 16;

    static final Set<String> SECTIONS = keys("labels", "model", "data", "training", "checkpoint", "session", "eval",
            "loss", "watchdog", "spark");
    static final Set<String> MODEL_KEYS = keys("type", "embedding_dim", "dropout", "conv_filters",
            "conv_kernel_size", "features", "embedding");
    static final Set<String> FEATURES_KEYS = keys("buckets", "max_length", "word_ngrams", "char_ngrams",
            "char_ngram_min", "char_ngram_max", "lowercase");
    static final Set<String> DATA_KEYS = keys("train", "validation", "validation_split", "format", "text_field",
            "label_field", "csv", "label_map", "skip_bad_records", "shuffle", "cache_dir");
    static final Set<String> CSV_KEYS = keys("header", "columns", "text_columns", "label_column", "delimiter");
    static final Set<String> TRAINING_KEYS = keys("output_dir", "seed", "epochs", "max_steps", "batch_size",
            "learning_rate", "optimizer", "adam_beta1", "adam_beta2", "adam_epsilon", "weight_decay",
            "max_grad_norm", "lr_schedule", "warmup_ratio", "log_every_steps", "on_divergence", "max_rollbacks",
            "rollback_lr_factor", "gradient_accumulation_steps");
    static final Set<String> CHECKPOINT_KEYS = keys("every_steps", "every_interval", "keep_last", "keep_best", "disk_guard",
            "disk_margin_mb", "mirror");
    static final Set<String> MIRROR_KEYS = keys("path", "s3");
    static final Set<String> MIRROR_S3_KEYS = keys("endpoint", "bucket", "prefix", "region");
    static final Set<String> SESSION_KEYS = keys("autosave_interval", "heartbeat_interval", "inhibit_sleep");
    static final Set<String> EVAL_KEYS = keys("every_steps", "metric", "greater_is_better", "allow_label",
            "harmful_labels", "batch_size", "load_best_at_end", "early_stopping");
    static final Set<String> EARLY_STOPPING_KEYS = keys("patience", "min_delta");
    static final Set<String> LOSS_KEYS = keys("type", "focal_gamma", "class_weights");
    static final Set<String> WATCHDOG_KEYS = keys("check_interval", "hang_timeout", "stop_timeout",
            "backoff_initial", "backoff_max", "crash_loop_failures", "crash_loop_window", "webhook", "audio", "sound",
            "log_file", "java_opts", "startup_timeout");

    private ConfigLoader() {
    }

    private static Set<String> keys(String... names) {
        return Collections.unmodifiableSet(new LinkedHashSet<>(List.of(names)));
    }

    /**
     * Loads and checks a config file, including that the training, validation and sound files it names exist.
     *
     * @param file the YAML file; relative paths inside it resolve against its folder
     * @return the configuration, with {@link TrainguardConfig#source()} set and {@link TrainguardConfig#sha256()}
     *         of the file's bytes
     * @throws ConfigException when the file is missing, unreadable, not YAML, or its content is invalid; the
     *                         message starts with the file name and line
     */
    public static TrainguardConfig load(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        if (!Files.exists(absolute)) {
            throw ConfigException.configFileNotFound(absolute);
        }
        if (Files.isDirectory(absolute)) {
            throw ConfigException.located(absolute, 0, "", "config file is a folder, not a file", null);
        }
        if (!Files.isRegularFile(absolute)) {
            // a FIFO or a device (/dev/zero) would block or never end
            throw ConfigException.located(absolute, 0, "", "config file is not a regular file (a pipe or a device); "
                    + "give a YAML file", null);
        }
        byte[] bytes;
        try {
            long size = Files.size(absolute);
            if (size > MAX_FILE_BYTES) {
                throw ConfigException.located(absolute, 0, "", "config file is " + size + " bytes, more than the limit of "
                        + MAX_FILE_BYTES + " (1 MiB); a configuration is a few kilobytes", null);
            }
            try (var in = Files.newInputStream(absolute)) {
                bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            }
        } catch (IOException unreadable) {
            throw ConfigException.located(absolute, 0, "", "cannot read config file: " + unreadable.getMessage(), unreadable);
        }
        if (bytes.length > MAX_FILE_BYTES) {
            throw ConfigException.located(absolute, 0, "", "config file is more than the limit of " + MAX_FILE_BYTES
                    + " bytes (1 MiB); a configuration is a few kilobytes", null);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException notUtf8) {
            int at = firstNonUtf8Byte(bytes);
            int line = 1;
            int lineStart = 0;
            for (int i = 0; i < at; i++) {
                if (bytes[i] == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            throw ConfigException.located(absolute, line, "", String.format(Locale.ROOT,
                    "config file is not UTF-8 text: byte 0x%02X (byte %d of the line) is not UTF-8; save the file as UTF-8",
                    bytes[at] & 0xFF, at - lineStart + 1), notUtf8);
        }
        return read(text, absolute, absolute.getParent(), TrainguardConfig.sha256Hex(bytes));
    }

    /**
     * Reads a configuration from YAML text, for tests and programs that embed the trainer. Checks the same as
     * {@link #load}, input files included; errors carry the line but no file name.
     *
     * @param yaml    the YAML text
     * @param baseDir the folder relative paths resolve against
     * @return the configuration, without a source, with {@link TrainguardConfig#sha256()} of the text's UTF-8 bytes
     * @throws ConfigException when the text is not YAML or its content is invalid
     */
    public static TrainguardConfig parse(String yaml, Path baseDir) {
        return read(yaml, null, baseDir.toAbsolutePath().normalize(),
                TrainguardConfig.sha256Hex(yaml.getBytes(StandardCharsets.UTF_8)));
    }

    private static TrainguardConfig read(String text, Path file, Path baseDir, String sha256) {
        YamlSection.Lines lines = new YamlSection.Lines(file, baseDir);
        try {
            Node root = compose(text, file);
            TrainguardConfig config = build(YamlSection.root(root, lines, SECTIONS), lines, file, sha256);
            config.requireInputFiles();
            return config;
        } catch (ConfigException invalid) {
            // Records check themselves without knowing the file; place their errors at the key's line here.
            throw invalid.isLocated() ? invalid : invalid.at(file, lines.lineOf(invalid.key()));
        }
    }

    /** @return the offset of the first byte that does not start or continue a valid UTF-8 sequence */
    private static int firstNonUtf8Byte(byte[] bytes) {
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length + 1);
        var result = decoder.decode(in, out, true);
        return result.isError() ? in.position() : 0;
    }

    private static Node compose(String text, Path file) {
        // A byte order mark is legal at the start of a YAML stream but would otherwise become part of a key.
        String yaml = text.startsWith("\uFEFF") ? text.substring(1) : text;
        requireSmallText(yaml, file);
        LoaderOptions limits = new LoaderOptions();
        limits.setCodePointLimit(MAX_FILE_BYTES);
        limits.setMaxAliasesForCollections(MAX_ALIASES);
        limits.setNestingDepthLimit(MAX_NESTING);
        Node root;
        try {
            root = new Yaml(limits).compose(new StringReader(yaml));
        } catch (MarkedYAMLException malformed) {
            Mark mark = malformed.getProblemMark() != null ? malformed.getProblemMark() : malformed.getContextMark();
            String problem = malformed.getProblem() != null ? malformed.getProblem() : malformed.getMessage();
            // SnakeYAML's context ("while parsing a flow mapping") reads as the start of the problem's sentence.
            String context = malformed.getContext() == null ? "" : malformed.getContext() + ", ";
            throw ConfigException.located(file, mark == null ? 0 : mark.getLine() + 1, "",
                    "malformed YAML: " + context + problem, malformed);
        } catch (YAMLException malformed) {
            throw ConfigException.located(file, 0, "", "malformed YAML: " + malformed.getMessage(), malformed);
        }
        if (root == null || YamlSection.isNull(root)) {
            throw ConfigException.located(file, 0, "",
                    file == null ? "the configuration is empty" : "config file is empty", null);
        }
        return root;
    }

    private static void requireSmallText(String yaml, Path file) {
        if (yaml.length() > MAX_FILE_BYTES) {
            throw ConfigException.located(file, 0, "", "the configuration is " + yaml.length()
                    + " characters, more than the limit of " + MAX_FILE_BYTES + " (1 MiB)", null);
        }
    }

    private static TrainguardConfig build(YamlSection root, YamlSection.Lines lines, Path file, String sha256) {
        List<String> labels = TrainguardConfig.checkedLabels(root.strings("labels", TrainguardConfig.DEFAULT_LABELS));
        ModelConfig model = model(root.section("model", MODEL_KEYS));
        TrainingConfig training = training(root.section("training", TRAINING_KEYS), lines.baseDir());
        DataConfig data = data(root.section("data", DATA_KEYS), lines.baseDir(), training.outputDir(), file);
        CheckpointConfig checkpoint = checkpoint(root.section("checkpoint", CHECKPOINT_KEYS));
        SessionConfig session = session(root.section("session", SESSION_KEYS));
        EvalConfig eval = eval(root.section("eval", EVAL_KEYS), labels);
        LossConfig loss = loss(root.section("loss", LOSS_KEYS), labels);
        WatchdogConfig watchdog = watchdog(root.section("watchdog", WATCHDOG_KEYS), training.outputDir());
        return new TrainguardConfig(labels, model, data, training, checkpoint, session, eval, loss, watchdog,
                SparkConfig.read(root, training), Optional.ofNullable(file), sha256);
    }

    private static ModelConfig model(YamlSection section) {
        ModelConfig d = ModelConfig.defaults();
        FeaturesConfig f = d.features();
        YamlSection features = section.section("features", FEATURES_KEYS);
        FeaturesConfig featuresConfig = new FeaturesConfig(
                features.integer("buckets", f.buckets()),
                features.integer("max_length", f.maxLength()),
                features.integer("word_ngrams", f.wordNgrams()),
                features.bool("char_ngrams", f.charNgrams()),
                features.integer("char_ngram_min", f.charNgramMin()),
                features.integer("char_ngram_max", f.charNgramMax()),
                features.bool("lowercase", f.lowercase()));
        ModelConfig model = new ModelConfig(
                section.choice("type", ModelType.class, d.type()),
                section.integer("embedding_dim", d.embeddingDim()),
                section.number("dropout", d.dropout()),
                section.integer("conv_filters", d.convFilters()),
                section.integer("conv_kernel_size", d.convKernelSize()),
                featuresConfig,
                section.choice("embedding", EmbeddingLayout.class, d.embedding()));
        if (model.type() != ModelType.CNN) {
            for (String cnnOnly : List.of("conv_filters", "conv_kernel_size")) {
                if (section.has(cnnOnly)) {
                    LOG.warn("model.{} has no effect when model.type is {}", cnnOnly, Checks.yamlName(model.type()));
                }
            }
        }
        return model;
    }

    private static TrainingConfig training(YamlSection section, Path baseDir) {
        TrainingConfig d = TrainingConfig.defaults(baseDir);
        OptionalDouble maxGradNorm = !section.has("max_grad_norm") ? d.maxGradNorm()
                : section.optionalNumber("max_grad_norm").map(OptionalDouble::of).orElse(OptionalDouble.empty());
        return new TrainingConfig(
                section.path("output_dir", d.outputDir()),
                section.longInteger("seed", d.seed()),
                section.integer("epochs", d.epochs()),
                section.optionalLong("max_steps").map(OptionalLong::of).orElse(OptionalLong.empty()),
                section.integer("batch_size", d.batchSize()),
                section.number("learning_rate", d.learningRate()),
                section.choice("optimizer", Optimizer.class, d.optimizer()),
                section.number("adam_beta1", d.adamBeta1()),
                section.number("adam_beta2", d.adamBeta2()),
                section.number("adam_epsilon", d.adamEpsilon()),
                section.number("weight_decay", d.weightDecay()),
                maxGradNorm,
                section.choice("lr_schedule", LrSchedule.class, d.lrSchedule()),
                section.number("warmup_ratio", d.warmupRatio()),
                section.integer("log_every_steps", d.logEverySteps()),
                section.choice("on_divergence", OnDivergence.class, d.onDivergence()),
                section.integer("max_rollbacks", d.maxRollbacks()),
                section.number("rollback_lr_factor", d.rollbackLrFactor()),
                section.integer("gradient_accumulation_steps", d.gradientAccumulationSteps()));
    }

    private static DataConfig data(YamlSection section, Path baseDir, Path outputDir, Path file) {
        Path train = section.optionalPath("train").orElseThrow(() ->
                ConfigException.located(file, 0, "data.train", "data.train is required", null));
        DataConfig d = DataConfig.defaults(baseDir);
        CsvConfig c = CsvConfig.defaults();
        YamlSection csvSection = section.section("csv", CSV_KEYS);
        // A .tsv file is tab-separated unless the config says otherwise.
        char defaultDelimiter = train.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".tsv")
                ? '\t' : c.delimiter();
        CsvConfig csv = new CsvConfig(
                csvSection.bool("header", c.header()),
                csvSection.strings("columns", c.columns()),
                csvSection.strings("text_columns", c.textColumns()),
                csvSection.string("label_column", c.labelColumn()),
                delimiter(csvSection, defaultDelimiter));
        Optional<Path> validation = section.optionalPath("validation");
        if (validation.isPresent() && section.has("validation_split")) {
            LOG.warn("data.validation_split has no effect because data.validation is set");
        }
        double split = section.number("validation_split", d.validationSplit());
        if (validation.isEmpty() && split > 0.5) {
            LOG.warn("data.validation_split {} holds out {}% of the training data for validation: only the other {}% "
                    + "trains the model", split, Math.round(split * 100), 100 - Math.round(split * 100));
        }
        return new DataConfig(
                train,
                validation,
                split,
                section.choice("format", DataFormat.class, d.format()),
                section.string("text_field", d.textField()),
                section.string("label_field", d.labelField()),
                csv,
                section.optionalStringMap("label_map").orElse(Map.of()),
                section.bool("skip_bad_records", d.skipBadRecords()),
                section.bool("shuffle", d.shuffle()),
                section.optionalPath("cache_dir").orElse(outputDir.resolve("cache")));
    }

    private static char delimiter(YamlSection csv, char fallback) {
        String text = csv.string("delimiter", String.valueOf(fallback));
        if (text.length() != 1) {
            throw new ConfigException("data.csv.delimiter",
                    "data.csv.delimiter must be one character, found " + Checks.quote(text));
        }
        return text.charAt(0);
    }

    private static CheckpointConfig checkpoint(YamlSection section) {
        CheckpointConfig d = CheckpointConfig.defaults();
        return new CheckpointConfig(
                section.integer("every_steps", d.everySteps()),
                section.optionalDuration("every_interval"),
                section.integer("keep_last", d.keepLast()),
                section.bool("keep_best", d.keepBest()),
                section.bool("disk_guard", d.diskGuard()),
                section.integer("disk_margin_mb", d.diskMarginMb()),
                mirror(section));
    }

    private static Optional<MirrorConfig> mirror(YamlSection checkpoint) {
        if (checkpoint.present("mirror").isEmpty()) {
            return Optional.empty();
        }
        YamlSection mirror = checkpoint.section("mirror", withCredentialKeys(MIRROR_KEYS));
        refuseCredentials(mirror);
        Optional<MirrorConfig.S3> s3 = Optional.empty();
        if (mirror.present("s3").isPresent()) {
            YamlSection b = mirror.section("s3", withCredentialKeys(MIRROR_S3_KEYS));
            refuseCredentials(b);
            Optional<URI> endpoint = b.optionalString("endpoint").map(text -> {
                try {
                    return new URI(text.strip());
                } catch (URISyntaxException e) {
                    throw new ConfigException(b.key("endpoint"), b.key("endpoint") + " is not a URL (" + e.getReason()
                            + "), found " + Checks.quote(text));
                }
            });
            s3 = Optional.of(new MirrorConfig.S3(endpoint, b.string("bucket", ""), b.string("prefix", ""),
                    b.string("region", "us-east-1")));
        }
        return Optional.of(new MirrorConfig(mirror.optionalPath("path"), s3));
    }

    private static Set<String> withCredentialKeys(Set<String> keys) {
        Set<String> all = new LinkedHashSet<>(keys);
        all.addAll(MirrorConfig.CREDENTIAL_KEYS);
        return all;
    }

    /** A credential in the file is refused by its key alone: the value is never echoed, logged or kept. */
    private static void refuseCredentials(YamlSection section) {
        for (String name : MirrorConfig.CREDENTIAL_KEYS) {
            if (section.has(name)) {
                throw new ConfigException(section.key(name), section.key(name) + " is not read from the configuration: "
                        + "credentials come only from the environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or "
                        + "AWS_PROFILE with ~/.aws/credentials); remove the key from the file");
            }
        }
    }

    private static SessionConfig session(YamlSection section) {
        SessionConfig d = SessionConfig.defaults();
        return new SessionConfig(
                section.duration("autosave_interval", d.autosaveInterval()),
                section.duration("heartbeat_interval", d.heartbeatInterval()),
                section.bool("inhibit_sleep", d.inhibitSleep()));
    }

    private static EvalConfig eval(YamlSection section, List<String> labels) {
        EvalConfig d = EvalConfig.defaults(labels);
        EvalMetric metric = section.choice("metric", EvalMetric.class, d.metric());
        return new EvalConfig(
                section.integer("every_steps", d.everySteps()),
                metric,
                section.optionalBool("greater_is_better").orElse(metric.greaterIsBetterByDefault()),
                section.optionalString("allow_label").orElse(d.allowLabel()),
                section.optionalStrings("harmful_labels").orElse(d.harmfulLabels()),
                section.integer("batch_size", d.batchSize()),
                section.optionalBool("load_best_at_end").orElse(d.loadBestAtEnd()),
                earlyStopping(section));
    }

    /** {@code eval.early_stopping}: absent or {@code null} is off; written, it needs a patience. */
    private static Optional<EarlyStoppingConfig> earlyStopping(YamlSection eval) {
        if (eval.present("early_stopping").isEmpty()) {
            return Optional.empty();
        }
        YamlSection section = eval.section("early_stopping", EARLY_STOPPING_KEYS);
        if (section.present("patience").isEmpty()) {
            throw new ConfigException(section.key("patience"), section.key("patience")
                    + " is required when eval.early_stopping is set (evaluations without improvement before the run ends), e.g. 3");
        }
        return Optional.of(new EarlyStoppingConfig(section.integer("patience", 0), section.number("min_delta", 0.0)));
    }

    private static LossConfig loss(YamlSection section, List<String> labels) {
        LossConfig d = LossConfig.defaults(labels);
        return new LossConfig(
                section.choice("type", LossType.class, d.type()),
                section.number("focal_gamma", d.focalGamma()),
                section.optionalNumberMap("class_weights").orElse(d.classWeights()));
    }

    private static WatchdogConfig watchdog(YamlSection section, Path outputDir) {
        WatchdogConfig d = WatchdogConfig.defaults(outputDir);
        return new WatchdogConfig(
                section.duration("check_interval", d.checkInterval()),
                section.duration("hang_timeout", d.hangTimeout()),
                section.duration("stop_timeout", d.stopTimeout()),
                section.duration("backoff_initial", d.backoffInitial()),
                section.duration("backoff_max", d.backoffMax()),
                section.integer("crash_loop_failures", d.crashLoopFailures()),
                section.duration("crash_loop_window", d.crashLoopWindow()),
                section.optionalString("webhook").map(WatchdogConfig::webhookUrl),
                section.bool("audio", d.audio()),
                section.optionalPath("sound"),
                section.optionalPath("log_file").orElse(d.logFile()),
                section.strings("java_opts", d.javaOpts()),
                section.duration("startup_timeout", d.startupTimeout()));
    }
}
