package org.trainguard.watchdog.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Ends that restarting cannot fix (issue 4, item 2; a full disk, exit 7): the watchdog exits with the trainer's code, with real processes. */
class NotRestartableIT {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4, 5, 7})
    void configurationDataDivergenceAndLockErrorsAreNotRestarted(int code) throws Exception {
        try (WatchdogHarness run = new WatchdogHarness(dir, "steps=1 exit=" + code);
                WebhookInbox inbox = new WebhookInbox()) {
            Process watchdog = run.run("--webhook", inbox.url());
            assertEquals(code, run.awaitExit(watchdog), run.log());
            assertEquals(1, run.invocations().size(), "never restarted");
            JsonNode failed = inbox.await("failed");
            assertTrue(
                    failed.path("reason").asText().contains("fake failure " + code + " at step 1"),
                    "the session's reason is in the notification: " + failed);
            WatchdogState state = run.state();
            assertEquals(WatchdogState.Phase.FAILED, state.phase());
            assertEquals(code, state.lastFailure().exitCode());
            assertTrue(state.nextAction().startsWith("none: not restarting after exit " + code), state.nextAction());
            assertTrue(run.log().contains("ERROR watchdog: not restarting after exit " + code), run.log());
        }
    }
}
