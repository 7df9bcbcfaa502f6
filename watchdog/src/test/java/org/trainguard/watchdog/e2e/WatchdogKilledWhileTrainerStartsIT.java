package org.trainguard.watchdog.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.core.run.SessionState;
import org.trainguard.core.run.SessionStatus;

/**
 * A watchdog killed while its trainer is still starting (before the trainer holds the run lock): the next watchdog
 * finds that trainer and supervises it instead of starting a second one, and the run completes under it.
 */
class WatchdogKilledWhileTrainerStartsIT {

    private static final Pattern STARTED = Pattern.compile("trainer started pid (\\d+) \\(attempt 1\\)");

    @TempDir
    Path dir;

    @Test
    void theNextWatchdogAttachesToTheStartingTrainerAndTheRunCompletesWithOneTrainer() throws Exception {
        try (RealRun run = RealRun.create(dir)) {
            Process first = run.watchdogRun("--check-interval", "1s");
            AtomicLong trainer = new AtomicLong();
            run.await(
                    () -> {
                        Matcher m = STARTED.matcher(run.log());
                        if (m.find()) {
                            trainer.set(Long.parseLong(m.group(1)));
                        }
                        return trainer.get() != 0 || !first.isAlive();
                    },
                    RealRun.PATIENCE,
                    "the first watchdog to start its trainer");
            long pid = trainer.get();
            // Held in its start-up, so that the next watchdog certainly starts while it has no lock yet.
            RealRun.signal("STOP", pid);
            first.destroyForcibly();
            assertTrue(first.waitFor(60, TimeUnit.SECONDS));
            assertFalse(
                    run.session().map(s -> s.pid() == pid).orElse(false), "the trainer got no further than starting");

            int mark = run.log().length();
            Process second = run.watchdogRun("--check-interval", "1s");
            run.await(
                    () -> run.log().substring(mark).contains("attached to trainer pid " + pid) || !second.isAlive(),
                    RealRun.PATIENCE,
                    "the second watchdog to attach to trainer pid " + pid);
            RealRun.signal("CONT", pid);

            int code = run.awaitExit(second, RealRun.PATIENCE);
            String log = run.log().substring(mark);
            assertEquals(0, code, log);
            assertTrue(log.contains("attached to trainer pid " + pid), log);
            assertFalse(
                    log.contains("trainer started pid"), "the second watchdog started no trainer of its own:\n" + log);
            assertTrue(log.contains("the run completed"), log);
            SessionState session = run.session().orElseThrow();
            assertEquals(SessionStatus.COMPLETED, session.status());
            assertEquals(pid, session.pid(), "the trainer the first watchdog started finished the run");
            assertEquals(RealRun.STEPS, session.step());
        }
    }
}
