package org.trainguard.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The session file: written atomically, read back, and every way it can be missing or unreadable. */
class SessionStoreTest {

    private static SessionState state(long step) {
        return SessionState.builder("s1")
                .status(SessionStatus.RUNNING)
                .pid(42)
                .host("h")
                .configPath("c.yaml")
                .configSha256("abc")
                .step(step)
                .totalSteps(100)
                .build();
    }

    @Test
    void aWrittenStateReadsBackTheSame(@TempDir Path dir) throws Exception {
        SessionStore store = new SessionStore(dir);
        store.write(state(7));
        SessionStore.ReadResult r = store.read();
        assertFalse(r.corrupt());
        assertEquals("", r.problem());
        SessionState s = r.state().orElseThrow();
        assertEquals(7, s.step());
        assertEquals(SessionStatus.RUNNING, s.status());
        assertEquals("s1", s.sessionId());
        store.write(state(8));
        assertEquals(8, store.read().state().orElseThrow().step());
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file is left beside it");
        }
    }

    @Test
    void aMissingFileIsNoStateAndNotCorrupt(@TempDir Path dir) {
        SessionStore.ReadResult r = new SessionStore(dir).read();
        assertTrue(r.state().isEmpty());
        assertFalse(r.corrupt());
        assertEquals("no " + SessionStore.FILE_NAME + " in " + dir, r.problem());
    }

    @Test
    void aDamagedFileIsCorruptWithTheReason(@TempDir Path dir) throws Exception {
        SessionStore store = new SessionStore(dir);
        Files.writeString(store.file(), "{\"schema_version\": 1, \"step\": ");
        SessionStore.ReadResult r = store.read();
        assertTrue(r.corrupt());
        assertTrue(r.problem().startsWith(store.file() + " is corrupt: "), r.problem());

        Files.writeString(store.file(), "[]");
        assertEquals(
                store.file() + " is not a JSON object (2 bytes)", store.read().problem());

        Files.writeString(store.file(), "{\"step\": 3}");
        assertTrue(store.read().corrupt());
        assertTrue(
                store.read().problem().startsWith(store.file() + " has no valid schema_version, found "),
                store.read().problem());
    }

    @Test
    void aFileOfANewerSchemaIsRefusedWithTheAdviceToUpgrade(@TempDir Path dir) throws Exception {
        SessionStore store = new SessionStore(dir);
        Files.writeString(store.file(), "{\"schema_version\": " + (SessionState.SCHEMA_VERSION + 1) + "}");
        IllegalStateException e = assertThrows(IllegalStateException.class, store::read);
        assertTrue(e.getMessage().endsWith("upgrade trainguard"), e.getMessage());
    }

    @Test
    void theReserveHoldsItsSpaceOnceAndAnEndWriteWorksBesideIt(@TempDir Path dir) throws Exception {
        SessionStore store = new SessionStore(dir);
        store.reserveSpace();
        Path reserve = dir.resolve(SessionStore.RESERVE_FILE_NAME);
        long size = Files.size(reserve);
        assertTrue(size > 0);
        store.reserveSpace(); // already there: kept as it is
        assertEquals(size, Files.size(reserve));
        assertFalse(store.writeEnd(state(9)), "with room on the disk the reserve is not touched");
        assertTrue(Files.exists(reserve));
        assertEquals(9, store.read().state().orElseThrow().step());
    }
}
