package org.trainguard.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training and validation data ({@code data}). Paths are absolute.
 *
 * @param train           the training file (required in a config file)
 * @param validation      a separate validation file; when empty, {@code validationSplit} of the training data is
 *                        held out
 * @param validationSplit the share of the training data held out for validation when there is no validation file,
 *                        0 &le; x &lt; 1 (0 = no validation)
 * @param format          how the files are read; {@link DataFormat#AUTO} decides per file by its extension
 * @param textField       JSONL: the field holding the text
 * @param labelField      JSONL: the field holding the label
 * @param csv             CSV: columns and delimiter
 * @param labelMap        raw label as found in the data to configured label, e.g. {@code "1" -> "World"}
 * @param skipBadRecords  true: skip and count unreadable records; false: stop at the first one
 * @param shuffle         whether the training data is shuffled each epoch
 * @param cacheDir        where featurized data is cached (by default {@code <training.output_dir>/cache})
 */
public record DataConfig(
        Path train,
        Optional<Path> validation,
        double validationSplit,
        DataFormat format,
        String textField,
        String labelField,
        CsvConfig csv,
        Map<String, String> labelMap,
        boolean skipBadRecords,
        boolean shuffle,
        Path cacheDir) {

    /** Makes paths absolute, checks ranges, and that {@code auto} can tell each file's format. */
    static final String SECTION = "data";
    /** {@code data.train}: required. */
    public static final Key<Path> TRAIN = Key.path(SECTION, "train").documented("*(required)*");
    /** {@code data.validation}: none by default. */
    public static final Key<Path> VALIDATION = Key.path(SECTION, "validation");
    /** {@code data.validation_split}. */
    public static final Key<Double> VALIDATION_SPLIT =
            Key.number(SECTION, "validation_split", 0.1).checked(Checks::fraction);
    /** {@code data.format}. */
    public static final Key<DataFormat> FORMAT = Key.choice(SECTION, "format", DataFormat.class, DataFormat.AUTO);
    /** {@code data.text_field}. */
    public static final Key<String> TEXT_FIELD =
            Key.text(SECTION, "text_field", "text").checked(Checks::notBlank);
    /** {@code data.label_field}. */
    public static final Key<String> LABEL_FIELD =
            Key.text(SECTION, "label_field", "label").checked(Checks::notBlank);
    /** {@code data.csv}. */
    public static final Key<Void> CSV = Key.section(SECTION, "csv");
    /** {@code data.label_map}. */
    public static final Key<Map<String, String>> LABEL_MAP = Key.textMap(SECTION, "label_map", Map.of());
    /** {@code data.skip_bad_records}. */
    public static final Key<Boolean> SKIP_BAD_RECORDS = Key.bool(SECTION, "skip_bad_records", false);
    /** {@code data.shuffle}. */
    public static final Key<Boolean> SHUFFLE = Key.bool(SECTION, "shuffle", true);
    /** {@code data.cache_dir}: {@code cache} in the run folder by default. */
    public static final Key<Path> CACHE_DIR = Key.path(SECTION, "cache_dir").documented("<training.output_dir>/cache");

    static final Keys KEYS = Keys.of(
            SECTION,
            TRAIN,
            VALIDATION,
            VALIDATION_SPLIT,
            FORMAT,
            TEXT_FIELD,
            LABEL_FIELD,
            CSV,
            LABEL_MAP,
            SKIP_BAD_RECORDS,
            SHUFFLE,
            CACHE_DIR);

    private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);

    public DataConfig {
        train = Checks.absolute(TRAIN.path(), train);
        validation = VALIDATION.checkPresent(validation).map(p -> Checks.absolute(VALIDATION.path(), p));
        VALIDATION_SPLIT.check(validationSplit);
        FORMAT.check(format);
        TEXT_FIELD.check(textField);
        LABEL_FIELD.check(labelField);
        if (textField.equals(labelField)) {
            throw new ConfigException(
                    "data.label_field",
                    "data.label_field must differ from data.text_field, found " + Checks.quote(labelField)
                            + " for both");
        }
        Checks.notNull(CSV.path(), csv);
        LABEL_MAP.check(labelMap);
        for (Map.Entry<String, String> entry : labelMap.entrySet()) {
            String key = "data.label_map." + Checks.notNull("data.label_map key", entry.getKey());
            Checks.notBlank(key, entry.getValue());
        }
        labelMap = Collections.unmodifiableMap(new LinkedHashMap<>(labelMap));
        cacheDir = Checks.absolute(CACHE_DIR.path(), cacheDir);
        if (format == DataFormat.AUTO) {
            requireKnownExtension("data.train", train);
            validation.ifPresent(file -> requireKnownExtension("data.validation", file));
        }
    }

    private static void requireKnownExtension(String key, Path file) {
        // a folder or a device says more about the mistake than its missing extension
        Checks.notFolderOrDevice(key, file);
        if (DataFormat.fromExtension(file).isEmpty()) {
            throw new ConfigException(
                    key,
                    key + " must end in .jsonl, .json, .csv or .tsv when data.format is auto, " + "found " + file
                            + "; set data.format to jsonl or csv");
        }
    }

    /**
     * The documented defaults for a config file in {@code baseDir}: {@code data/train.jsonl} (which need not
     * exist), a 10% validation split, JSONL fields {@code text} and {@code label}, shuffled, cached under
     * {@code runs/default/cache}.
     *
     * @param baseDir the folder relative paths are resolved against
     * @return the default data settings
     */
    public static DataConfig defaults(Path baseDir) {
        Path base = baseDir.toAbsolutePath().normalize();
        return new DataConfig(
                base.resolve("data/train.jsonl"),
                Optional.empty(),
                VALIDATION_SPLIT.fallback(),
                FORMAT.fallback(),
                TEXT_FIELD.fallback(),
                LABEL_FIELD.fallback(),
                CsvConfig.defaults(),
                LABEL_MAP.fallback(),
                SKIP_BAD_RECORDS.fallback(),
                SHUFFLE.fallback(),
                base.resolve("runs/default/cache"));
    }

    static DataConfig read(YamlSection section, Path outputDir, Path file) {
        Path train = section.optional(TRAIN)
                .orElseThrow(() -> ConfigException.located(file, 0, TRAIN.path(), TRAIN.path() + " is required", null));
        CsvConfig csv = CsvConfig.read(section, train);
        Optional<Path> validation = section.optional(VALIDATION);
        if (validation.isPresent() && section.has(VALIDATION_SPLIT)) {
            LOG.warn("data.validation_split has no effect because data.validation is set");
        }
        double split = section.get(VALIDATION_SPLIT);
        if (validation.isEmpty() && split > 0.5) {
            LOG.warn(
                    "data.validation_split {} holds out {}% of the training data for validation: only the other {}% "
                            + "trains the model",
                    split, Math.round(split * 100), 100 - Math.round(split * 100));
        }
        return new DataConfig(
                train,
                validation,
                split,
                section.get(FORMAT),
                section.get(TEXT_FIELD),
                section.get(LABEL_FIELD),
                csv,
                section.optional(LABEL_MAP).orElse(LABEL_MAP.fallback()),
                section.get(SKIP_BAD_RECORDS),
                section.get(SHUFFLE),
                section.optional(CACHE_DIR).orElse(outputDir.resolve("cache")));
    }

    /**
     * The format {@code file} is read in: the configured one, or for {@code auto} the one its extension implies.
     *
     * @param file the training or validation file
     * @return {@link DataFormat#JSONL} or {@link DataFormat#CSV}
     * @throws ConfigException when the format is {@code auto} and the extension says nothing
     */
    public DataFormat formatOf(Path file) {
        if (format != DataFormat.AUTO) {
            return format;
        }
        return DataFormat.fromExtension(file)
                .orElseThrow(() -> new ConfigException(
                        "data.format",
                        "data.format is auto and " + file + " does not end in .jsonl, .json, .csv or .tsv"));
    }

    Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        TRAIN.put(map, train);
        VALIDATION.put(map, validation.orElse(null));
        VALIDATION_SPLIT.put(map, validationSplit);
        FORMAT.put(map, format);
        TEXT_FIELD.put(map, textField);
        LABEL_FIELD.put(map, labelField);
        map.put(CSV.name(), csv.toMap());
        LABEL_MAP.put(map, labelMap);
        SKIP_BAD_RECORDS.put(map, skipBadRecords);
        SHUFFLE.put(map, shuffle);
        CACHE_DIR.put(map, cacheDir);
        return map;
    }
}
