package org.trainguard.trainer.data;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What to read and how: the file, its format, where text and label are, and the label names.
 *
 * @param file           the data file
 * @param format         {@link Format#JSONL}, {@link Format#CSV}, or {@link Format#AUTO} to decide by
 *                       the file extension
 * @param textField      JSONL: name of the text field (usually {@code text})
 * @param labelField     JSONL: name of the label field (usually {@code label})
 * @param csv            CSV: the column layout; ignored for JSONL (pass {@link CsvLayout#DEFAULT})
 * @param labelMap       raw label value to label name, tried before the names themselves (e.g. AG
 *                       News {@code "1" -> "World"}); may be empty
 * @param labels         label names; their order fixes the label indices
 * @param skipBadRecords skip and count malformed records instead of failing on the first one
 */
public record DataSpec(
        Path file,
        Format format,
        String textField,
        String labelField,
        CsvLayout csv,
        Map<String, String> labelMap,
        List<String> labels,
        boolean skipBadRecords) {

    /** The layout of a data file. */
    public enum Format {
        /** One JSON object per line. */
        JSONL,
        /** Comma (or other delimiter) separated values, RFC 4180 quoting. */
        CSV,
        /** Decide by extension: {@code .jsonl .ndjson .json} are JSONL, {@code .csv .tsv} CSV. */
        AUTO
    }

    /** Checks the spec; errors name the setting and the value found. */
    public DataSpec {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(textField, "textField");
        Objects.requireNonNull(labelField, "labelField");
        Objects.requireNonNull(csv, "csv");
        labelMap = Map.copyOf(labelMap);
        labels = List.copyOf(labels);
        if (textField.isBlank()) {
            throw new IllegalArgumentException("data.text_field must not be blank");
        }
        if (labelField.isBlank()) {
            throw new IllegalArgumentException("data.label_field must not be blank");
        }
        if (labels.size() < 2) {
            throw new IllegalArgumentException("labels must name at least 2 classes, found " + labels);
        }
        Set<String> seen = new HashSet<>();
        for (String label : labels) {
            if (label.isBlank()) {
                throw new IllegalArgumentException("labels must not contain a blank name, found " + labels);
            }
            if (!seen.add(label.toUpperCase(Locale.ROOT))) {
                throw new IllegalArgumentException(
                        "labels names \"" + label + "\" twice (names are compared " + "ignoring case): " + labels);
            }
        }
        for (Map.Entry<String, String> entry : labelMap.entrySet()) {
            if (!labels.contains(entry.getValue())) {
                throw new IllegalArgumentException("label_map maps \"" + entry.getKey() + "\" to \"" + entry.getValue()
                        + "\", which is not one of the labels " + labels);
            }
        }
    }

    /**
     * A JSONL file with {@code text} and {@code label} fields, failing on the first bad record.
     *
     * @param file   the data file
     * @param labels label names
     * @return the spec
     */
    public static DataSpec jsonl(Path file, List<String> labels) {
        return new DataSpec(file, Format.JSONL, "text", "label", CsvLayout.DEFAULT, Map.of(), labels, false);
    }

    /**
     * A CSV file with the given layout, failing on the first bad record.
     *
     * @param file     the data file
     * @param layout   its columns
     * @param labelMap raw label value to label name; may be empty
     * @param labels   label names
     * @return the spec
     */
    public static DataSpec csv(Path file, CsvLayout layout, Map<String, String> labelMap, List<String> labels) {
        return new DataSpec(file, Format.CSV, "text", "label", layout, labelMap, labels, false);
    }

    /**
     * The same spec with bad records skipped (or not).
     *
     * @param skip whether to skip bad records
     * @return a copy with {@code skipBadRecords} set
     */
    public DataSpec withSkipBadRecords(boolean skip) {
        return new DataSpec(file, format, textField, labelField, csv, labelMap, labels, skip);
    }

    /**
     * The format to read with: {@link #format()} unless it is {@link Format#AUTO}, then the one the
     * file extension names.
     *
     * @return JSONL or CSV
     * @throws DataFormatException when AUTO cannot tell from the extension
     */
    public Format resolvedFormat() {
        if (format != Format.AUTO) {
            return format;
        }
        String name =
                file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".json")) {
            return Format.JSONL;
        }
        if (name.endsWith(".csv") || name.endsWith(".tsv")) {
            return Format.CSV;
        }
        throw new DataFormatException(
                file, "cannot tell the format from the file extension; " + "set the data format to jsonl or csv");
    }
}
