package org.trainguard.trainer.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.trainguard.core.io.Json;

/**
 * The JSONL part of {@link DataReader}: one JSON object per line with the spec's text and label
 * fields; other fields are ignored, blank lines are skipped, the label may be a string or an integer.
 */
final class JsonlRecords {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private JsonlRecords() {}

    static void read(TextLines lines, RecordCollector collector) throws IOException {
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

    private static Example parseJsonLine(TextLines.Line line, RecordCollector collector) {
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
}
