package org.trainguard.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Atomic writes: the new content or the old, never half, and no temporary file left behind. */
class AtomicFilesWriteTest {

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void eachWayOfWritingReplacesTheFileAndLeavesNothingElse(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("sub").resolve("state.json");
        AtomicFiles.write(f, "one".getBytes(StandardCharsets.UTF_8));
        assertEquals("one", Files.readString(f));
        AtomicFiles.write(f, out -> out.write("two".getBytes(StandardCharsets.UTF_8)));
        assertEquals("two", Files.readString(f));
        AtomicFiles.replace(f, out -> out.write("three".getBytes(StandardCharsets.UTF_8)));
        assertEquals("three", Files.readString(f));
        AtomicFiles.writeChannel(f, ch -> ch.write(ByteBuffer.wrap("four".getBytes(StandardCharsets.UTF_8))));
        assertEquals("four", Files.readString(f));
        assertEquals(List.of("state.json"), names(f.getParent()));
    }

    @Test
    void aWriteThatFailsHalfwayLeavesTheOldContentAndNoTemporaryFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("best.json");
        AtomicFiles.write(f, "old".getBytes(StandardCharsets.UTF_8));
        IOException e = assertThrows(
                IOException.class,
                () -> AtomicFiles.write(f, out -> {
                    out.write("half of the new".getBytes(StandardCharsets.UTF_8));
                    throw new IOException("disk full");
                }));
        assertEquals("disk full", e.getMessage());
        assertEquals("old", Files.readString(f));
        assertEquals(List.of("best.json"), names(dir));

        assertThrows(
                IOException.class,
                () -> AtomicFiles.replace(f, out -> {
                    throw new IOException("no");
                }));
        assertEquals("old", Files.readString(f));
        assertEquals(List.of("best.json"), names(dir));
    }

    @Test
    void aFolderIsRenamedInOneStep(@TempDir Path dir) throws Exception {
        Path from = dir.resolve(".tmp-checkpoint-5");
        Files.createDirectory(from);
        Files.writeString(from.resolve("model.zip"), "w");
        Path to = dir.resolve("checkpoint-5");
        AtomicFiles.moveAtomically(from, to);
        assertFalse(Files.exists(from));
        assertEquals("w", Files.readString(to.resolve("model.zip")));
    }

    @Test
    void aDurableWriteCreatesOrTruncatesInPlace(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("MANIFEST.json");
        AtomicFiles.writeDurably(f, out -> out.write(new byte[] {1, 2, 3, 4}));
        AtomicFiles.writeDurably(f, out -> out.write(new byte[] {9}));
        assertArrayEquals(new byte[] {9}, Files.readAllBytes(f));
        assertTrue(Files.isRegularFile(f));
    }
}
