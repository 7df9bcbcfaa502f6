package org.trainguard.trainer.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * The CSV part of {@link DataReader}: the header row (or the configured columns), then one example
 * per record, its text the configured text columns joined with {@code ". "}, leaving out empty ones.
 */
final class CsvRecords {

    private CsvRecords() {}

    static void read(TextLines lines, RecordCollector collector) throws IOException {
        Path file = collector.file;
        CsvLayout layout = collector.spec.csv();
        CsvReader reader = new CsvReader(lines, layout.delimiter());
        List<String> columns = layout.columns();
        if (layout.header()) {
            Optional<CsvReader.Row> header;
            try {
                header = reader.next();
            } catch (CsvReader.SyntaxError e) {
                throw new DataFormatException(file, e.line(), "header row: " + e.getMessage());
            } catch (TextLines.NotUtf8 e) {
                throw new DataFormatException(file, e.number(), "header row " + e.getMessage());
            }
            if (header.isEmpty()) {
                throw new DataFormatException(file, "has no records (not even the header row)");
            }
            List<String> names =
                    header.get().fields().stream().map(String::strip).toList();
            int headerLine = header.get().line();
            if (columns.isEmpty()) {
                columns = names;
                checkHeader(file, headerLine, layout, names);
            } else if (names.size() != columns.size()) {
                throw new DataFormatException(
                        file,
                        headerLine,
                        "header row has " + names.size() + " columns " + names + " but the configured columns are "
                                + columns.size() + " " + columns);
            }
        }
        int[] textAt = layout.textColumns().stream().mapToInt(columns::indexOf).toArray();
        int labelAt = columns.indexOf(layout.labelColumn());
        while (true) {
            Optional<CsvReader.Row> next;
            try {
                next = reader.next();
            } catch (CsvReader.SyntaxError e) {
                DataFormatException error = new DataFormatException(file, e.line(), e.getMessage());
                if (!e.recoverable()) {
                    throw error;
                }
                collector.bad(error);
                continue;
            } catch (TextLines.NotUtf8 e) {
                collector.bad(new DataFormatException(file, e.number(), e.getMessage()));
                continue;
            }
            if (next.isEmpty()) {
                return;
            }
            CsvReader.Row row = next.get();
            try {
                collector.add(csvExample(row, columns, textAt, labelAt, collector));
            } catch (DataFormatException e) {
                collector.bad(e);
            }
        }
    }

    private static void checkHeader(Path file, int line, CsvLayout layout, List<String> names) {
        Map<String, Integer> seen = new HashMap<>();
        for (String name : names) {
            if (seen.merge(name, 1, Integer::sum) > 1) {
                throw new DataFormatException(file, line, "header row names column \"" + name + "\" twice: " + names);
            }
        }
        for (String text : layout.textColumns()) {
            if (!seen.containsKey(text)) {
                throw new DataFormatException(
                        file, line, "text column \"" + text + "\" is not in the header row " + names);
            }
        }
        if (!seen.containsKey(layout.labelColumn())) {
            throw new DataFormatException(
                    file, line, "label column \"" + layout.labelColumn() + "\" is not in the header row " + names);
        }
    }

    private static Example csvExample(
            CsvReader.Row row, List<String> columns, int[] textAt, int labelAt, RecordCollector collector) {
        List<String> fields = row.fields();
        if (fields.size() != columns.size()) {
            throw new DataFormatException(
                    collector.file,
                    row.line(),
                    "has " + fields.size() + " columns, expected " + columns.size() + " " + columns);
        }
        StringJoiner text = new StringJoiner(". ");
        for (int at : textAt) {
            String part = fields.get(at).strip();
            if (!part.isEmpty()) {
                text.add(part);
            }
        }
        if (text.length() == 0) {
            throw new DataFormatException(
                    collector.file,
                    row.line(),
                    "text is blank (columns " + collector.spec.csv().textColumns() + " are all empty)");
        }
        String rawLabel = fields.get(labelAt);
        if (rawLabel.isBlank()) {
            throw new DataFormatException(
                    collector.file,
                    row.line(),
                    "label column \"" + collector.spec.csv().labelColumn() + "\" is blank");
        }
        return new Example(text.toString(), collector.labelIndex(rawLabel, row.line()));
    }
}
