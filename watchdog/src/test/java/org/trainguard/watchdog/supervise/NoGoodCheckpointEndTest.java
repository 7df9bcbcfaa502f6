package org.trainguard.watchdog.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.trainguard.core.run.SessionState;
import org.trainguard.core.run.SessionStatus;
import org.trainguard.watchdog.supervise.TrainerEnd.Kind;

class NoGoodCheckpointEndTest {

    @Test
    void aTrainerThatFoundNoGoodCheckpointIsNotRestarted() {
        String reason = "the run had reached step 220, but no checkpoint verifies";
        Optional<SessionState> session = Optional.of(SessionState.builder("s-1")
                .status(SessionStatus.FAILED)
                .step(220)
                .exit(new SessionState.Exit(6, reason))
                .build());
        TrainerEnd end = TrainerEnd.classify(OptionalInt.of(6), session);
        assertEquals(Kind.NOT_RESTARTABLE, end.kind());
        assertEquals(6, end.watchdogExitCode());
        assertEquals(reason, end.reason());
        // an attached trainer (no exit status): the session file decides
        assertEquals(
                Kind.NOT_RESTARTABLE,
                TrainerEnd.classify(OptionalInt.empty(), session).kind());
    }
}
