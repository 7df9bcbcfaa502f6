package org.trainguard.core.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

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
public record DataConfig(Path train, Optional<Path> validation, double validationSplit, DataFormat format,
                         String textField, String labelField, CsvConfig csv, Map<String, String> labelMap,
                         boolean skipBadRecords, boolean shuffle, Path cacheDir) {

    /** Makes paths absolute, checks ranges, and that {@code auto} can tell each file's format. */
    public DataConfig {
        train = Checks.absolute("data.train", train);
        validation = Checks.notNull("data.validation", validation).map(p -> Checks.absolute("data.validation", p));
        Checks.fraction("data.validation_split", validationSplit);
        Checks.notNull("data.format", format);
        Checks.notBlank("data.text_field", textField);
        Checks.notBlank("data.label_field", labelField);
        if (textField.equals(labelField)) {
            throw new ConfigException("data.label_field", "data.label_field must differ from data.text_field, found "
                    + Checks.quote(labelField) + " for both");
        }
        Checks.notNull("data.csv", csv);
        Checks.notNull("data.label_map", labelMap);
        for (Map.Entry<String, String> entry : labelMap.entrySet()) {
            String key = "data.label_map." + Checks.notNull("data.label_map key", entry.getKey());
            Checks.notBlank(key, entry.getValue());
        }
        labelMap = Collections.unmodifiableMap(new LinkedHashMap<>(labelMap));
        cacheDir = Checks.absolute("data.cache_dir", cacheDir);
        if (format == DataFormat.AUTO) {
            requireKnownExtension("data.train", train);
            validation.ifPresent(file -> requireKnownExtension("data.validation", file));
        }
    }

    private static void requireKnownExtension(String key, Path file) {
        // a folder or a device says more about the mistake than its missing extension
        Checks.notFolderOrDevice(key, file);
        if (DataFormat.fromExtension(file).isEmpty()) {
            throw new ConfigException(key, key + " must end in .jsonl, .json, .csv or .tsv when data.format is auto, "
                    + "found " + file + "; set data.format to jsonl or csv");
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
        return new DataConfig(base.resolve("data/train.jsonl"), Optional.empty(), 0.1, DataFormat.AUTO, "text",
                "label", CsvConfig.defaults(), Map.of(), false, true, base.resolve("runs/default/cache"));
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
        return DataFormat.fromExtension(file).orElseThrow(() -> new ConfigException("data.format",
                "data.format is auto and " + file + " does not end in .jsonl, .json, .csv or .tsv"));
    }

    Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("train", train.toString());
        map.put("validation", validation.map(Path::toString).orElse(null));
        map.put("validation_split", validationSplit);
        map.put("format", Checks.yamlName(format));
        map.put("text_field", textField);
        map.put("label_field", labelField);
        map.put("csv", csv.toMap());
        map.put("label_map", new LinkedHashMap<>(labelMap));
        map.put("skip_bad_records", skipBadRecords);
        map.put("shuffle", shuffle);
        map.put("cache_dir", cacheDir.toString());
        return map;
    }
}
