package org.trainguard.watchdog.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.core.run.Heartbeat;

/**
 * Start-up is not a hang: the real trainer beats from its start with the phase it is in, the watchdog judges
 * start-up by {@code watchdog.startup_timeout} and the hang timeout only once the trainer trains; a trainer stuck in
 * start-up past the start-up timeout is ended.
 */
class StartUpIT {

    private static final Pattern STARTED = Pattern.compile("trainer started pid (\\d+) \\(attempt 1\\)");

    @TempDir
    Path dir;

    @Test
    void aSlowStartUnderAShortHangTimeoutIsNotAHang() throws Exception {
        try (RealRun run = RealRun.create(dir)) {
            // Thirty times the data: reading and featurizing it takes the trainer far longer than the hang timeout.
            List<String> rows = Files.readAllLines(dir.resolve("train.jsonl"));
            for (int i = 1; i < 30; i++) {
                Files.write(dir.resolve("train.jsonl"), rows, java.nio.file.StandardOpenOption.APPEND);
            }
            Process watchdog = run.watchdogRun("--check-interval", "200ms", "--hang-timeout", "2s");
            AtomicLong pid = new AtomicLong();
            Set<Heartbeat.Phase> phases = EnumSet.noneOf(Heartbeat.Phase.class);
            run.await(
                    () -> {
                        Matcher m = STARTED.matcher(run.log());
                        if (pid.get() == 0 && m.find()) {
                            pid.set(Long.parseLong(m.group(1)));
                        }
                        Heartbeat.read(run.out)
                                .filter(b -> b.pid() == pid.get())
                                .ifPresent(b -> phases.add(b.phase()));
                        return phases.contains(Heartbeat.Phase.TRAINING)
                                || !watchdog.isAlive()
                                || run.log().contains(" is hung");
                    },
                    RealRun.PATIENCE,
                    "the first trainer to train");
            String log = run.log();
            assertFalse(log.contains(" is hung"), "start-up was taken for a hang:\n" + log);
            assertTrue(watchdog.isAlive(), log);
            assertTrue(phases.contains(Heartbeat.Phase.TRAINING), "the first trainer trains: " + phases + "\n" + log);
            assertTrue(phases.stream().anyMatch(Heartbeat.Phase::startUp), "it beat while it started: " + phases);
            assertFalse(log.contains("(attempt 2)"), log);
            assertTrue(log.contains("hung after 2s without progress (10m to start)"), log);

            RealRun.signal("TERM", watchdog.pid());
            assertEquals(0, run.awaitExit(watchdog, RealRun.PATIENCE), run.log());
        }
    }

    @Test
    void aTrainerStuckInStartUpPastTheStartupTimeoutIsEndedAndRestarted() throws Exception {
        String yaml = RealRun.standardConfig() + "watchdog:\n  startup_timeout: 5s\n";
        try (RealRun run = RealRun.create(dir, yaml)) {
            Process watchdog =
                    run.watchdogRun("--check-interval", "200ms", "--stop-timeout", "30s", "--backoff-initial", "200ms");
            AtomicLong pid = new AtomicLong();
            run.await(
                    () -> {
                        Matcher m = STARTED.matcher(run.log());
                        if (m.find()) {
                            pid.set(Long.parseLong(m.group(1)));
                        }
                        return pid.get() != 0 || !watchdog.isAlive();
                    },
                    RealRun.PATIENCE,
                    "the first trainer to start");
            RealRun.signal("STOP", pid.get());
            run.await(
                    () -> run.log().contains("(attempt 2)") || !watchdog.isAlive(),
                    RealRun.PATIENCE,
                    "the stuck trainer to be ended and another started");
            String log = run.log();
            assertTrue(log.contains("trainer pid " + pid.get() + " is hung in start-up: not training "), log);
            assertTrue(log.contains("(startup timeout 5s; "), log);
            assertTrue(log.contains("hung trainer pid " + pid.get() + " ended"), log);
            assertFalse(ProcessHandle.of(pid.get()).map(ProcessHandle::isAlive).orElse(false));

            RealRun.signal("TERM", watchdog.pid());
            assertEquals(0, run.awaitExit(watchdog, RealRun.PATIENCE), run.log());
        }
    }
}
