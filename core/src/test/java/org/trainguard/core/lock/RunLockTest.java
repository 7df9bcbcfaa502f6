package org.trainguard.core.lock;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.core.io.Json;
import org.trainguard.core.io.UnusablePathException;
import org.trainguard.core.run.HostName;

class RunLockTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void readingWhoHoldsTheLockNeverMakesAStartingTrainerFindItHeld() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process child = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        RunLockRaceMain.class.getName(),
                        dir.toString(),
                        "1000")
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String first = out.readLine();
        while (first != null && !first.equals("started")) {
            first = out.readLine();
        }
        assertEquals("started", first);
        int reads = 0;
        while (child.isAlive()) {
            // what `trainer status` and the watchdog do while trainers start
            RunLock.holder(dir);
            reads++;
        }
        String last = out.readLine();
        while (last != null && !last.startsWith("held")) {
            last = out.readLine();
        }
        assertEquals(
                "held 0",
                last,
                "a trainer found the run locked while only readers asked who holds it (" + reads + " reads)");
    }

    @Test
    void aRecordLeftByAKilledTrainerNamesNoHolder() throws Exception {
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        RunLock.LockInfo stale = new RunLock.LockInfo(
                dead.pid(), HostName.get(), "s", Instant.now().minusSeconds(60));
        Files.write(dir.resolve(RunLock.FILE_NAME), Json.mapper().writeValueAsBytes(stale));
        assertEquals(Optional.empty(), RunLock.holder(dir));

        RunLock.LockInfo me = new RunLock.LockInfo(ProcessHandle.current().pid(), HostName.get(), "s", Instant.now());
        Files.write(dir.resolve(RunLock.FILE_NAME), Json.mapper().writeValueAsBytes(me));
        assertEquals(Optional.of(me), RunLock.holder(dir), "a live process's record is its holder");
    }

    @Test
    void aLockFileThatIsASymbolicLinkIsRefusedAndItsTargetKept() throws Exception {
        Path target = dir.resolve("precious.txt");
        byte[] content = "do not truncate me\n".getBytes(StandardCharsets.UTF_8);
        Files.write(target, content);
        Path run = Files.createDirectories(dir.resolve("run"));
        Files.createSymbolicLink(run.resolve(RunLock.FILE_NAME), target);

        UnusablePathException e = assertThrows(UnusablePathException.class, () -> RunLock.acquire(run, ""));
        assertTrue(
                e.getMessage().contains("is a symbolic link") && e.getMessage().contains(RunLock.FILE_NAME),
                e.getMessage());
        assertArrayEquals(content, Files.readAllBytes(target));
        assertEquals(Optional.empty(), RunLock.holder(run));
    }

    @Test
    void aLockFileThatIsAFolderOrAnOutputFolderThatIsAFileIsRefused() throws Exception {
        Path run = Files.createDirectories(dir.resolve("run"));
        Files.createDirectory(run.resolve(RunLock.FILE_NAME));
        UnusablePathException e = assertThrows(UnusablePathException.class, () -> RunLock.acquire(run, ""));
        assertTrue(e.getMessage().contains("is a folder, not a file"), e.getMessage());

        Path file = Files.writeString(dir.resolve("file-run"), "x");
        e = assertThrows(UnusablePathException.class, () -> RunLock.acquire(file, ""));
        assertTrue(e.getMessage().contains("training.output_dir " + file + " is a file, not a folder"), e.getMessage());
    }

    @Test
    void anOutputFolderThatCannotBeWrittenIsRefused() throws Exception {
        // root may write anywhere, so a read-only file system stands in for missing permissions
        Path mount = Files.createDirectories(dir.resolve("read-only"));
        Process m = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", mount.toString())
                .redirectErrorStream(true)
                .start();
        org.junit.jupiter.api.Assumptions.assumeTrue(
                m.waitFor(10, TimeUnit.SECONDS) && m.exitValue() == 0, "needs permission to mount a tmpfs");
        try {
            UnusablePathException e = assertThrows(UnusablePathException.class, () -> RunLock.acquire(mount, ""));
            assertTrue(e.getMessage().startsWith("training.output_dir " + mount + " is not writable"), e.getMessage());
            e = assertThrows(UnusablePathException.class, () -> RunLock.acquire(mount.resolve("run"), ""));
            assertTrue(e.getMessage().contains("cannot be created"), e.getMessage());
        } finally {
            new ProcessBuilder("umount", "-l", mount.toString()).start().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
