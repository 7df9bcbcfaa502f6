package org.trainguard.watchdog.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stop requests by signal and by the stop file that {@code watchdog stop} writes. */
class StopRequestsTest {

    @Test
    void theFirstRequestCountsAndNamesItsSource(@TempDir Path dir) {
        StopRequests stops = new StopRequests(dir);
        assertFalse(stops.requested());
        assertTrue(stops.request("SIGTERM"));
        assertFalse(stops.request("SIGINT"), "a second request only waits for the first");
        assertTrue(stops.requested());
        assertEquals("SIGTERM", stops.source());
    }

    @Test
    void theStopFileIsARequestNamedAfterTheCommandAndIsRemovedAfterwards(@TempDir Path dir) throws Exception {
        StopRequests stops = new StopRequests(dir);
        Path file = dir.resolve(Supervisor.STOP_FILE);
        Files.writeString(file, "stop");
        assertTrue(stops.requested());
        assertEquals("watchdog stop", stops.source());
        stops.clearFile();
        assertFalse(Files.exists(file));
        stops.clearFile(); // a missing file is fine
    }
}
