package org.trainguard.watchdog.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.core.io.Json;

class WatchdogStateTest {

    @TempDir
    Path dir;

    private static WatchdogState sample() {
        WatchdogState.LastFailure failure = WatchdogState.LastFailure.of(
                Instant.parse("2026-01-01T10:00:00Z"),
                OptionalInt.of(137),
                Optional.of("SIGKILL"),
                "killed by SIGKILL",
                OptionalLong.of(1200));
        return new WatchdogState(
                WatchdogState.SCHEMA_VERSION,
                11,
                "host-a",
                "/runs/train.yaml",
                Instant.parse("2026-01-01T09:00:00Z"),
                WatchdogState.Phase.SUPERVISING,
                22L,
                false,
                3,
                2,
                5,
                3,
                "4s",
                failure,
                "supervising trainer pid 22",
                false,
                null,
                Instant.parse("2026-01-01T10:00:05Z"));
    }

    @Test
    void writesSnakeCaseJsonAndReadsItBack() throws Exception {
        WatchdogState state = sample();
        WatchdogState.write(dir, state);
        JsonNode json =
                Json.mapper().readTree(dir.resolve(WatchdogState.FILE_NAME).toFile());
        assertEquals(11, json.get("watchdog_pid").asLong());
        assertEquals(22, json.get("supervising").asLong());
        assertEquals(3, json.get("budget_left").asInt());
        assertEquals("SIGKILL", json.get("last_failure").get("signal").asText());
        assertEquals(137, json.get("last_failure").get("exit_code").asInt());
        assertFalse(json.get("stopped_by_user").asBoolean());
        assertTrue(json.has("updated_at"));
        assertEquals(state, WatchdogState.read(dir).orElseThrow());
        assertEquals(OptionalLong.of(22), state.supervisedPid());
        assertEquals(
                "exit 137 (SIGKILL) at step 1200: killed by SIGKILL",
                state.lastFailure().describe());
    }

    @Test
    void stoppedByUserCopyKeepsTheHistory() {
        WatchdogState stopped = sample().stoppedByUser("none: stopped");
        assertTrue(stopped.stoppedByUser());
        assertEquals(WatchdogState.Phase.STOPPED, stopped.phase());
        assertTrue(stopped.supervisedPid().isEmpty());
        assertEquals(3, stopped.attempts());
        assertEquals("none: stopped", stopped.nextAction());
    }

    @Test
    void missingOrCorruptFileReadsAsEmpty() throws Exception {
        assertTrue(WatchdogState.read(dir).isEmpty());
        Files.writeString(dir.resolve(WatchdogState.FILE_NAME), "{ not json");
        assertTrue(WatchdogState.read(dir).isEmpty());
    }
}
