package org.trainguard.watchdog.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.core.run.Heartbeat;

/**
 * The trainer a watchdog started exits 5 because another trainer of the run took the lock first (one started by
 * hand while the watchdog's was starting): the watchdog supervises that one instead of giving up on a run that
 * trains on.
 */
class LockedByAnotherTrainerIT {

    @TempDir
    Path dir;

    @Test
    void aTrainerThatFindsTheRunLockedLeadsTheWatchdogToTheTrainerThatHoldsIt() throws Exception {
        try (WatchdogHarness run = new WatchdogHarness(dir, "steps=30 step-ms=100 total=30 complete")) {
            // The watchdog's java waits for a go-ahead, so the trainer started by hand takes the lock first.
            Path go = dir.resolve("go");
            Path java = dir.resolve("slow-java.sh");
            String javaBinary = ProcessHandle.current().info().command().orElseThrow();
            Files.writeString(
                    java,
                    "#!/bin/sh\nwhile [ ! -e '" + go + "' ]; do sleep 0.1; done\nexec '" + javaBinary + "' \"$@\"\n");
            Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));

            Process watchdog = run.run("--java", java.toString());
            run.awaitLog("trainer started pid");
            Matcher m = Pattern.compile("trainer started pid (\\d+)").matcher(run.log());
            assertTrue(m.find());
            long own = Long.parseLong(m.group(1));

            Process byHand = run.trainerByHand();
            // The lock file is read, not probed: probing takes the lock for a moment.
            run.await(
                    () -> RunTrainers.lockRecord(run.out)
                                    .map(h -> h.pid() == byHand.pid())
                                    .orElse(false)
                            && Heartbeat.read(run.out)
                                    .filter(b -> b.pid() == byHand.pid())
                                    .isPresent(),
                    "the trainer by hand to hold the run");
            Files.writeString(go, "");

            assertEquals(0, run.awaitExit(watchdog), run.log());
            String log = run.log();
            assertTrue(log.contains("trainer pid " + own + " ended with exit 5"), log);
            assertTrue(log.contains("attached to trainer pid " + byHand.pid()), log);
            assertTrue(log.contains("the run completed"), log);
            assertEquals(0, byHand.waitFor(), run.output(byHand));
            assertEquals(
                    List.of(byHand.pid(), own),
                    run.trainerPids(),
                    "the one by hand, then the watchdog's, which exited 5");
            assertEquals(WatchdogState.Phase.COMPLETED, run.state().phase());
        }
    }
}
