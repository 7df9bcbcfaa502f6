package org.trainguard.watchdog.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.core.run.Heartbeat;

/** Attach instead of duplicate (issue 4, item 5), with real processes. */
class AttachIT {

    @TempDir
    Path dir;

    @Test
    void aRunningTrainerIsSupervisedByPidAndRestartedWhenItEndsAbnormally() throws Exception {
        try (WatchdogHarness run =
                new WatchdogHarness(dir, "steps=40 step-ms=100 exit=1", "steps=1 total=41 complete")) {
            Process byHand = run.trainerByHand();
            run.await(
                    () -> Heartbeat.read(run.out)
                            .filter(b -> b.pid() == byHand.pid())
                            .isPresent(),
                    "the trainer started by hand to beat");

            Process watchdog = run.run();
            run.awaitLog("attached to trainer pid " + byHand.pid());
            assertEquals(0, run.awaitExit(watchdog), run.log());
            assertEquals(1, byHand.exitValue());

            String log = run.log();
            // Not the watchdog's child: the exit status comes from the session file the trainer left.
            assertTrue(
                    log.contains(
                            "trainer pid " + byHand.pid() + " ended: exit 1 at step 40: fake failure 1 at step 40"),
                    log);
            assertTrue(log.contains("after progress from step 0 to 40; not counted against the budget"), log);
            assertEquals(2, run.invocations().size(), "one by hand, one restart; never two at once");
            assertTrue(log.contains("trainer started pid " + run.trainerPids().get(1) + " (attempt 2)"), log);
            assertEquals(WatchdogState.Phase.COMPLETED, run.state().phase());
            assertTrue(
                    Files.readString(run.out.resolve("logs/trainer-console.log"))
                            .contains("attempt 2"),
                    "only the restarted trainer writes to the console log");
        }
    }
}
