package org.trainguard.config;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/** How a data file is read ({@code data.format}). */
public enum DataFormat {
    /** Chosen from each file's extension: {@code .jsonl}/{@code .json} are JSONL, {@code .csv}/{@code .tsv} CSV. */
    AUTO,
    /** One JSON object per line. */
    JSONL,
    /** Delimited text (CSV or TSV), laid out as {@code data.csv} says. */
    CSV;

    /**
     * The format a file's extension implies.
     *
     * @param file a data file
     * @return {@link #JSONL} or {@link #CSV}, or empty when the extension is none of .jsonl, .json, .csv, .tsv
     */
    public static Optional<DataFormat> fromExtension(Path file) {
        Path name = file.getFileName();
        String lower = name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
        if (lower.endsWith(".jsonl") || lower.endsWith(".json")) {
            return Optional.of(JSONL);
        }
        if (lower.endsWith(".csv") || lower.endsWith(".tsv")) {
            return Optional.of(CSV);
        }
        return Optional.empty();
    }
}
