package org.trainguard.watchdog.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.core.run.SessionState;
import org.trainguard.core.run.SessionStatus;
import org.trainguard.core.run.SessionStore;

/** What each end of the trainer means (issue 4, item 2): completion and restarts, with real processes. */
class EndOfTrainerIT {

    @TempDir
    Path dir;

    @Test
    void aCompletedRunEndsTheWatchdogWithZeroAndIsNotStartedAgain() throws Exception {
        try (WatchdogHarness run = new WatchdogHarness(dir, "steps=3 total=3 complete");
                WebhookInbox inbox = new WebhookInbox()) {
            Process watchdog = run.run("--webhook", inbox.url());
            assertEquals(0, run.awaitExit(watchdog), run.log());
            assertEquals(1, run.invocations().size());
            JsonNode done = inbox.await("completed");
            assertEquals("run", done.path("run").asText());
            assertEquals(3, done.path("step").asLong());
            assertEquals("started", inbox.events().get(0));
            String log = run.log();
            assertTrue(
                    log.matches(
                            "(?s).*\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\S* INFO  watchdog: trainer started pid \\d+ .*"),
                    log);
            assertTrue(log.contains("exit 0 at step 3: completed"), log);
            assertFalse(log.contains(WebhookInbox.SECRET), "the webhook's secret is never logged");
            assertTrue(log.contains("webhook http://127.0.0.1:"), log);
            assertEquals(WatchdogState.Phase.COMPLETED, run.state().phase());
            assertEquals(0, run.state().exitCode());

            Process again = run.run();
            assertEquals(0, run.awaitExit(again));
            assertEquals(1, run.invocations().size(), "a completed run is not trained again");
            assertTrue(run.log().contains("the run already completed at step 3 of 3; nothing to do"), run.log());
        }
    }

    @Test
    void aFailureOrAKillIsRestartedAfterABackoffFromTheNewestCheckpoint() throws Exception {
        try (WatchdogHarness run = new WatchdogHarness(
                        dir, "steps=0 exit=1", "steps=4 ckpt=2 step-ms=100 sigkill", "steps=2 total=6 complete");
                WebhookInbox inbox = new WebhookInbox()) {
            // A trainer that died without recording how, as after a power loss, seen at the next start.
            long gone = new ProcessBuilder("true").start().pid();
            new SessionStore(run.out)
                    .write(SessionState.builder("s-0")
                            .status(SessionStatus.RUNNING)
                            .pid(gone)
                            .build());

            Process watchdog = run.run("--webhook", inbox.url());
            assertEquals(0, run.awaitExit(watchdog), run.log());
            String log = run.log();
            assertTrue(log.contains("the last trainer (pid " + gone + ") ended while the session said RUNNING"), log);
            assertTrue(log.contains("exit 1 at step 0: fake failure 1 at step 0"), log);
            assertTrue(log.contains("restarting in 200ms from the newest checkpoint that verifies"), log);
            assertTrue(log.contains("exit 137 (SIGKILL) at step 4: killed by SIGKILL"), log);
            assertTrue(log.contains("after progress from step 0 to 4; not counted against the budget"), log);

            List<String> starts = run.invocations();
            assertEquals(3, starts.size());
            assertFalse(starts.get(2).contains("--resume"), "the trainer resumes from the newest checkpoint by itself");
            WatchdogState state = run.state();
            assertEquals(3, state.attempts());
            assertEquals("SIGKILL", state.lastFailure().signal());
            assertEquals(4L, state.lastFailure().step());
            assertEquals(WatchdogState.Phase.COMPLETED, state.phase());
            assertEquals(6, inbox.await("completed").path("step").asLong());
            assertEquals(List.of("started", "restarted", "restarted", "completed"), inbox.events());
        }
    }
}
