package org.trainguard.watchdog.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.core.checkpoint.CheckpointStore;
import org.trainguard.core.run.SessionStatus;
import org.trainguard.watchdog.supervise.WatchdogState;

/**
 * A configuration error with the real trainer and watchdog: running again would fail the same way, so nothing is
 * restarted and the watchdog ends with the trainer's exit 2.
 */
class ConfigErrorIT {

    @TempDir
    Path dir;

    @Test
    void unknownKeyStopsTheWatchdogBeforeAnyTrainerStarts() throws Exception {
        String yaml = RealRun.standardConfig()
                .replace("  learning_rate: 0.02\n", "  learning_rate: 0.02\n  lerning_rate: 0.5\n");
        try (RealRun run = RealRun.create(dir, yaml)) {
            Process watchdog = run.watchdogRun("--check-interval", "1s");
            assertEquals(2, run.awaitExit(watchdog, RealRun.PATIENCE), run.output(watchdog));
            String expected = "train.yaml:14: unknown key training.lerning_rate; did you mean training.learning_rate?";
            assertTrue(run.output(watchdog).contains(expected), run.output(watchdog));
            assertFalse(Files.exists(run.out), "no trainer ran, so the run folder was never made");
        }
    }

    @Test
    void configChangedIncompatiblyMidRunIsRefusedByTheTrainerAndNotRestarted() throws Exception {
        try (RealRun run = RealRun.create(dir)) {
            // a run with a checkpoint, stopped with SIGTERM as a user would before editing the config
            Process first = run.trainerAlone();
            run.await(
                    () -> !new CheckpointStore(run.out).list().isEmpty() || !first.isAlive(),
                    RealRun.PATIENCE,
                    "the first checkpoint");
            first.destroy();
            assertEquals(143, run.awaitExit(first, RealRun.PATIENCE), run.output(first));
            assertEquals(SessionStatus.INTERRUPTED, run.session().orElseThrow().status());
            // Valid on its own, so the watchdog starts the trainer; the trainer refuses to resume with other batches.
            Files.writeString(run.config, RealRun.standardConfig().replace("batch_size: 16", "batch_size: 32"));

            Process watchdog =
                    run.watchdogRun("--check-interval", "1s", "--backoff-initial", "200ms", "--backoff-max", "1s");
            assertEquals(2, run.awaitExit(watchdog, RealRun.PATIENCE), run.output(watchdog));
            String log = run.log();
            Matcher started = Pattern.compile("trainer started pid (\\d+) \\(attempt (\\d+)")
                    .matcher(log);
            assertTrue(started.find(), log);
            long pid = Long.parseLong(started.group(1));
            assertFalse(started.find(), "one attempt, no restart:\n" + log);
            assertTrue(log.contains("trainer pid " + pid + " ended: exit 2"), log);
            assertTrue(log.contains("not restarting after exit 2"), log);
            assertFalse(log.contains("restarting in"), log);
            assertTrue(log.contains("watchdog exits with 2"), log);

            WatchdogState state = WatchdogState.read(run.out).orElseThrow();
            assertEquals(WatchdogState.Phase.FAILED, state.phase());
            assertEquals(1, state.attempts());
            assertEquals(2, state.exitCode());
            assertEquals(2, state.lastFailure().exitCode());
            String console = run.trainerConsole();
            assertTrue(
                    console.contains("batching changed from batch_size=")
                            && console.contains("since the checkpoint was written"),
                    console);
            // the trainer refused before its session was open; its message reaches the log, state and notification
            assertTrue(
                    state.lastFailure().reason().contains("batching changed from batch_size="),
                    state.lastFailure().reason());
            assertTrue(log.contains("ended: exit 2 at step"), log);
        }
    }
}
