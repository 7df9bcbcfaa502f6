package org.trainguard.watchdog.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.trainguard.core.run.SessionState;
import org.trainguard.core.run.SessionStateBuilder;
import org.trainguard.core.run.SessionStatus;
import org.trainguard.watchdog.supervise.TrainerEnd.Kind;

class TrainerEndTest {

    private static Optional<SessionState> session(SessionStatus status, Integer code, String reason) {
        SessionStateBuilder b =
                SessionState.builder("s-1").status(status).step(1458).totalSteps(5000);
        if (code != null) {
            b.exit(new SessionState.Exit(code, reason));
        }
        return Optional.of(b.build());
    }

    @Test
    void exitZeroWithCompletedSessionIsDone() {
        TrainerEnd end = TrainerEnd.classify(OptionalInt.of(0), session(SessionStatus.COMPLETED, 0, "completed"));
        assertEquals(Kind.COMPLETED, end.kind());
        assertEquals(0, end.watchdogExitCode());
    }

    @Test
    void exitZeroWithoutCompletedSessionIsRestarted() {
        TrainerEnd end = TrainerEnd.classify(OptionalInt.of(0), session(SessionStatus.RUNNING, null, ""));
        assertEquals(Kind.RESTARTABLE, end.kind());
        assertEquals("exited with 0 but the session says RUNNING", end.reason());
        assertEquals(
                Kind.RESTARTABLE,
                TrainerEnd.classify(OptionalInt.of(0), Optional.empty()).kind());
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4, 5, 7})
    void configurationDataDivergenceAndLockAreNeverRestarted(int code) {
        TrainerEnd end =
                TrainerEnd.classify(OptionalInt.of(code), session(SessionStatus.FAILED, code, "the reason " + code));
        assertEquals(Kind.NOT_RESTARTABLE, end.kind());
        assertEquals("the reason " + code, end.reason(), "the session's own words");
        assertEquals(code, end.watchdogExitCode());
    }

    @Test
    void notRestartableWithoutSessionUsesTheContractDescription() {
        TrainerEnd end = TrainerEnd.classify(OptionalInt.of(3), Optional.empty());
        assertEquals(Kind.NOT_RESTARTABLE, end.kind());
        assertEquals("data error", end.reason());
    }

    @Test
    void aSessionReasonForAnotherExitIsNotUsed() {
        TrainerEnd end = TrainerEnd.classify(OptionalInt.of(137), session(SessionStatus.FAILED, 1, "old failure"));
        assertEquals(Kind.RESTARTABLE, end.kind());
        assertEquals("killed by SIGKILL", end.reason());
        assertEquals(Optional.of("SIGKILL"), end.signal());
        assertEquals("exit 137 (SIGKILL)", end.describeExit());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 129, 130, 134, 137, 143, 77})
    void everythingElseIsRestarted(int code) {
        assertEquals(
                Kind.RESTARTABLE,
                TrainerEnd.classify(OptionalInt.of(code), Optional.empty()).kind());
    }

    @Test
    void attachedTrainerIsClassifiedFromTheSession() {
        assertEquals(
                Kind.COMPLETED,
                TrainerEnd.classify(OptionalInt.empty(), session(SessionStatus.COMPLETED, 0, ""))
                        .kind());
        TrainerEnd data = TrainerEnd.classify(OptionalInt.empty(), session(SessionStatus.FAILED, 3, "bad line 7"));
        assertEquals(Kind.NOT_RESTARTABLE, data.kind());
        assertEquals(3, data.watchdogExitCode());
        assertEquals("bad line 7", data.reason());
        TrainerEnd interrupted = TrainerEnd.classify(OptionalInt.empty(), session(SessionStatus.INTERRUPTED, 143, ""));
        assertEquals(Kind.RESTARTABLE, interrupted.kind());
        assertEquals("interrupted by SIGTERM", interrupted.reason());
        TrainerEnd killed = TrainerEnd.classify(OptionalInt.empty(), session(SessionStatus.RUNNING, null, ""));
        assertEquals(Kind.RESTARTABLE, killed.kind());
        assertEquals(
                Kind.RESTARTABLE,
                TrainerEnd.classify(OptionalInt.empty(), Optional.empty()).kind());
    }

    @Test
    void signalNames() {
        assertEquals(Optional.of("SIGKILL"), TrainerEnd.signalOf(137));
        assertEquals(Optional.of("SIGTERM"), TrainerEnd.signalOf(143));
        assertEquals(Optional.of("SIGABRT"), TrainerEnd.signalOf(134));
        assertEquals(Optional.of("signal 40"), TrainerEnd.signalOf(168));
        assertEquals(Optional.empty(), TrainerEnd.signalOf(1));
        assertEquals(Optional.empty(), TrainerEnd.signalOf(128));
    }
}
