package org.trainguard.watchdog.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** One supervised trainer: its processes, the furthest step it reported, and its end. */
class TrainerAttemptTest {

    private static TrainerAttempt attempt() {
        return new TrainerAttempt(new TrainerProcess(ProcessHandle.current(), Optional.empty(), 1));
    }

    @Test
    void theFurthestReportedStepIsKept() {
        TrainerAttempt a = attempt();
        assertEquals(OptionalLong.empty(), a.step());
        a.noteStep(40);
        a.noteStep(12); // a session file written before the last heartbeat
        assertEquals(OptionalLong.of(40), a.step());
        a.noteStep(41);
        assertEquals(OptionalLong.of(41), a.step());
    }

    @Test
    void processesReportedByTheTrainerBelongToIt() {
        TrainerAttempt a = attempt();
        long self = ProcessHandle.current().pid();
        assertTrue(a.reported(self));
        assertFalse(a.reported(self + 100_000));
        a.addPid(self + 100_000);
        assertTrue(a.reported(self + 100_000));
        assertTrue(a.owns(self + 100_000));
    }

    @Test
    void itsEndIsHandledOnceAndThenItIsGone() {
        TrainerAttempt a = attempt();
        assertFalse(a.endHandled());
        assertFalse(a.gone());
        a.handleEnd();
        a.markGone();
        assertTrue(a.endHandled());
        assertTrue(a.gone());
    }
}
