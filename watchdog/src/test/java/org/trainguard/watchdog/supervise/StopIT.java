package org.trainguard.watchdog.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.core.run.Heartbeat;
import org.trainguard.core.run.SessionStatus;
import org.trainguard.core.run.SessionStore;

/** Two watchdogs on one run, and stopping on purpose (issue 4, items 5 and 6), with real processes and signals. */
class StopIT {

    @TempDir
    Path dir;

    private static final String LONG_RUN = "steps=1000 step-ms=20 ckpt=100";

    @Test
    void aSecondWatchdogIsRefusedAndWatchdogStopStopsTheRunOnPurpose() throws Exception {
        try (WatchdogHarness run = new WatchdogHarness(dir, LONG_RUN);
                WebhookInbox inbox = new WebhookInbox()) {
            Process first = run.run("--webhook", inbox.url());
            run.awaitLog("trainer started pid");

            Process second = run.run();
            assertEquals(5, run.awaitExit(second), run.output(second));
            assertTrue(run.output(second).contains("watchdog pid " + first.pid()), run.output(second));
            assertTrue(first.isAlive());
            assertEquals(1, run.invocations().size(), "the second watchdog started no trainer");

            Process stop = run.watchdog("stop", "--config", run.config.toString());
            assertEquals(0, run.awaitExit(stop), run.output(stop));
            assertTrue(
                    run.output(stop)
                            .contains("stopped: watchdog pid " + first.pid() + " has exited; the run is INTERRUPTED"),
                    run.output(stop));
            assertEquals(0, run.awaitExit(first), run.log());
            assertTrue(run.events().get(0).startsWith("signal-stop"), "the trainer got SIGTERM: " + run.events());

            WatchdogState state = run.state();
            assertTrue(state.stoppedByUser());
            assertEquals(WatchdogState.Phase.STOPPED, state.phase());
            assertTrue(state.nextAction().contains("stopped on purpose (watchdog stop)"), state.nextAction());
            assertEquals(
                    SessionStatus.INTERRUPTED,
                    new SessionStore(run.out).read().state().orElseThrow().status());
            assertTrue(inbox.await("stopped").path("reason").asText().contains("stopped on purpose"));
            assertEquals(1, run.invocations().size(), "nothing restarted it");
        }
    }

    @Test
    void sigtermToTheWatchdogStopsTheRunAndTheNextRunClearsTheFlag() throws Exception {
        try (WatchdogHarness run = new WatchdogHarness(dir, LONG_RUN, "steps=1 total=9999 complete")) {
            Process watchdog = run.run();
            run.await(() -> Heartbeat.read(run.out).isPresent(), "the trainer to beat");
            watchdog.destroy();
            assertEquals(0, run.awaitExit(watchdog), run.log());
            assertTrue(run.log().contains("stop requested (SIGTERM): sending SIGTERM to trainer pid"), run.log());
            assertTrue(run.log().contains("stopped with exit 143"), run.log());
            assertTrue(run.state().stoppedByUser());
            assertEquals(1, run.events().size());

            Process again = run.run();
            run.await(() -> run.invocations().size() == 2, "the run to be started again");
            assertEquals(0, run.awaitExit(again), run.log());
            assertFalse(run.state().stoppedByUser(), "started again by the user: the flag is cleared");
        }
    }

    @Test
    void stopWithoutAWatchdogSendsSigtermToTheTrainerAndRecordsTheStop() throws Exception {
        try (WatchdogHarness run = new WatchdogHarness(dir, LONG_RUN)) {
            Process byHand = run.trainerByHand();
            run.await(
                    () -> Heartbeat.read(run.out)
                            .filter(b -> b.pid() == byHand.pid())
                            .isPresent(),
                    "the trainer to beat");
            Process stop = run.watchdog("stop", "--config", run.config.toString());
            assertEquals(0, run.awaitExit(stop), run.output(stop));
            assertTrue(run.output(stop).contains("no watchdog supervises"), run.output(stop));
            assertEquals(143, byHand.waitFor());
            assertTrue(run.state().stoppedByUser());
            assertEquals(WatchdogState.Phase.STOPPED, run.state().phase());
        }
    }
}
