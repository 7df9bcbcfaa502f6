package org.trainguard.trainer.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.trainguard.core.io.Json;

/**
 * Texts to classify, read one by one from a JSONL file (one {@code {"text": ...}} object or JSON
 * string per line; blank lines are kept as blank items, so that results line up with the input) or
 * a CSV file with a header row (one item per record, from the named column).
 */
public final class InputTexts implements Closeable {

    /**
     * One input.
     *
     * @param line the 1-based line it starts on
     * @param text the text, or null for a blank line (or an empty CSV field)
     */
    public record Item(int line, String text) {}

    private final Path file;
    private final String field;
    private final TextLines lines;
    private final CsvReader csv;
    private int column = -1;

    private InputTexts(Path file, String field, boolean isCsv) throws IOException {
        this.file = file;
        this.field = field;
        this.lines = new TextLines(file);
        this.csv = isCsv ? new CsvReader(lines, ',') : null;
    }

    /**
     * Opens a file: CSV when its name ends with {@code .csv}, JSONL otherwise.
     *
     * @param file the file
     * @param field the JSON field or CSV column that holds the text
     * @return the reader
     * @throws IOException when the file cannot be opened
     */
    public static InputTexts open(Path file, String field) throws IOException {
        return new InputTexts(
                file,
                field,
                file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv"));
    }

    /** @return whether items are CSV records rather than lines */
    public boolean csv() {
        return csv != null;
    }

    /**
     * The next item, or empty at the end of the file.
     *
     * @return the item
     * @throws DataFormatException when a line is not UTF-8, not JSON, has no text, or a CSV record is
     *     malformed (the message names the file and line)
     * @throws IOException when the file cannot be read
     */
    public Optional<Item> next() throws IOException {
        try {
            return csv == null ? nextJson() : nextCsv();
        } catch (TextLines.NotUtf8 e) {
            throw new DataFormatException(file, e.number(), e.getMessage());
        } catch (CsvReader.SyntaxError e) {
            throw new DataFormatException(file, e.line(), e.getMessage());
        }
    }

    private Optional<Item> nextJson() throws IOException, TextLines.NotUtf8 {
        Optional<TextLines.Line> next = lines.next();
        if (next.isEmpty()) {
            return Optional.empty();
        }
        TextLines.Line line = next.get();
        if (line.text().isBlank()) {
            return Optional.of(new Item(line.number(), null));
        }
        JsonNode node;
        try {
            node = Json.mapper().readTree(line.text());
        } catch (JsonProcessingException e) {
            throw new DataFormatException(file, line.number(), "is not valid JSON: " + e.getOriginalMessage());
        }
        if (node != null && node.isTextual()) {
            return Optional.of(new Item(line.number(), node.asText()));
        }
        if (node == null || !node.isObject() || !node.path(field).isTextual()) {
            throw new DataFormatException(
                    file,
                    line.number(),
                    "expected an object with a \"" + field + "\" string (or a JSON string), found "
                            + (node == null ? "nothing" : abbreviate(node.toString())));
        }
        String text = node.get(field).asText();
        return Optional.of(new Item(line.number(), text.isBlank() ? null : text));
    }

    private Optional<Item> nextCsv() throws IOException, TextLines.NotUtf8, CsvReader.SyntaxError {
        if (column < 0) {
            Optional<CsvReader.Row> header = csv.next();
            if (header.isEmpty()) {
                throw new DataFormatException(file, "has no records (not even the header row)");
            }
            List<String> names =
                    header.get().fields().stream().map(String::strip).toList();
            column = names.indexOf(field);
            if (column < 0) {
                throw new DataFormatException(
                        file,
                        header.get().line(),
                        "the header row has no column \"" + field + "\" (columns: " + String.join(", ", names)
                                + "); name the text column with --text-field");
            }
        }
        Optional<CsvReader.Row> row = csv.next();
        if (row.isEmpty()) {
            return Optional.empty();
        }
        List<String> fields = row.get().fields();
        if (fields.size() <= column) {
            throw new DataFormatException(
                    file,
                    row.get().line(),
                    "the record has " + fields.size() + " fields, the header names " + (column + 1) + " or more");
        }
        String text = fields.get(column);
        return Optional.of(new Item(row.get().line(), text.isBlank() ? null : text));
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    @Override
    public void close() throws IOException {
        lines.close();
    }
}
