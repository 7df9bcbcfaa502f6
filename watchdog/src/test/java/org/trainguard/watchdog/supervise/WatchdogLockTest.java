package org.trainguard.watchdog.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.core.io.Json;
import org.trainguard.core.run.HostName;

class WatchdogLockTest {

    @TempDir
    Path dir;

    @Test
    void holderIsKnownWhileHeldAndGoneAfterRelease() throws Exception {
        Path config = dir.resolve("train.yaml");
        try (WatchdogLock lock = WatchdogLock.acquire(dir, config)) {
            WatchdogLock.Holder h = WatchdogLock.holder(dir).orElseThrow();
            assertEquals(ProcessHandle.current().pid(), h.pid());
            assertEquals(config.toAbsolutePath().toString(), h.config());
            assertEquals(lock.info(), h);
        }
        assertTrue(WatchdogLock.holder(dir).isEmpty());
        assertEquals(0, Files.size(dir.resolve(WatchdogLock.FILE_NAME)), "the released lock's file is emptied");
    }

    @Test
    void aSecondWatchdogIsRefusedNamingTheFirst() throws Exception {
        try (WatchdogLock first = WatchdogLock.acquire(dir, dir.resolve("a.yaml"))) {
            WatchdogLock.HeldException e = assertThrows(
                    WatchdogLock.HeldException.class, () -> WatchdogLock.acquire(dir, dir.resolve("a.yaml")));
            assertEquals(first.info().pid(), e.holder().orElseThrow().pid());
            assertTrue(e.getMessage().contains("pid " + first.info().pid()), e.getMessage());
        }
        try (WatchdogLock again = WatchdogLock.acquire(dir, dir.resolve("a.yaml"))) {
            assertEquals(again.info(), WatchdogLock.holder(dir).orElseThrow(), "free again once released");
        }
    }

    @Test
    void aRecordOfADeadProcessOrAnotherHostIsNoHolder() throws Exception {
        long noSuchProcess = (1L << 22) + 12345; // above Linux's largest pid
        write(new WatchdogLock.Holder(noSuchProcess, HostName.get(), "x.yaml", Instant.now()));
        assertTrue(WatchdogLock.holder(dir).isEmpty(), "dead pid");
        // This very process is alive but started long before the recorded time: a reused pid.
        write(new WatchdogLock.Holder(
                ProcessHandle.current().pid(),
                HostName.get(),
                "x.yaml",
                Instant.now().plusSeconds(3600)));
        assertTrue(WatchdogLock.holder(dir).isPresent(), "alive and started before the lock was taken");
        write(new WatchdogLock.Holder(ProcessHandle.current().pid(), "some-other-host", "x.yaml", Instant.now()));
        assertTrue(WatchdogLock.holder(dir).isEmpty(), "another host's process cannot be checked from here");
    }

    @Test
    void aReusedPidIsNoHolder() throws Exception {
        Instant longBefore =
                ProcessHandle.current().info().startInstant().orElseThrow().minusSeconds(3600);
        write(new WatchdogLock.Holder(ProcessHandle.current().pid(), HostName.get(), "x.yaml", longBefore));
        assertTrue(WatchdogLock.holder(dir).isEmpty(), "the process with that pid started after the lock was taken");
    }

    private void write(WatchdogLock.Holder h) throws Exception {
        Files.write(dir.resolve(WatchdogLock.FILE_NAME), Json.mapper().writeValueAsBytes(h));
    }
}
