package org.trainguard.trainer.eval;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The one JSON dialect of metrics.jsonl.
 *
 * <p>A diverged run has a NaN loss, and that is exactly the line a reader most needs to see, so
 * non-finite numbers are written bare ({@code NaN}, {@code Infinity}) the way Python's
 * {@code json.dumps} writes them, and read back as doubles. Quoting them would turn a number into a
 * string that plotting code then has to special-case.
 */
final class MetricsJson {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private static final TypeReference<Map<String, Object>> MAP_TYPE = new TypeReference<>() {};

    private MetricsJson() {}

    /** Writes one object as a single line of JSON. */
    static String write(Map<String, Object> map) {
        try {
            return MAPPER.writeValueAsString(map);
        } catch (JsonProcessingException e) {
            // Only maps of strings, numbers, lists and maps reach here; failing means a programming error.
            throw new UncheckedIOException("cannot write metrics as JSON: " + map, e);
        }
    }

    /**
     * Reads one line as a JSON object.
     *
     * @throws JsonProcessingException when the line is not one complete JSON object
     */
    static Map<String, Object> readObject(String line) throws JsonProcessingException {
        Map<String, Object> map = MAPPER.readValue(line, MAP_TYPE);
        if (map == null) {
            throw new JsonParseException(null, "expected a JSON object, found null");
        }
        return map;
    }
}
