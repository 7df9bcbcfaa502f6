package org.trainguard.trainer.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsLogTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-05-10T22:28:01.250Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private final EvalResult eval =
            EvaluatorTest.moderationEvaluator().evaluate(20, EvaluatorTest.TRUE, EvaluatorTest.PRED, 0.75);

    @Test
    void linesRoundTripWithTypeAndUtcTime() throws IOException {
        Path file = dir.resolve("run/metrics.jsonl");
        try (MetricsLog log = new MetricsLog(file, CLOCK)) {
            log.appendTrain(10, 0, 1.25, 1e-4, 512.5);
            log.appendEval(eval);
            log.appendTrain(30, 1, Double.NaN, 5e-5, 480.0);
        }

        List<String> raw = Files.readAllLines(file);
        assertEquals(
                "{\"type\":\"train\",\"time\":\"2024-05-10T22:28:01.250Z\",\"step\":10,\"epoch\":0,"
                        + "\"loss\":1.25,\"learning_rate\":1.0E-4,\"samples_per_second\":512.5}",
                raw.get(0));
        assertTrue(
                raw.get(1).startsWith("{\"type\":\"eval\",\"time\":\"2024-05-10T22:28:01.250Z\",\"step\":20,"),
                raw.get(1));

        List<Map<String, Object>> lines = MetricsLog.read(file);
        assertEquals(3, lines.size());
        assertEquals("train", lines.get(0).get("type"));
        assertEquals(1e-4, ((Number) lines.get(0).get("learning_rate")).doubleValue());
        assertEquals(Instant.parse("2024-05-10T22:28:01.250Z"), Instant.parse((String)
                lines.get(1).get("time")));
        assertEquals(eval, EvalResult.fromMap(lines.get(1)));
        assertTrue(Double.isNaN(((Number) lines.get(2).get("loss")).doubleValue()));
    }

    @Test
    void eachLineReachesTheFileBeforeClose() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        try (MetricsLog log = new MetricsLog(file, CLOCK)) {
            log.appendTrain(1, 0, 1.0, 1e-3, 10.0);
            assertEquals(1, MetricsLog.read(file).size());
            log.appendTrain(2, 0, 0.9, 1e-3, 10.0);
            assertEquals(2, MetricsLog.read(file).size());
        }
    }

    @Test
    void truncatedLastLineIsIgnoredOnReadAndCutOffOnNextAppend() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        try (MetricsLog log = new MetricsLog(file, CLOCK)) {
            log.appendTrain(10, 0, 1.25, 1e-4, 512.5);
            log.appendEval(eval);
        }
        // A crash in the middle of writing the next line, cutting a multi-byte character in half.
        byte[] partial = "{\"type\":\"train\",\"note\":\"\u00e9".getBytes(StandardCharsets.UTF_8);
        byte[] cut = java.util.Arrays.copyOf(partial, partial.length - 1);
        Files.write(file, cut, StandardOpenOption.APPEND);

        List<Map<String, Object>> afterCrash = MetricsLog.read(file);
        assertEquals(2, afterCrash.size());
        assertEquals(eval, EvalResult.fromMap(afterCrash.get(1)));

        try (MetricsLog resumed = new MetricsLog(file, CLOCK)) {
            resumed.appendTrain(11, 0, 1.2, 1e-4, 500.0);
        }
        List<String> raw = Files.readAllLines(file);
        assertEquals(3, raw.size(), "the fragment is gone, the new line stands on its own");
        assertTrue(raw.get(2).startsWith("{\"type\":\"train\",\"time\":"), raw.get(2));
        assertEquals(11, ((Number) MetricsLog.read(file).get(2).get("step")).intValue());
    }

    @Test
    void completeLastLineWithoutLineBreakIsKept() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        Files.writeString(file, "{\"type\":\"train\",\"step\":1}");
        try (MetricsLog log = new MetricsLog(file, CLOCK)) {
            log.appendTrain(2, 0, 1.0, 1e-3, 10.0);
        }
        List<Map<String, Object>> lines = MetricsLog.read(file);
        assertEquals(2, lines.size());
        assertEquals(1, lines.get(0).get("step"));
        assertEquals(2, lines.get(1).get("step"));
    }

    @Test
    void damagedLineInTheMiddleIsAnErrorNamingTheLine() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        Files.writeString(file, "{\"type\":\"train\",\"step\":1}\n{\"type\":\"tr\n{\"type\":\"train\",\"step\":3}\n");
        IOException e = assertThrows(IOException.class, () -> MetricsLog.read(file));
        assertTrue(e.getMessage().contains("metrics.jsonl line 2"), e.getMessage());
    }

    @Test
    void missingFileReadsAsNoLinesAndNothingIsCreatedBeforeTheFirstAppend() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        assertEquals(List.of(), MetricsLog.read(file));
        new MetricsLog(file, CLOCK).close();
        assertTrue(Files.notExists(file));
    }

    @Test
    void appendAfterCloseFails() throws IOException {
        MetricsLog log = new MetricsLog(dir.resolve("metrics.jsonl"), CLOCK);
        log.close();
        assertThrows(IllegalStateException.class, () -> log.appendTrain(1, 0, 1.0, 1e-3, 1.0));
    }
}
