package org.trainguard.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({
        "250ms, 250",
        "30s, 30000",
        "5m, 300000",
        "1h, 3600000",
        "1h30m, 5400000",
        "2d, 172800000",
        "1d2h3m4s5ms, 93784005",
        "90, 90000",
        "0, 0",
        "' 45s ', 45000",
    })
    void readsEveryUnitAndBareSeconds(String text, long millis) {
        assertEquals(Duration.ofMillis(millis), Durations.parse("watchdog.check_interval", text));
    }

    @Test
    void readsWholeNumbersAsSeconds() {
        assertEquals(Duration.ofSeconds(90), Durations.parse("k", 90));
        assertEquals(Duration.ofSeconds(90), Durations.parse("k", 90L));
        assertEquals(Duration.ofMinutes(2), Durations.parse("k", Duration.ofMinutes(2)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "5 minutes", "1.5h", "30m1h", "5m5m", "-5s", "5x", "m", "1h 30m", "ms"})
    void rejectsTextThatIsNotADuration(String text) {
        ConfigException error =
                assertThrows(ConfigException.class, () -> Durations.parse("session.autosave_interval", text));
        assertEquals("session.autosave_interval", error.key());
        assertEquals(
                "session.autosave_interval must be a duration like 250ms, 30s, 5m, 1h30m or 2d, found \"" + text + "\"",
                error.getMessage());
    }

    @Test
    void rejectsNegativeNumbersAndOtherTypes() {
        assertEquals(
                "k must be a duration like 250ms, 30s, 5m, 1h30m or 2d, found -5",
                assertThrows(ConfigException.class, () -> Durations.parse("k", -5))
                        .getMessage());
        assertEquals(
                "k must be a duration like 250ms, 30s, 5m, 1h30m or 2d, found 1.5",
                assertThrows(ConfigException.class, () -> Durations.parse("k", 1.5))
                        .getMessage());
        assertEquals(
                "k must be a duration like 250ms, 30s, 5m, 1h30m or 2d, found null",
                assertThrows(ConfigException.class, () -> Durations.parse("k", null))
                        .getMessage());
    }

    @Test
    void rejectsDurationsTooLongToHold() {
        ConfigException error = assertThrows(ConfigException.class, () -> Durations.parse("k", "999999999999999999d"));
        assertEquals("k must be at most 365d, found \"999999999999999999d\"", error.getMessage());
        // near Long.MAX_VALUE these used to pass and overflow later, when added to a clock time
        assertEquals(
                "k must be at most 365d, found 9223372036854775807s",
                assertThrows(ConfigException.class, () -> Durations.parse("k", Long.MAX_VALUE))
                        .getMessage());
        assertEquals(
                "k must be at most 365d, found \"366d\"",
                assertThrows(ConfigException.class, () -> Durations.parse("k", "366d"))
                        .getMessage());
        assertEquals(Durations.MAX, Durations.parse("k", "365d"));
    }

    @ParameterizedTest
    @CsvSource({
        "0, 0s",
        "250, 250ms",
        "1500, 1s500ms",
        "300000, 5m",
        "5400000, 1h30m",
        "172800000, 2d",
        "93784005, 1d2h3m4s5ms",
        "-90000, -1m30s",
    })
    void writesLargestUnitsFirst(long millis, String text) {
        assertEquals(text, Durations.format(Duration.ofMillis(millis)));
    }

    @Test
    void formatDropsPartsBelowAMillisecond() {
        assertEquals("1s", Durations.format(Duration.ofSeconds(1).plusNanos(999)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"250ms", "30s", "5m", "1h30m", "2d", "3d23h59m59s999ms"})
    void formatReadsBackAsTheSameText(String text) {
        assertEquals(text, Durations.format(Durations.parse("k", text)));
    }
}
