package org.trainguard.trainer.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainguard.core.io.Json;

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

    private static final Logger LOG = LoggerFactory.getLogger(DataReader.class);

    /** How many bad line numbers the skip summary lists before "...". */
    private static final int LINES_LISTED = 5;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

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
        Collector collector = new Collector(spec);
        try (TextLines lines = new TextLines(file)) {
            if (format == DataSpec.Format.JSONL) {
                readJsonl(lines, collector);
            } else {
                readCsv(lines, collector);
            }
        } catch (NoSuchFileException e) {
            throw new DataFormatException(file, "file not found", e);
        } catch (IOException e) {
            throw new DataFormatException(file, "cannot be read: " + e, e);
        }
        return collector.finish(format);
    }

    private static void readJsonl(TextLines lines, Collector collector) throws IOException {
        while (true) {
            Optional<TextLines.Line> next;
            try {
                next = lines.next();
            } catch (TextLines.NotUtf8 e) {
                collector.bad(new DataFormatException(collector.file, e.number(), e.getMessage()));
                continue;
            }
            if (next.isEmpty()) {
                return;
            }
            TextLines.Line line = next.get();
            if (line.text().isBlank()) {
                continue;
            }
            try {
                collector.add(parseJsonLine(line, collector));
            } catch (DataFormatException e) {
                collector.bad(e);
            }
        }
    }

    private static Example parseJsonLine(TextLines.Line line, Collector collector) {
        Path file = collector.file;
        DataSpec spec = collector.spec;
        JsonNode node;
        try {
            node = JSON.readTree(line.text());
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null
                    ? ""
                    : " at column " + e.getLocation().getColumnNr();
            String problem = Json.problem(e).replaceAll(" \\(line \\d+, column \\d+\\)$", "");
            throw new DataFormatException(file, line.number(), "malformed JSON" + where + ": " + problem, e);
        }
        if (!node.isObject()) {
            throw new DataFormatException(file, line.number(), "expected a JSON object, found " + kind(node));
        }
        JsonNode textNode = node.get(spec.textField());
        if (textNode == null || textNode.isNull()) {
            throw new DataFormatException(file, line.number(), "missing field \"" + spec.textField() + "\"");
        }
        if (!textNode.isTextual()) {
            throw new DataFormatException(
                    file,
                    line.number(),
                    "field \"" + spec.textField() + "\" must be a string, found " + kind(textNode) + " " + textNode);
        }
        String text = textNode.textValue();
        if (text.isBlank()) {
            throw new DataFormatException(file, line.number(), "field \"" + spec.textField() + "\" is blank");
        }
        JsonNode labelNode = node.get(spec.labelField());
        if (labelNode == null || labelNode.isNull()) {
            throw new DataFormatException(file, line.number(), "missing field \"" + spec.labelField() + "\"");
        }
        String rawLabel;
        if (labelNode.isTextual()) {
            rawLabel = labelNode.textValue();
        } else if (labelNode.isIntegralNumber()) {
            rawLabel = labelNode.asText();
        } else {
            throw new DataFormatException(
                    file,
                    line.number(),
                    "field \"" + spec.labelField() + "\" must be a string or an integer, found " + kind(labelNode) + " "
                            + labelNode);
        }
        if (rawLabel.isBlank()) {
            throw new DataFormatException(file, line.number(), "field \"" + spec.labelField() + "\" is blank");
        }
        return new Example(text, collector.labelIndex(rawLabel, line.number()));
    }

    private static String kind(JsonNode node) {
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static void readCsv(TextLines lines, Collector collector) throws IOException {
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
            CsvReader.Row row, List<String> columns, int[] textAt, int labelAt, Collector collector) {
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

    /** Gathers examples and, in skip mode, the bad records. */
    private static final class Collector {
        final DataSpec spec;
        final Path file;
        final List<Example> examples = new ArrayList<>();
        final List<Integer> badLines = new ArrayList<>();
        /** Labels in the data that match a configured label only when case is ignored: spelling -> first line, count. */
        final Map<String, int[]> caseFolded = new java.util.LinkedHashMap<>();

        DataFormatException firstBad;
        int skipped;

        Collector(DataSpec spec) {
            this.spec = spec;
            this.file = spec.file();
        }

        void add(Example example) {
            examples.add(example);
        }

        void bad(DataFormatException e) {
            if (!spec.skipBadRecords()) {
                throw e;
            }
            skipped++;
            if (firstBad == null) {
                firstBad = e;
            }
            if (badLines.size() < LINES_LISTED) {
                e.line().ifPresent(badLines::add);
            }
        }

        int labelIndex(String raw, int line) {
            String value = raw.strip();
            String mapped = spec.labelMap().get(value);
            if (mapped != null) {
                return spec.labels().indexOf(mapped);
            }
            int exact = spec.labels().indexOf(value);
            if (exact >= 0) {
                return exact;
            }
            for (int i = 0; i < spec.labels().size(); i++) {
                if (spec.labels().get(i).equalsIgnoreCase(value)) {
                    caseFolded.computeIfAbsent(value, v -> new int[] {line, 0})[1]++;
                    return i;
                }
            }
            String known = String.join(", ", spec.labels());
            if (!spec.labelMap().isEmpty()) {
                known += "; mapped: "
                        + String.join(
                                ", ", spec.labelMap().keySet().stream().sorted().toList());
            }
            throw new DataFormatException(file, line, "unknown label \"" + value + "\" (known: " + known + ")");
        }

        LabeledData finish(DataSpec.Format format) {
            if (examples.isEmpty()) {
                if (skipped == 0) {
                    throw new DataFormatException(file, "has no records");
                }
                throw new DataFormatException(
                        file, "has no usable records: all " + skipped + " were bad; first: " + firstBad.getMessage());
            }
            if (skipped > 0) {
                LOG.warn(
                        "Skipped {} bad records of {} in {} (lines {}{}); first: {}",
                        skipped,
                        skipped + examples.size(),
                        file,
                        badLines,
                        skipped > badLines.size() ? " ..." : "",
                        firstBad.getMessage());
            }
            caseFolded.forEach((spelling, seen) -> {
                String label = spec.labels().stream()
                        .filter(spelling::equalsIgnoreCase)
                        .findFirst()
                        .orElseThrow();
                LOG.warn(
                        "{}:{}: label \"{}\" ({} records) is read as {}: labels match without regard to case; write {} "
                                + "or map it in data.label_map to make this explicit",
                        file,
                        seen[0],
                        spelling,
                        seen[1],
                        label,
                        label);
            });
            LabeledData data = new LabeledData(examples, spec.labels(), skipped, file);
            int[] counts = data.countsPerLabel();
            long present = java.util.Arrays.stream(counts).filter(c -> c > 0).count();
            if (present == 1 && spec.labels().size() > 1) {
                int only = java.util.stream.IntStream.range(0, counts.length)
                        .filter(i -> counts[i] > 0)
                        .findFirst()
                        .orElseThrow();
                LOG.warn(
                        "{} holds examples of one label only ({} {}): a classifier trained on it can only ever "
                                + "predict {}",
                        file,
                        spec.labels().get(only),
                        counts[only],
                        spec.labels().get(only));
            }
            StringJoiner perLabel = new StringJoiner(", ");
            if (counts.length > 50) {
                // one line per log event: thousands of labels are summarized
                var stats = java.util.Arrays.stream(counts).summaryStatistics();
                perLabel.add(counts.length + " labels, " + present + " with examples, " + stats.getMin() + " to "
                        + stats.getMax() + " examples each");
            } else {
                for (int i = 0; i < counts.length; i++) {
                    perLabel.add(spec.labels().get(i) + " " + counts[i]);
                }
            }
            LOG.info("Read {} examples from {} ({}; {})", examples.size(), file, format, perLabel);
            return data;
        }
    }
}
