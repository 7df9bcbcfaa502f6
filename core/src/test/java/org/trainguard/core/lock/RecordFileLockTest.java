package org.trainguard.core.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.core.io.Json;
import org.trainguard.core.lock.LockHolderMain.Note;

// Generous: a child JVM can take tens of seconds to start on a loaded machine; the bound only stops a hung test.
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RecordFileLockTest {

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("test.lock");
    }

    private static Note note(String label) {
        return new Note(ProcessHandle.current().pid(), label, Instant.parse("2024-05-01T10:15:30Z"));
    }

    private static RecordFileLock.Acquired<Note> acquire(Path file, Note record) throws IOException {
        RecordFileLock.Attempt<Note> attempt = RecordFileLock.tryAcquire(file, Note.class, record);
        if (attempt instanceof RecordFileLock.Acquired<Note> acquired) {
            return acquired;
        }
        return fail("expected the lock, found " + attempt);
    }

    private static RecordFileLock.HeldByAnother<Note> refused(Path file, Note record) throws IOException {
        RecordFileLock.Attempt<Note> attempt = RecordFileLock.tryAcquire(file, Note.class, record);
        if (attempt instanceof RecordFileLock.HeldByAnother<Note> held) {
            return held;
        }
        ((RecordFileLock.Acquired<Note>) attempt).lock().close();
        return fail("expected the lock to be held, but it was acquired");
    }

    @Test
    void acquiringCreatesTheFileAndWritesTheRecord() throws Exception {
        Note me = note("first");
        RecordFileLock.Acquired<Note> acquired = acquire(file(), me);
        try (RecordFileLock<Note> lock = acquired.lock()) {
            assertEquals(Optional.empty(), acquired.previous(), "a new file has no previous holder");
            assertEquals(me, lock.record());
            assertEquals(file(), lock.file());
            assertEquals(
                    me, Json.mapper().readValue(Files.readAllBytes(file()), Note.class), "the file names the holder");
            assertTrue(Files.readString(file()).contains("\"label\" : \"first\""), Files.readString(file()));
        }
    }

    @Test
    void aSecondAttemptFromThisProcessIsHeldWithTheFirstsRecord() throws Exception {
        try (RecordFileLock<Note> first = acquire(file(), note("first")).lock()) {
            RecordFileLock.HeldByAnother<Note> held = refused(file(), note("second"));
            assertEquals(file(), held.file());
            assertEquals(Optional.of(first.record()), held.holder());
            assertEquals(
                    first.record(),
                    Json.mapper().readValue(Files.readAllBytes(file()), Note.class),
                    "the refused attempt leaves the holder's record alone");
        }
    }

    @Test
    void closingEmptiesTheFileAndFreesTheLock() throws Exception {
        RecordFileLock<Note> first = acquire(file(), note("first")).lock();
        first.close();
        first.close(); // closing twice is harmless
        assertTrue(Files.exists(file()), "the file stays");
        assertEquals(0, Files.size(file()), "the released lock's file is emptied");
        assertEquals(Optional.empty(), RecordFileLock.probe(file(), Note.class), "free once released");

        RecordFileLock.Acquired<Note> again = acquire(file(), note("again"));
        try (RecordFileLock<Note> lock = again.lock()) {
            assertEquals(Optional.empty(), again.previous(), "a cleanly released lock leaves no previous record");
            assertEquals("again", lock.record().label());
        }
    }

    @Test
    void aRecordLeftByAHolderThatDiedIsThePrevious() throws Exception {
        Note dead = new Note(4_000_000_000L, "crashed", Instant.parse("2024-01-01T00:00:00Z"));
        Files.write(file(), Json.mapper().writeValueAsBytes(dead));
        RecordFileLock.Acquired<Note> acquired = acquire(file(), note("taker"));
        try (RecordFileLock<Note> lock = acquired.lock()) {
            assertEquals(Optional.of(dead), acquired.previous());
            assertEquals(
                    lock.record(),
                    Json.mapper().readValue(Files.readAllBytes(file()), Note.class),
                    "our record replaces the dead holder's");
        }
    }

    @Test
    void anUnparsableOrOversizedFileIsAnUnknownHolder() throws Exception {
        Files.writeString(file(), "{\"pid\": 12, \"lab");
        assertEquals(Optional.empty(), RecordFileLock.readRecord(file(), Note.class), "half-written record");
        RecordFileLock.Acquired<Note> first = acquire(file(), note("a"));
        first.lock().close();
        assertEquals(Optional.empty(), first.previous(), "a half-written record names no previous holder");
        Files.writeString(
                file(), "{\"pid\": 12, \"label\": \"" + "x".repeat(70_000) + "\", \"at\": \"2024-01-01T00:00:00Z\"}");
        assertEquals(Optional.empty(), RecordFileLock.readRecord(file(), Note.class), "a record over 64 KiB");
        RecordFileLock.Acquired<Note> acquired = acquire(file(), note("b"));
        try (RecordFileLock<Note> lock = acquired.lock()) {
            assertEquals(Optional.empty(), acquired.previous());
            assertEquals(
                    lock.record(),
                    Json.mapper().readValue(Files.readAllBytes(file()), Note.class),
                    "the oversized content is gone, not overwritten in part");
        }
    }

    @Test
    void writingReplacesTheWholeRecord() throws Exception {
        try (RecordFileLock<Note> lock =
                acquire(file(), note("a rather long label to be replaced")).lock()) {
            Note shorter = note("b");
            lock.write(shorter);
            assertEquals(shorter, lock.record());
            assertEquals(
                    shorter,
                    Json.mapper().readValue(Files.readAllBytes(file()), Note.class),
                    "no bytes of the longer record are left behind");
            assertEquals(Optional.of(shorter), RecordFileLock.readRecord(file(), Note.class));
        }
    }

    @Test
    void probingAndReadingAMissingFileSayNoSuchFileAndCreateNothing() {
        assertThrows(NoSuchFileException.class, () -> RecordFileLock.probe(file(), Note.class));
        assertThrows(NoSuchFileException.class, () -> RecordFileLock.readRecord(file(), Note.class));
        assertTrue(Files.notExists(file()));
    }

    @Test
    void askingAboutAFileThisProcessHoldsKeepsItLockedForOtherProcesses() throws Exception {
        try (RecordFileLock<Note> lock = acquire(file(), note("mine")).lock()) {
            // On Linux each of these would drop our lock if it opened and closed a channel of its own on the file.
            refused(file(), note("again"));
            assertEquals(
                    Optional.of(lock.record()),
                    RecordFileLock.probe(file(), Note.class).orElseThrow().holder());
            assertEquals(Optional.of(lock.record()), RecordFileLock.readRecord(file(), Note.class));
            refused(dir.resolve(".").resolve("test.lock"), note("same file, another spelling"));

            Child other = Child.start("try", file());
            assertEquals("held", other.firstLine(), "another process must still find the lock held: " + other.output);
            other.process.waitFor(2, TimeUnit.MINUTES);
        }
        Child after = Child.start("try", file());
        assertEquals("acquired", after.firstLine(), "released: " + after.output);
    }

    @Test
    void aLockHeldByAnotherProcessIsRefusedUntilThatProcessIsKilled() throws Exception {
        Child holder = Child.start("hold", file());
        try {
            assertEquals("locked", holder.firstLine(), holder.output.toString());
            long childPid = holder.process.pid();

            RecordFileLock.HeldByAnother<Note> held = refused(file(), note("me"));
            assertEquals(childPid, held.holder().orElseThrow().pid(), "the other process's record is read");
            assertEquals("child hold", held.holder().orElseThrow().label());
            assertEquals(
                    childPid,
                    RecordFileLock.probe(file(), Note.class)
                            .orElseThrow()
                            .holder()
                            .orElseThrow()
                            .pid());
            assertEquals(
                    childPid,
                    RecordFileLock.readRecord(file(), Note.class).orElseThrow().pid());

            holder.process.destroyForcibly(); // SIGKILL: no chance to empty the file
            assertTrue(holder.process.waitFor(2, TimeUnit.MINUTES), "the holder did not die");

            assertEquals(Optional.empty(), RecordFileLock.probe(file(), Note.class), "the kernel released the lock");
            RecordFileLock.Acquired<Note> acquired = acquire(file(), note("me"));
            try (RecordFileLock<Note> lock = acquired.lock()) {
                assertEquals(
                        childPid,
                        acquired.previous().orElseThrow().pid(),
                        "the killed holder's record is the previous");
                assertEquals(note("me"), lock.record());
            }
        } finally {
            holder.process.destroyForcibly();
        }
    }

    /** A second JVM running {@link LockHolderMain}. */
    private record Child(Process process, BufferedReader out, List<String> output) {

        static Child start(String mode, Path file) throws IOException {
            String java = ProcessHandle.current().info().command().orElseThrow();
            Process p = new ProcessBuilder(
                            java,
                            "-cp",
                            System.getProperty("java.class.path"),
                            LockHolderMain.class.getName(),
                            mode,
                            file.toString())
                    .redirectErrorStream(true)
                    .start();
            return new Child(
                    p,
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)),
                    new ArrayList<>());
        }

        /** @return the first line that is an answer, skipping anything the JVM printed before it */
        String firstLine() throws IOException {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                output.add(line);
                if (List.of("locked", "acquired", "held").contains(line)) {
                    return line;
                }
            }
            return "(ended without an answer)";
        }
    }
}
