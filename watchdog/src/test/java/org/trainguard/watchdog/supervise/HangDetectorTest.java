package org.trainguard.watchdog.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.trainguard.core.run.Heartbeat;
import org.trainguard.core.run.SessionStatus;

class HangDetectorTest {

    private final TestClock clock = new TestClock();
    private final HangDetector detector = new HangDetector(Duration.ofSeconds(30), clock);

    private static Optional<Heartbeat> beat(long pid, long progress, Instant at) {
        return Optional.of(new Heartbeat(pid, SessionStatus.RUNNING, progress, progress, at));
    }

    @Test
    void silenceCountsFromProcessStartUntilTheFirstHeartbeat() {
        detector.watch(42, pid -> pid == 42);
        clock.advance(Duration.ofSeconds(29));
        assertFalse(detector.hung());
        clock.advance(Duration.ofSeconds(1));
        assertTrue(detector.hung());
    }

    @Test
    void aChangingHeartbeatKeepsItAliveAndAFrozenOneHangs() {
        detector.watch(42, pid -> pid == 42);
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 1; i <= 5; i++) {
            clock.advance(Duration.ofSeconds(20));
            assertTrue(detector.observe(beat(42, i, t.plusSeconds(i))));
            assertFalse(detector.hung());
        }
        assertEquals(5, detector.lastStep().getAsLong());
        clock.advance(Duration.ofSeconds(20));
        assertFalse(detector.observe(beat(42, 5, t.plusSeconds(5))), "same heartbeat again is no change");
        assertFalse(detector.hung());
        clock.advance(Duration.ofSeconds(10));
        assertTrue(detector.hung());
        assertEquals(Duration.ofSeconds(30), detector.silence());
    }

    @Test
    void evaluationCountsAsProgressThroughTheProgressCounter() {
        detector.watch(42, pid -> pid == 42);
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        detector.observe(Optional.of(new Heartbeat(42, SessionStatus.EVALUATING, 100, 1000, t)));
        clock.advance(Duration.ofSeconds(25));
        assertTrue(
                detector.observe(Optional.of(new Heartbeat(42, SessionStatus.EVALUATING, 100, 1001, t))),
                "the step stands still during evaluation but progress grows");
        clock.advance(Duration.ofSeconds(25));
        assertFalse(detector.hung());
    }

    @Test
    void aHeartbeatLeftByAnEarlierProcessDoesNotCount() {
        detector.watch(42, pid -> pid == 42);
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 0; i < 4; i++) {
            clock.advance(Duration.ofSeconds(10));
            assertFalse(detector.observe(beat(7, i, t.plusSeconds(i))));
        }
        assertTrue(detector.hung());
        assertTrue(detector.lastStep().isEmpty());
    }

    @Test
    void restartingTheClockForgetsSilence() {
        detector.watch(42, pid -> pid == 42);
        clock.advance(Duration.ofMinutes(5));
        assertTrue(detector.hung());
        detector.restartClock();
        assertFalse(detector.hung());
    }

    @Test
    void watchingANewProcessStartsOver() {
        detector.watch(42, pid -> pid == 42);
        detector.observe(beat(42, 9, Instant.EPOCH));
        clock.advance(Duration.ofMinutes(1));
        detector.watch(43, pid -> pid == 43);
        assertFalse(detector.hung());
        assertTrue(detector.lastStep().isEmpty());
        assertEquals(43, detector.pid());
    }

    @Test
    void startUpIsJudgedByTheStartupTimeoutAndStartUpBeatsAreNotProgress() {
        HangDetector startup = new HangDetector(Duration.ofSeconds(30), Duration.ofMinutes(10), clock);
        startup.watch(42, pid -> pid == 42);
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 1; i <= 9; i++) {
            clock.advance(Duration.ofMinutes(1));
            Heartbeat.Phase phase = i < 5 ? Heartbeat.Phase.LOADING_DATA : Heartbeat.Phase.RESTORING;
            assertFalse(
                    startup.observe(
                            Optional.of(new Heartbeat(42, SessionStatus.STARTING, 0, 0, t.plusSeconds(i), phase))),
                    "a start-up beat is no progress");
            assertTrue(startup.startingUp());
            assertFalse(startup.hung(), "a slow start is not a hang of 30s");
        }
        clock.advance(Duration.ofMinutes(1));
        assertTrue(startup.hung(), "ten minutes without training");

        startup.watch(43, pid -> pid == 43);
        clock.advance(Duration.ofMinutes(2));
        assertTrue(startup.observe(beat(43, 1, t)), "the first beat of training");
        assertFalse(startup.startingUp());
        clock.advance(Duration.ofSeconds(29));
        assertFalse(startup.hung());
        clock.advance(Duration.ofSeconds(1));
        assertTrue(startup.hung(), "from then on the hang timeout counts");
    }
}
