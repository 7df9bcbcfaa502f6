package org.trainguard.trainer.data;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How to read a CSV data file: which columns it has and which hold the text and the label.
 *
 * <p>Column names come from {@code columns} when it is not empty, otherwise from the header row.
 * With {@code header} true the first record is the header and is not data; when {@code columns} is
 * also given, the header only has to have the same number of fields (its names are ignored, which
 * lets a config rename columns of a file it does not control).
 *
 * @param header      whether the first record is a header row
 * @param columns     column names in file order; empty means "take them from the header"
 * @param textColumns columns whose values form the text, joined with {@code ". "} (empty ones are
 *                    left out)
 * @param labelColumn column holding the label
 * @param delimiter   field separator, usually {@code ','} (or {@code '\t'}, {@code ';'})
 */
public record CsvLayout(
        boolean header, List<String> columns, List<String> textColumns, String labelColumn, char delimiter) {

    /** Checks that the layout can be read at all; the header is checked against it when the file is read. */
    public CsvLayout {
        columns = List.copyOf(columns);
        textColumns = List.copyOf(textColumns);
        Objects.requireNonNull(labelColumn, "labelColumn");
        if (!header && columns.isEmpty()) {
            throw new IllegalArgumentException("csv.columns must be given when the file has no header row");
        }
        if (textColumns.isEmpty()) {
            throw new IllegalArgumentException("csv.text_columns must name at least one column");
        }
        if (labelColumn.isBlank()) {
            throw new IllegalArgumentException("csv.label_column must not be blank");
        }
        if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
            throw new IllegalArgumentException(
                    "csv.delimiter cannot be a quote or a line break, found " + printable(delimiter));
        }
        Set<String> seen = new HashSet<>();
        for (String column : columns) {
            if (!seen.add(column)) {
                throw new IllegalArgumentException("csv.columns names \"" + column + "\" twice: " + columns);
            }
        }
        if (!columns.isEmpty()) {
            for (String text : textColumns) {
                if (!columns.contains(text)) {
                    throw new IllegalArgumentException(
                            "csv.text_columns names \"" + text + "\", which is not in csv.columns " + columns);
                }
            }
            if (!columns.contains(labelColumn)) {
                throw new IllegalArgumentException(
                        "csv.label_column \"" + labelColumn + "\" is not in csv.columns " + columns);
            }
        }
    }

    /**
     * A comma-separated file whose header names a {@code text} and a {@code label} column, the CSV
     * twin of the default JSONL fields.
     */
    public static final CsvLayout DEFAULT = new CsvLayout(true, List.of(), List.of("text"), "label", ',');

    /**
     * A comma-separated file with a header row naming its columns.
     *
     * @param textColumns columns that form the text
     * @param labelColumn column holding the label
     * @return the layout
     */
    public static CsvLayout withHeader(List<String> textColumns, String labelColumn) {
        return new CsvLayout(true, List.of(), textColumns, labelColumn, ',');
    }

    static String printable(char c) {
        return switch (c) {
            case '\t' -> "'\\t'";
            case '\n' -> "'\\n'";
            case '\r' -> "'\\r'";
            default -> "'" + c + "'";
        };
    }
}
