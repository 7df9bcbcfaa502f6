package org.trainguard.watchdog.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.core.run.SessionState;
import org.trainguard.core.run.SessionStatus;
import org.trainguard.watchdog.supervise.WatchdogState;

/**
 * The second "done means" of the watchdog, with the real trainer: a trainer frozen with SIGSTOP is found hung within
 * the hang timeout, its threads are dumped into the watchdog log, it is ended and resumed, and the run completes with
 * the parameters of a run nobody interrupted.
 */
class FrozenTrainerIT {

    private static final Duration HANG_TIMEOUT = Duration.ofSeconds(8);
    private static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);
    /**
     * Time the watchdog may take past the hang timeout: one check interval for the check that sees it, one for the
     * heartbeat it last saw change (possibly written just before the freeze), and slack for a loaded machine.
     */
    private static final Duration SLACK = CHECK_INTERVAL.multipliedBy(2).plusSeconds(4);

    @TempDir
    Path dir;

    @Test
    void trainerFrozenWithSigstopIsFoundHungDumpedEndedAndResumed() throws Exception {
        byte[] reference = RealRun.referenceCoefficients();
        int freezeAt = 15 + new Random().nextInt(40);
        try (RealRun run = RealRun.create(dir)) {
            Process watchdog = run.watchdogRun(
                    "--check-interval",
                    "1s",
                    "--hang-timeout",
                    "8s",
                    "--stop-timeout",
                    "60s",
                    "--backoff-initial",
                    "200ms",
                    "--backoff-max",
                    "1s");
            AtomicLong trainer = new AtomicLong();
            run.await(
                    () -> {
                        run.runningTrainer().ifPresent(trainer::set);
                        return (trainer.get() != 0 && run.highestStepSince(0) >= freezeAt) || !watchdog.isAlive();
                    },
                    RealRun.PATIENCE,
                    "the trainer to pass step " + freezeAt);
            assertTrue(
                    watchdog.isAlive(), () -> "the watchdog ended early:\n" + run.output(watchdog) + "\n" + run.log());
            long pid = trainer.get();

            RealRun.signal("STOP", pid);
            long frozenAt = System.nanoTime();
            run.await(
                    () -> run.log().contains("trainer pid " + pid + " is hung"),
                    HANG_TIMEOUT.plus(SLACK).plusSeconds(30),
                    "the watchdog to find trainer pid " + pid + " hung");
            Duration detectedAfter = Duration.ofNanos(System.nanoTime() - frozenAt);
            assertTrue(
                    detectedAfter.compareTo(HANG_TIMEOUT.plus(SLACK)) <= 0,
                    "found hung " + detectedAfter.toMillis() + " ms after SIGSTOP, hang timeout " + HANG_TIMEOUT
                            + "; log:\n" + run.log());

            int code = run.awaitExit(watchdog, RealRun.PATIENCE);
            String log = run.log();
            assertEquals(0, code, log);
            Pattern hung = Pattern.compile("trainer pid " + pid + " is hung: no progress for \\d+s \\(hang timeout 8s");
            assertTrue(hung.matcher(log).find(), log);
            assertTrue(log.contains("trainer pid " + pid + " is stopped (SIGSTOP or Ctrl+Z)"), log);
            assertTrue(log.contains("thread dump of trainer pid " + pid), log);
            String dump = log.substring(log.indexOf("thread dump of trainer pid " + pid));
            assertTrue(
                    dump.contains("Full thread dump") && dump.contains("\"main\""),
                    "the dump in the log names the threads:\n" + log);
            // continued after SIGTERM, the trainer writes its emergency checkpoint and ends with 143
            assertTrue(log.contains("hung trainer pid " + pid + " ended with exit 143"), log);

            Matcher started =
                    Pattern.compile("trainer started pid (\\d+) \\(attempt 2").matcher(log);
            assertTrue(started.find(), "a second trainer was started:\n" + log);
            long resumed = Long.parseLong(started.group(1));
            assertTrue(log.contains("trainer pid " + resumed + " ended: exit 0"), log);
            assertTrue(log.contains("the run completed at step " + RealRun.STEPS + " of " + RealRun.STEPS), log);

            SessionState session = run.session().orElseThrow();
            assertEquals(SessionStatus.COMPLETED, session.status());
            assertEquals(resumed, session.pid());
            assertTrue(
                    session.resumes().stream().anyMatch(r -> r.fromStep() >= freezeAt),
                    "resumed from the emergency checkpoint at the frozen step (>= " + freezeAt + "): "
                            + session.resumes());
            WatchdogState state = WatchdogState.read(run.out).orElseThrow();
            assertEquals(2, state.attempts());
            assertTrue(
                    state.lastFailure().reason().startsWith("hung: no progress for"),
                    state.lastFailure().reason());
            assertTrue(Files.readString(run.out.resolve("logs/trainer-console.log"))
                    .contains("Full thread dump"));
            assertArrayEquals(
                    reference,
                    RealRun.coefficients(run.out),
                    "final parameters differ from the uninterrupted run's; " + "frozen at step " + freezeAt + "\n"
                            + log);
        }
    }
}
