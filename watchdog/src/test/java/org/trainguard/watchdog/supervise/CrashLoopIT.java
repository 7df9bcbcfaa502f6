package org.trainguard.watchdog.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The restart budget that understands progress, and the roll-back (issue 4, item 3), with real processes. */
class CrashLoopIT {

    @TempDir
    Path dir;

    @Test
    void aCrashLoopWithoutProgressStopsAfterTheBudgetWithAFailureNotification() throws Exception {
        try (WatchdogHarness run = new WatchdogHarness(dir, "steps=0 exit=1");
                WebhookInbox inbox = new WebhookInbox()) {
            Process watchdog = run.run("--webhook", inbox.url());
            assertEquals(1, run.awaitExit(watchdog), run.log());
            assertEquals(3, run.invocations().size(), "crash_loop_failures is 3");
            JsonNode failed = inbox.await("failed");
            assertTrue(
                    failed.path("reason").asText().contains("crash loop: 3 of 3 failures without progress within 30m"),
                    failed.toString());
            String log = run.log();
            assertTrue(log.contains("restarting in 200ms"), log);
            assertTrue(log.contains("restarting in 400ms"), log);
            assertTrue(log.contains("budget left 1 of 3"), log);
            assertTrue(log.contains("ERROR watchdog: giving up: crash loop"), log);
            WatchdogState state = run.state();
            assertEquals(WatchdogState.Phase.FAILED, state.phase());
            assertEquals(0, state.budgetLeft());
            assertEquals(1, state.exitCode());
            assertTrue(state.nextAction().startsWith("none: giving up"), state.nextAction());
        }
    }

    @Test
    void aCrashLoopInStartUpReportsTheRunsStepAndTheExceptionThatEndedTheTrainer() throws Exception {
        // Trains to step 220, then every start dies of an OutOfMemoryError while restoring, before reporting a step.
        try (WatchdogHarness run = new WatchdogHarness(dir, "steps=220 step-ms=1 ckpt=20 exit=1", "oom-at-start");
                WebhookInbox inbox = new WebhookInbox()) {
            Process watchdog = run.run("--webhook", inbox.url());
            assertEquals(1, run.awaitExit(watchdog), run.log());
            assertEquals(4, run.invocations().size(), "one run to step 220, then three failures without progress");
            JsonNode failed = inbox.await("failed");
            assertEquals(220, failed.path("step").asLong(), failed.toString());
            String oom = "Exception in thread \"main\" java.lang.OutOfMemoryError: Java heap space";
            assertTrue(failed.path("reason").asText().contains(oom), failed.toString());
            String log = run.log();
            assertFalse(log.contains("at step 0"), log);
            long last = run.trainerPids().get(3);
            assertTrue(
                    log.contains("trainer pid " + last
                            + " ended: exit 1 at step 220 (the run's; this trainer reported no step): " + oom),
                    log);
            WatchdogState state = run.state();
            assertEquals(220L, state.lastFailure().step());
            assertTrue(
                    state.lastFailure().reason().contains(oom),
                    state.lastFailure().reason());
        }
    }

    @Test
    void failuresAfterProgressDoNotCountAgainstTheBudget() throws Exception {
        // Each start gets two steps further than any before it, then fails: three failures, budget two.
        try (WatchdogHarness run = new WatchdogHarness(
                dir,
                "steps=2 ckpt=1 exit=1",
                "steps=2 ckpt=1 exit=1",
                "steps=2 ckpt=1 exit=1",
                "steps=1 total=7 complete")) {
            Process watchdog = run.run("--max-failures", "2");
            assertEquals(0, run.awaitExit(watchdog), run.log());
            assertEquals(4, run.invocations().size());
            String log = run.log();
            assertTrue(log.contains("after progress from step 4 to 6; not counted against the budget"), log);
            assertTrue(log.contains("give up after 2 failures without progress"), log);
            assertFalse(log.contains("giving up"), log);
            assertEquals(2, run.state().budgetLeft());
        }
    }

    @Test
    void repeatedCrashesAtTheSameStepRollBackToThePreviousCheckpointOnce() throws Exception {
        try (WatchdogHarness run =
                new WatchdogHarness(dir, "steps=4 ckpt=2 exit=1", "steps=0 exit=1", "steps=3 total=5 complete")) {
            Process watchdog = run.run();
            assertEquals(0, run.awaitExit(watchdog), run.log());
            List<String> starts = run.invocations();
            assertEquals(3, starts.size(), String.join("\n", starts));
            assertFalse(starts.get(1).contains("--resume"), starts.get(1));
            Path previous = run.out.resolve("checkpoints/checkpoint-2");
            assertTrue(starts.get(2).contains("--resume " + previous), starts.get(2));
            String log = run.log();
            assertTrue(log.contains("twice at step 4: rolling back to the checkpoint before the newest"), log);
            assertTrue(log.contains("restarting in 200ms from checkpoint-2 (rolled back)"), log);
            assertTrue(log.contains("(attempt 3, rolling back to checkpoint-2)"), log);
        }
    }
}
