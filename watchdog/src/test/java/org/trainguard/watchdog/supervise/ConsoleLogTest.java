package org.trainguard.watchdog.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleLogTest {

    @TempDir
    Path dir;

    @Test
    void sectionsAppendAndTailReturnsTheLastLines() throws Exception {
        ConsoleLog log = new ConsoleLog(dir);
        log.beginSection("----- start 1 -----");
        Files.writeString(log.file(), "a\nb\nc\n", StandardOpenOption.APPEND);
        long mark = log.size();
        log.beginSection("----- start 2 -----");
        Files.writeString(log.file(), "d\n", StandardOpenOption.APPEND);
        assertEquals(List.of("c", "----- start 2 -----", "d"), log.tail(3));
        assertTrue(log.readFrom(mark, 1000).contains("start 2"));
        assertFalse(log.readFrom(mark, 1000).contains("start 1"));
        assertEquals("", log.readFrom(log.size(), 1000));
    }

    @Test
    void lastMessageIsTheCurrentTrainersLastWordsWithoutItsStackTrace() throws Exception {
        ConsoleLog log = new ConsoleLog(dir);
        log.beginSection("----- start 1 -----");
        Files.writeString(log.file(), "error: an old failure\n", StandardOpenOption.APPEND);
        log.beginSection("----- start 2 -----");
        assertTrue(log.lastMessage().isEmpty(), "the new trainer printed nothing yet: " + log.lastMessage());
        Files.writeString(
                log.file(),
                "05:00:01 INFO  reading data\ndata error: train.jsonl:7: unknown label \"MAYBE\"\n"
                        + "\tat org.trainguard.Some.method(Some.java:1)\n\t... 3 more\n\n",
                StandardOpenOption.APPEND);
        assertEquals(
                "data error: train.jsonl:7: unknown label \"MAYBE\"",
                log.lastMessage().orElseThrow());
    }

    @Test
    void rotatesALargeFileWhenATrainerStarts() throws Exception {
        ConsoleLog log = new ConsoleLog(dir);
        Files.createDirectories(log.file().getParent());
        byte[] big = new byte[(int) ConsoleLog.ROTATE_AT_BYTES + 1];
        Files.write(log.file(), big);
        log.beginSection("----- fresh -----");
        Path rotated = log.file().resolveSibling(ConsoleLog.FILE_NAME + ".1");
        assertEquals(big.length, Files.size(rotated));
        assertTrue(Files.readString(log.file(), StandardCharsets.UTF_8).contains("fresh"));
        assertTrue(Files.size(log.file()) < 100);
    }
}
