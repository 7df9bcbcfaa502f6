package org.trainguard.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The whole configuration of a training run, resolved: every default filled in, every path absolute, every label
 * reference checked against {@link #labels()}. Built by {@link ConfigLoader} from a YAML file, by
 * {@link #defaults(Path)}, or in code with {@link #of}.
 *
 * <p>Building one checks that the labels are unique and at least two, that every label named elsewhere (label
 * map, allow and harmful labels, class weights) is one of them, and that {@code watchdog.hang_timeout} is longer
 * than {@code session.heartbeat_interval}; class weights are completed with 1.0 for unnamed labels and put in label
 * order. Each section record checks its own ranges the same way; a {@link ConfigException} names the key and the
 * value.
 *
 * @param labels     the classes in output order: at least two, unique, not blank
 * @param model      the network
 * @param data       the training and validation data
 * @param training   the optimization loop
 * @param checkpoint when checkpoints are written and kept
 * @param session    how often the session file is refreshed
 * @param eval       evaluation and choice of the best checkpoint
 * @param loss       the loss and class weights
 * @param watchdog   supervision by the watchdog
 * @param extraSections the sections of {@link #EXTRA_SECTIONS}, each read or at its defaults
 * @param source     the config file this came from; empty when built in code or parsed from text
 * @param sha256     lowercase hex SHA-256 of the config file's bytes, or of {@link #toYaml()} (with the webhook URL unredacted) when built in code;
 *                   a resumed run compares it to tell whether the configuration changed
 */
public record TrainguardConfig(
        List<String> labels,
        ModelConfig model,
        DataConfig data,
        TrainingConfig training,
        CheckpointConfig checkpoint,
        SessionConfig session,
        EvalConfig eval,
        LossConfig loss,
        WatchdogConfig watchdog,
        Map<Section<?>, Object> extraSections,
        Optional<Path> source,
        String sha256) {

    /** The four classes of the default classifier, in output order. */
    public static final List<String> DEFAULT_LABELS = List.of("ALLOW", "ESCALATION", "DENY", "REFUSE");

    /** {@code labels}. */
    public static final Key<List<String>> LABELS = Key.texts("", "labels", DEFAULT_LABELS);

    /**
     * Top-level sections beyond the built-in ones, each declared in its own record file (see {@link Section}); adding
     * one to this list is all the loader, {@link #toMap()} and {@link #section(Section)} need.
     */
    public static final List<Section<?>> EXTRA_SECTIONS = List.of(SparkConfig.SECTION);

    /** Every top-level key: the labels, then each section, in documented order. */
    static Keys keys() {
        List<Key<?>> keys = new ArrayList<>(List.of(LABELS));
        for (String section : List.of(
                ModelConfig.SECTION,
                DataConfig.SECTION,
                TrainingConfig.SECTION,
                CheckpointConfig.SECTION,
                SessionConfig.SECTION,
                EvalConfig.SECTION,
                LossConfig.SECTION,
                WatchdogConfig.SECTION)) {
            keys.add(Key.section("", section));
        }
        EXTRA_SECTIONS.forEach(extra -> keys.add(Key.section("", extra.keys().section())));
        return new Keys("", keys);
    }

    /**
     * Every section's keys, in documented order: what a config file may hold.
     *
     * @return the key tables, the top level first
     */
    public static List<Keys> schema() {
        List<Keys> all = new ArrayList<>(List.of(
                keys(),
                ModelConfig.keys(),
                FeaturesConfig.KEYS,
                DataConfig.KEYS,
                CsvConfig.KEYS,
                TrainingConfig.KEYS,
                CheckpointConfig.KEYS,
                MirrorConfig.KEYS,
                MirrorConfig.S3.KEYS,
                SessionConfig.KEYS,
                EvalConfig.KEYS,
                EarlyStoppingConfig.KEYS,
                LossConfig.KEYS,
                WatchdogConfig.KEYS));
        EXTRA_SECTIONS.forEach(extra -> all.add(extra.keys()));
        return all;
    }

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    /** Stands in for the digest while the text it is computed from is built. */
    private static final String PENDING_SHA256 = "0".repeat(64);

    /** Checks the labels and every reference to them, and completes the class weights (see the type's description). */
    public TrainguardConfig {
        labels = checkedLabels(labels);
        Checks.notNull("model", model);
        Checks.notNull("data", data);
        Checks.notNull("training", training);
        Checks.notNull("checkpoint", checkpoint);
        Checks.notNull("session", session);
        Checks.notNull("eval", eval);
        Checks.notNull("loss", loss);
        Checks.notNull("watchdog", watchdog);
        extraSections = Map.copyOf(Checks.notNull("extraSections", extraSections));
        Checks.notNull("source", source);
        Checks.notNull("sha256", sha256);
        if (!SHA256_HEX.matcher(sha256).matches()) {
            throw new IllegalArgumentException("sha256 must be 64 lowercase hex digits, found " + sha256);
        }

        for (Map.Entry<String, String> entry : data.labelMap().entrySet()) {
            Checks.isLabel("data.label_map." + entry.getKey(), entry.getValue(), labels);
        }
        Checks.isLabel("eval.allow_label", eval.allowLabel(), labels);
        for (int i = 0; i < eval.harmfulLabels().size(); i++) {
            Checks.isLabel(
                    "eval.harmful_labels[" + i + "]", eval.harmfulLabels().get(i), labels);
        }
        if (eval.loadBestAtEnd() && !checkpoint.keepBest()) {
            throw new ConfigException(
                    "eval.load_best_at_end",
                    "eval.load_best_at_end needs checkpoint.keep_best: true (otherwise "
                            + "the best checkpoint may be rotated out before the end), found checkpoint.keep_best: false");
        }
        loss = withWeightForEveryLabel(loss, labels);
        if (watchdog.hangTimeout().compareTo(session.heartbeatInterval()) <= 0) {
            throw new ConfigException(
                    "watchdog.hang_timeout",
                    "watchdog.hang_timeout must be longer than "
                            + "session.heartbeat_interval (" + Durations.format(session.heartbeatInterval())
                            + "), found "
                            + Durations.format(watchdog.hangTimeout()));
        }
    }

    /** At least two labels, unique and not blank; checked before anything that refers to them. */
    static List<String> checkedLabels(List<String> labels) {
        List<String> checked = Checks.uniqueNames("labels", labels);
        if (checked.size() < 2) {
            throw new ConfigException(
                    "labels",
                    "labels must name at least 2 labels, found " + checked.size()
                            + (checked.isEmpty() ? "" : " (" + String.join(", ", checked) + ")"));
        }
        return checked;
    }

    private static LossConfig withWeightForEveryLabel(LossConfig loss, List<String> labels) {
        for (String label : loss.classWeights().keySet()) {
            if (!labels.contains(label)) {
                throw new ConfigException(
                        "loss.class_weights." + label,
                        "unknown label " + label
                                + " in loss.class_weights; labels are " + String.join(", ", labels)
                                + Suggestions.didYouMean(label, labels, ""));
            }
        }
        Map<String, Double> weights = new LinkedHashMap<>();
        for (String label : labels) {
            weights.put(label, loss.classWeights().getOrDefault(label, 1.0));
        }
        return List.copyOf(loss.classWeights().keySet()).equals(labels)
                ? loss
                : new LossConfig(loss.type(), loss.focalGamma(), weights);
    }

    /**
     * A configuration built in code, with no source file; its {@link #sha256()} is that of {@link #toYaml()} with the webhook URL unredacted.
     *
     * @param labels     the classes in output order
     * @param model      the network
     * @param data       the data
     * @param training   the optimization loop
     * @param checkpoint checkpoint frequency and retention
     * @param session    session-file intervals
     * @param eval       evaluation settings, with labels resolved
     * @param loss       the loss; labels without a class weight get 1.0
     * @param watchdog   watchdog settings
     * @return the checked configuration
     * @throws ConfigException when a value is out of range or a label reference is not a label
     */
    public static TrainguardConfig of(
            List<String> labels,
            ModelConfig model,
            DataConfig data,
            TrainingConfig training,
            CheckpointConfig checkpoint,
            SessionConfig session,
            EvalConfig eval,
            LossConfig loss,
            WatchdogConfig watchdog) {
        TrainguardConfig pending = new TrainguardConfig(
                labels,
                model,
                data,
                training,
                checkpoint,
                session,
                eval,
                loss,
                watchdog,
                ExtraSections.defaults(ExtraSections.inCode(training)),
                Optional.empty(),
                PENDING_SHA256);
        return pending.withSource(
                Optional.empty(), sha256Hex(yaml(pending.toMap(false)).getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Every default, for a config file that would live in {@code baseDir}: the four default labels, training data
     * at {@code <baseDir>/data/train.jsonl} (not checked to exist), output in {@code <baseDir>/runs/default}.
     *
     * @param baseDir the folder relative paths are resolved against
     * @return the default configuration
     */
    public static TrainguardConfig defaults(Path baseDir) {
        TrainingConfig training = TrainingConfig.defaults(baseDir);
        DataConfig data = DataConfig.defaults(baseDir);
        return of(
                DEFAULT_LABELS,
                ModelConfig.defaults(),
                data,
                training,
                CheckpointConfig.defaults(),
                SessionConfig.defaults(),
                EvalConfig.defaults(DEFAULT_LABELS),
                LossConfig.defaults(DEFAULT_LABELS),
                WatchdogConfig.defaults(training.outputDir()));
    }

    TrainguardConfig withSource(Optional<Path> newSource, String newSha256) {
        return new TrainguardConfig(
                labels,
                model,
                data,
                training,
                checkpoint,
                session,
                eval,
                loss,
                watchdog,
                extraSections,
                newSource,
                newSha256);
    }

    /**
     * The value of a section of {@link #EXTRA_SECTIONS}.
     *
     * @param section the section's declaration
     * @param <T>     the section's record
     * @return the section as read, or its defaults
     */
    @SuppressWarnings("unchecked")
    public <T> T section(Section<T> section) {
        Object value = extraSections.get(section);
        if (value == null) {
            throw new IllegalArgumentException("no section " + section.keys().section() + " in this configuration");
        }
        return (T) value;
    }

    /**
     * Checks that the input files exist: {@code data.train}, {@code data.validation} and {@code watchdog.sound}
     * when set. The output folder need not exist. {@link ConfigLoader} calls this; call it yourself for a
     * configuration built in code before training.
     *
     * @throws ConfigException naming the key and the absolute path, e.g.
     *                         {@code data.train file not found: /runs/data/train.jsonl}
     */
    public void requireInputFiles() {
        requireFile("data.train", data.train());
        data.validation().ifPresent(file -> requireFile("data.validation", file));
        watchdog.sound().ifPresent(file -> requireFile("watchdog.sound", file));
    }

    private static void requireFile(String key, Path file) {
        Checks.notFolderOrDevice(key, file);
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(key, key + " file not found: " + file);
        }
        if (!Files.isReadable(file)) {
            throw new ConfigException(key, key + " file is not readable: " + file);
        }
    }

    /**
     * The resolved configuration as nested maps with the YAML's snake_case keys, in the documented order, for
     * checkpoint manifests and {@code config show}: every default filled in, paths absolute, durations as text
     * ({@code 5m}), enums in lower case, unset optional values as {@code null}. {@link #source()} and
     * {@link #sha256()} are not part of it. Loading its YAML form gives back the same configuration, except the
     * webhook URL: a secret, shown as {@code scheme://host/...} ({@link Secrets#redact}) because this map is written
     * into every checkpoint's manifest and into {@code final/config.yaml}.
     *
     * @return an unmodifiable map of unmodifiable maps and lists
     */
    public Map<String, Object> toMap() {
        return toMap(true);
    }

    private Map<String, Object> toMap(boolean redactSecrets) {
        Map<String, Object> map = new LinkedHashMap<>();
        LABELS.put(map, labels);
        map.put("model", model.toMap());
        map.put("data", data.toMap());
        map.put("training", training.toMap());
        map.put("checkpoint", checkpoint.toMap());
        map.put("session", session.toMap());
        map.put("eval", eval.toMap());
        map.put("loss", loss.toMap());
        map.put("watchdog", watchdog.toMap(redactSecrets));
        for (Section<?> extra : EXTRA_SECTIONS) {
            putUnlessDefault(map, extra);
        }
        return readOnly(map);
    }

    private <T> void putUnlessDefault(Map<String, Object> map, Section<T> extra) {
        T value = section(extra);
        Map<String, Object> written = extra.toMap(value);
        if (!written.equals(extra.toMap(extra.defaults(ExtraSections.inCode(training))))) {
            map.put(extra.keys().section(), written);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T readOnly(T value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put((String) k, readOnly(v)));
            return (T) Collections.unmodifiableMap(copy);
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>();
            list.forEach(v -> copy.add(readOnly(v)));
            return (T) Collections.unmodifiableList(copy);
        }
        return value;
    }

    /**
     * {@link #toMap()} as block-style YAML, the canonical text of this configuration: the same configuration
     * always gives the same text, and {@link ConfigLoader#parse} reads it back.
     *
     * @return YAML text ending in a line break
     */
    public String toYaml() {
        return yaml(toMap());
    }

    private static String yaml(Map<String, Object> map) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setIndicatorIndent(2);
        options.setIndentWithIndicator(true);
        options.setWidth(Integer.MAX_VALUE);
        options.setLineBreak(DumperOptions.LineBreak.UNIX);
        return new Yaml(options).dump(map);
    }

    static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException impossible) {
            // Every Java platform is required to provide SHA-256.
            throw new IllegalStateException(impossible);
        }
    }
}
