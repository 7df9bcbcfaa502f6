package org.trainguard.watchdog.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hang detection (issue 4, item 4): thread dump, SIGTERM, grace, SIGKILL, restart, with real processes and signals. */
class HangIT {

    @TempDir
    Path dir;

    @Test
    void aTrainerThatStopsBeatingIsDumpedTerminatedKilledAndRestarted() throws Exception {
        // The first trainer hangs and also ignores SIGTERM, so only SIGKILL ends it.
        try (WatchdogHarness run =
                        new WatchdogHarness(dir, "steps=2 ckpt=1 hang ignore-term", "steps=2 total=4 complete");
                WebhookInbox inbox = new WebhookInbox()) {
            Process watchdog = run.run("--hang-timeout", "3s", "--stop-timeout", "2s", "--webhook", inbox.url());
            assertEquals(0, run.awaitExit(watchdog), run.log());
            String log = run.log();
            assertTrue(
                    log.matches(
                            "(?s).*WARN  watchdog: trainer pid \\d+ is hung: no progress for [3-9]s \\(hang timeout 3s; "
                                    + "last heartbeat: step 2, RUNNING.*"),
                    log);
            assertTrue(log.contains("thread dump of trainer pid"), log);
            assertTrue(log.contains("Full thread dump"), "the dump is copied into the watchdog log");
            assertTrue(log.contains("\"main\""), "the dump names the threads");
            assertTrue(log.contains("did not end within 2s after SIGTERM; sending SIGKILL"), log);
            assertTrue(log.contains("exit 137"), log);
            assertEquals(2, run.invocations().size());
            assertEquals(List.of("started", "hung", "restarted", "completed"), awaitFourEvents(inbox));
            assertEquals(1, run.events().size(), "the hung trainer got SIGTERM once: " + run.events());
            assertTrue(Files.readString(run.out.resolve("logs/trainer-console.log"))
                    .contains("Full thread dump"));
            WatchdogState state = run.state();
            assertTrue(
                    state.lastFailure().reason().startsWith("hung: no progress for"),
                    state.lastFailure().reason());
            assertEquals(137, state.lastFailure().exitCode());
        }
    }

    @Test
    void aTrainerFrozenWithSigstopIsDetectedContinuedAndResumed() throws Exception {
        try (WatchdogHarness run = new WatchdogHarness(dir, "steps=3 ckpt=2 freeze", "steps=1 total=4 complete")) {
            Process watchdog = run.run("--hang-timeout", "3s");
            assertEquals(0, run.awaitExit(watchdog), run.log());
            String log = run.log();
            assertTrue(log.contains("is stopped (SIGSTOP or Ctrl+Z)"), log);
            assertTrue(log.contains("is hung: no progress for"), log);
            assertTrue(log.contains("Full thread dump"), "the dump printed once the process ran again");
            assertTrue(
                    log.contains("ended with exit 143"),
                    "continued, it handled SIGTERM and wrote its emergency checkpoint");
            // The emergency checkpoint at step 3 (the last regular one was at 2) is where the second trainer went on
            // from.
            assertTrue(run.events().get(0).contains("step=3"), run.events().toString());
            assertTrue(Files.isDirectory(run.out.resolve("checkpoints/checkpoint-3")));
            assertEquals(2, run.invocations().size());
            assertTrue(log.contains("exit 0 at step 4: completed"), log);
        }
    }

    private static List<String> awaitFourEvents(WebhookInbox inbox) throws InterruptedException {
        inbox.await("completed");
        return inbox.events();
    }
}
