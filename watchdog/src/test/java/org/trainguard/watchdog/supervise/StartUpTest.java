package org.trainguard.watchdog.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.trainguard.core.checkpoint.CheckpointStore;
import org.trainguard.core.lock.RunLock;
import org.trainguard.core.run.SessionState;
import org.trainguard.core.run.SessionStatus;
import org.trainguard.watchdog.notify.EventKind;

/** The watchdog's first decision about its run, from what the run folder holds. */
class StartUpTest {

    private static final Path LOCK = Path.of("/runs/a/run.lock");
    private static final RunLock.LockInfo HOLDER =
            new RunLock.LockInfo(4242, "other-host", "", Instant.parse("2026-01-02T03:04:05Z"));
    private static final Optional<CheckpointStore.Checkpoint> NONE = Optional.empty();

    private static Optional<SessionState> session(SessionStatus status, String sha) {
        return Optional.of(
                SessionState.builder("s1").status(status).configSha256(sha).build());
    }

    @Test
    void aLockHeldFromAnotherHostIsRefusedWithItsHolderNamed() {
        StartUp s =
                StartUp.decide(Optional.of(HOLDER), Optional.empty(), LOCK, "this-host", Optional.empty(), "abc", NONE);
        StartUp.HeldElsewhere held = assertInstanceOf(StartUp.HeldElsewhere.class, s);
        assertEquals(
                "the run lock " + LOCK
                        + " is held by pid 4242 on other-host since 2026-01-02T03:04:05Z, not a process on this host "
                        + "(this-host); supervise it where it runs",
                held.why());
    }

    @Test
    void aLiveHolderHereIsAttachedTo() {
        ProcessHandle self = ProcessHandle.current();
        StartUp.Attach a = assertInstanceOf(
                StartUp.Attach.class,
                StartUp.decide(Optional.of(HOLDER), Optional.of(self), LOCK, "h", Optional.empty(), "abc", NONE));
        assertSame(self, a.process());
        assertEquals("it took the run lock at 2026-01-02T03:04:05Z", a.how());
    }

    @Test
    void aRunCompletedWithThisConfigNeedsNothingButAnotherConfigStartsAgain() {
        assertInstanceOf(
                StartUp.Completed.class,
                StartUp.decide(
                        Optional.empty(),
                        Optional.empty(),
                        LOCK,
                        "h",
                        session(SessionStatus.COMPLETED, "abc"),
                        "abc",
                        NONE));
        assertEquals(
                new StartUp.Launch(EventKind.STARTED, ""),
                StartUp.decide(
                        Optional.empty(),
                        Optional.empty(),
                        LOCK,
                        "h",
                        session(SessionStatus.COMPLETED, "abc"),
                        "changed",
                        NONE));
    }

    @Test
    void aTrainerIsStartedOrResumedFromTheNewestCheckpoint() {
        assertEquals(
                new StartUp.Launch(EventKind.STARTED, ""),
                StartUp.decide(Optional.empty(), Optional.empty(), LOCK, "h", Optional.empty(), "abc", NONE));
        Optional<CheckpointStore.Checkpoint> newest =
                Optional.of(new CheckpointStore.Checkpoint(300, Path.of("/runs/a/checkpoints/checkpoint-300")));
        assertEquals(
                new StartUp.Launch(EventKind.RESUMED, "resuming from checkpoint-300"),
                StartUp.decide(
                        Optional.empty(),
                        Optional.empty(),
                        LOCK,
                        "h",
                        session(SessionStatus.RUNNING, "abc"),
                        "abc",
                        newest));
    }
}
