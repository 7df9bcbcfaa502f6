package org.trainguard.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How CSV and TSV files are read ({@code data.csv}).
 *
 * @param header      whether the first row names the columns
 * @param columns     the column names when {@code header} is false (then required); empty when it is true
 * @param textColumns the columns whose values make up the text, joined with {@code ". "} in this order; at least
 *                    one
 * @param labelColumn the column holding the label
 * @param delimiter   the field separator: a single character other than a quote or a line break
 */
public record CsvConfig(
        boolean header, List<String> columns, List<String> textColumns, String labelColumn, char delimiter) {

    /** Checks the column names and, without a header row, that every named column is among {@code columns}. */
    static final String SECTION = "data.csv";
    /** {@code data.csv.header}. */
    public static final Key<Boolean> HEADER = Key.bool(SECTION, "header", true);
    /** {@code data.csv.columns}. */
    public static final Key<List<String>> COLUMNS = Key.texts(SECTION, "columns", List.of());
    /** {@code data.csv.text_columns}. */
    public static final Key<List<String>> TEXT_COLUMNS = Key.texts(SECTION, "text_columns", List.of("text"));
    /** {@code data.csv.label_column}. */
    public static final Key<String> LABEL_COLUMN =
            Key.text(SECTION, "label_column", "label").checked(Checks::notBlank);
    /** {@code data.csv.delimiter}: a comma, or a tab for a {@code .tsv} file. */
    public static final Key<String> DELIMITER =
            Key.text(SECTION, "delimiter", ",").documented("\",\", or a tab for .tsv files");

    static final Keys KEYS = Keys.of(SECTION, HEADER, COLUMNS, TEXT_COLUMNS, LABEL_COLUMN, DELIMITER);

    public CsvConfig {
        columns = Checks.uniqueNames(COLUMNS.path(), columns);
        textColumns = Checks.uniqueNames(TEXT_COLUMNS.path(), textColumns);
        if (textColumns.isEmpty()) {
            throw new ConfigException("data.csv.text_columns", "data.csv.text_columns must name at least one column");
        }
        LABEL_COLUMN.check(labelColumn);
        if (textColumns.contains(labelColumn)) {
            throw new ConfigException(
                    "data.csv.label_column",
                    "data.csv.label_column must not be one of " + "data.csv.text_columns, found "
                            + Checks.quote(labelColumn));
        }
        if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
            throw new ConfigException(
                    "data.csv.delimiter",
                    "data.csv.delimiter must not be a quote or a line " + "break, found "
                            + Checks.quote(String.valueOf(delimiter)));
        }
        if (header && !columns.isEmpty()) {
            throw new ConfigException(
                    "data.csv.columns",
                    "data.csv.columns is only used when data.csv.header is " + "false, found " + columns);
        }
        if (!header) {
            if (columns.isEmpty()) {
                throw new ConfigException(
                        "data.csv.columns", "data.csv.columns must name the columns when data.csv.header is false");
            }
            for (int i = 0; i < textColumns.size(); i++) {
                requireColumn("data.csv.text_columns[" + i + "]", textColumns.get(i), columns);
            }
            requireColumn("data.csv.label_column", labelColumn, columns);
        }
    }

    private static void requireColumn(String key, String column, List<String> columns) {
        if (!columns.contains(column)) {
            throw new ConfigException(
                    key,
                    key + " must be one of data.csv.columns " + String.join(", ", columns) + ", found "
                            + Checks.quote(column) + Suggestions.didYouMean(column, columns, ""));
        }
    }

    /**
     * The documented defaults: a header row, text in column {@code text}, label in column {@code label}, commas.
     *
     * @return the default CSV settings
     */
    public static CsvConfig defaults() {
        return new CsvConfig(
                HEADER.fallback(),
                COLUMNS.fallback(),
                TEXT_COLUMNS.fallback(),
                LABEL_COLUMN.fallback(),
                DELIMITER.fallback().charAt(0));
    }

    /** {@code data.csv}; a {@code .tsv} training file is tab-separated unless the config says otherwise. */
    static CsvConfig read(YamlSection data, Path train) {
        YamlSection section = data.section(KEYS);
        String tsv =
                train.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".tsv") ? "\t" : DELIMITER.fallback();
        String delimiter = section.get(DELIMITER, tsv);
        if (delimiter.length() != 1) {
            throw new ConfigException(
                    DELIMITER.path(), DELIMITER.path() + " must be one character, found " + Checks.quote(delimiter));
        }
        return new CsvConfig(
                section.get(HEADER),
                section.get(COLUMNS),
                section.get(TEXT_COLUMNS),
                section.get(LABEL_COLUMN),
                delimiter.charAt(0));
    }

    Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        HEADER.put(map, header);
        COLUMNS.put(map, columns);
        TEXT_COLUMNS.put(map, textColumns);
        LABEL_COLUMN.put(map, labelColumn);
        DELIMITER.put(map, String.valueOf(delimiter));
        return map;
    }
}
