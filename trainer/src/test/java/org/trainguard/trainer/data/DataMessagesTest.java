package org.trainguard.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Messages about data say what a person needs to know, in their words. */
class DataMessagesTest {

    private static final List<String> LABELS = List.of("ALLOW", "ESCALATION", "DENY", "REFUSE");

    @TempDir
    Path dir;

    private String warningsWhileReading(Path file) {
        Logger logger = (Logger) LoggerFactory.getLogger(DataReader.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            DataReader.read(DataSpec.jsonl(file, LABELS));
        } finally {
            logger.detachAppender(appender);
        }
        return appender.list.stream().map(ILoggingEvent::getFormattedMessage).collect(Collectors.joining("\n"));
    }

    @Test
    void aLabelMatchedOnlyWithoutRegardToCaseIsReported() throws Exception {
        Path file = Files.writeString(dir.resolve("t.jsonl"), """
                {"text": "a", "label": "DENY"}
                {"text": "b", "label": "allow"}
                {"text": "c", "label": "allow"}
                """);
        String warnings = warningsWhileReading(file);
        assertTrue(warnings.contains(file + ":2: label \"allow\" (2 records) is read as ALLOW"), warnings);
    }

    @Test
    void dataOfOneLabelOnlyIsReported() throws Exception {
        Path file = Files.writeString(dir.resolve("one.jsonl"), "{\"text\": \"a\", \"label\": \"DENY\"}\n".repeat(3));
        String warnings = warningsWhileReading(file);
        assertTrue(warnings.contains(file + " holds examples of one label only (DENY 3)"), warnings);
    }

    @Test
    void malformedJsonIsDescribedWithoutTheParsersInternals() throws Exception {
        Path file = Files.writeString(
                dir.resolve("bad.jsonl"), "{\"text\": \"a\", \"label\": \"DENY\"}\n{\"text\": \"x\"\n");
        DataFormatException e =
                assertThrows(DataFormatException.class, () -> DataReader.read(DataSpec.jsonl(file, LABELS)));
        assertEquals(file + ":2: malformed JSON at column 13: the text ends inside an object", e.getMessage());
        for (String internal : new String[] {"Source", "REDACTED", "StreamReadFeature", "code 1"}) {
            assertFalse(e.getMessage().contains(internal), e.getMessage());
        }
    }
}
