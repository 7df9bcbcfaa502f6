package org.trainguard.core.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
public record CsvConfig(boolean header, List<String> columns, List<String> textColumns, String labelColumn,
                        char delimiter) {

    /** Checks the column names and, without a header row, that every named column is among {@code columns}. */
    public CsvConfig {
        columns = Checks.uniqueNames("data.csv.columns", columns);
        textColumns = Checks.uniqueNames("data.csv.text_columns", textColumns);
        if (textColumns.isEmpty()) {
            throw new ConfigException("data.csv.text_columns", "data.csv.text_columns must name at least one column");
        }
        Checks.notBlank("data.csv.label_column", labelColumn);
        if (textColumns.contains(labelColumn)) {
            throw new ConfigException("data.csv.label_column", "data.csv.label_column must not be one of "
                    + "data.csv.text_columns, found " + Checks.quote(labelColumn));
        }
        if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
            throw new ConfigException("data.csv.delimiter", "data.csv.delimiter must not be a quote or a line "
                    + "break, found " + Checks.quote(String.valueOf(delimiter)));
        }
        if (header && !columns.isEmpty()) {
            throw new ConfigException("data.csv.columns", "data.csv.columns is only used when data.csv.header is "
                    + "false, found " + columns);
        }
        if (!header) {
            if (columns.isEmpty()) {
                throw new ConfigException("data.csv.columns",
                        "data.csv.columns must name the columns when data.csv.header is false");
            }
            for (int i = 0; i < textColumns.size(); i++) {
                requireColumn("data.csv.text_columns[" + i + "]", textColumns.get(i), columns);
            }
            requireColumn("data.csv.label_column", labelColumn, columns);
        }
    }

    private static void requireColumn(String key, String column, List<String> columns) {
        if (!columns.contains(column)) {
            throw new ConfigException(key, key + " must be one of data.csv.columns " + String.join(", ", columns)
                    + ", found " + Checks.quote(column) + Suggestions.didYouMean(column, columns, ""));
        }
    }

    /**
     * The documented defaults: a header row, text in column {@code text}, label in column {@code label}, commas.
     *
     * @return the default CSV settings
     */
    public static CsvConfig defaults() {
        return new CsvConfig(true, List.of(), List.of("text"), "label", ',');
    }

    Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("header", header);
        map.put("columns", new ArrayList<>(columns));
        map.put("text_columns", new ArrayList<>(textColumns));
        map.put("label_column", labelColumn);
        map.put("delimiter", String.valueOf(delimiter));
        return map;
    }
}
