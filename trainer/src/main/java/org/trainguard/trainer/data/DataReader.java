package org.trainguard.trainer.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads a labelled data file (JSONL or CSV) into {@link LabeledData}.
 *
 * <p>JSONL: one JSON object per line, e.g. {@code {"text": "...", "label": "DENY"}}; the field
 * names come from the spec, other fields are ignored, blank lines are skipped. The label may be a
 * string or an integer (AG News style {@code 1..4} through the label map).
 *
 * <p>CSV: RFC 4180 quoting; the text is the configured text columns joined with {@code ". "},
 * leaving out empty ones.
 *
 * <p>A raw label is looked up in the label map first, then among the label names (exactly, then
 * ignoring case). Every problem is a {@link DataFormatException} naming the file and line. With
 * {@link DataSpec#skipBadRecords()} bad records are skipped, counted and reported in one log line;
 * problems with the file as a whole (missing, empty, broken header, a quote that never closes)
 * still fail, as does a file in which no record was usable.
 */
public final class DataReader {

    private DataReader() {}

    /**
     * Reads every example of the spec's file.
     *
     * @param spec what to read and how
     * @return the examples with the spec's labels, in file order
     * @throws DataFormatException when the file is missing, empty or (without skipping) has a bad record
     */
    public static LabeledData read(DataSpec spec) {
        Path file = spec.file();
        if (Files.isDirectory(file)) {
            throw new DataFormatException(file, "is a directory, not a data file");
        }
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new DataFormatException(file, "is a pipe or a device, not a data file");
        }
        if (!Files.isRegularFile(file)) {
            throw new DataFormatException(file, "file not found");
        }
        DataSpec.Format format = spec.resolvedFormat();
        RecordCollector collector = new RecordCollector(spec);
        try (TextLines lines = new TextLines(file)) {
            if (format == DataSpec.Format.JSONL) {
                JsonlRecords.read(lines, collector);
            } else {
                CsvRecords.read(lines, collector);
            }
        } catch (NoSuchFileException e) {
            throw new DataFormatException(file, "file not found", e);
        } catch (IOException e) {
            throw new DataFormatException(file, "cannot be read: " + e, e);
        }
        return collector.finish(format);
    }
}
