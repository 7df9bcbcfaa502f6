package org.trainguard.core.io;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** The one JSON mapping of trainguard's files: snake_case, ISO-8601 times, pretty-printed. */
public final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setSerializationInclusion(JsonInclude.Include.ALWAYS)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            // newer builds may add fields; the schema_version check guards real incompatibility
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {}

    /**
     * A JSON parser's or mapper's error in a person's words: Jackson's messages name its own classes, features
     * and source descriptions ({@code [Source: REDACTED (`StreamReadFeature...` disabled); line: 1, column: 9]}),
     * which mean nothing to a user.
     *
     * @param e the error, usually a {@link com.fasterxml.jackson.core.JsonProcessingException}
     * @return one line: what is wrong, with the line and column when known
     */
    public static String problem(Exception e) {
        String text = e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe
                ? jpe.getOriginalMessage()
                : e.getMessage();
        if (text == null) {
            return e.getClass().getSimpleName();
        }
        String clean = text.replaceAll("\\s*\\(start marker at \\[Source:[^\\]]*\\]\\)", "")
                .replaceAll("\\s*(at )?\\[Source:[^\\]]*\\]", "")
                .replaceAll(" \\(code -?\\d+\\)", "")
                .replaceAll("\\s*\\(for [a-zA-Z.$]+\\)", "")
                .replaceAll("`[a-zA-Z.$]+`", "")
                .replace("Unexpected end-of-input: expected close marker for Object", "the text ends inside an object")
                .replace("Unexpected end-of-input: expected close marker for Array", "the text ends inside a list")
                .replace("Unexpected end-of-input", "the text ends too early");
        int nl = clean.indexOf('\n');
        clean = (nl < 0 ? clean : clean.substring(0, nl)).strip();
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe
                && jpe.getLocation() != null
                && jpe.getLocation().getLineNr() > 0) {
            clean += " (line " + jpe.getLocation().getLineNr() + ", column "
                    + jpe.getLocation().getColumnNr() + ")";
        }
        return clean;
    }

    /** @return the shared, thread-safe mapper */
    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
