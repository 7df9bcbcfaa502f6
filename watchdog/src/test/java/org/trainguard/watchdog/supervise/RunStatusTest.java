package org.trainguard.watchdog.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.core.io.Json;
import org.trainguard.core.lock.RunLock;
import org.trainguard.core.run.Heartbeat;
import org.trainguard.core.run.HostName;
import org.trainguard.core.run.SessionState;
import org.trainguard.core.run.SessionStatus;
import org.trainguard.core.run.SessionStore;

class RunStatusTest {

    @TempDir
    Path dir;

    private Path config() {
        return dir.resolve("train.yaml");
    }

    /** Above Linux's largest pid (2^22): no process has it. */
    private static long deadPid() {
        return (1L << 22) + 12345;
    }

    private static String printed(RunStatus status) {
        StringWriter text = new StringWriter();
        status.print(new PrintWriter(text));
        return text.toString();
    }

    @Test
    void aRunThatNeverStartedSaysSo() {
        RunStatus status = RunStatus.inspect(config(), dir);
        assertFalse(status.supervised());
        assertTrue(status.trainerPid().isEmpty());
        assertTrue(status.nextAction().endsWith("starts the run"), status.nextAction());
        String text = printed(status);
        assertTrue(text.contains("watchdog:       not running"), text);
        assertTrue(text.contains("run status:     no session file yet"), text);
        Map<String, Object> json = status.toJson();
        assertEquals(false, json.get("supervised"));
        assertEquals(null, json.get("trainer_pid"));
    }

    @Test
    void aRunStoppedOnPurposeReportsTheStopAndTheLastFailure() throws Exception {
        new SessionStore(dir)
                .write(SessionState.builder("s-1")
                        .status(SessionStatus.INTERRUPTED)
                        .pid(deadPid())
                        .step(300)
                        .totalSteps(1000)
                        .restarts(2)
                        .exit(new SessionState.Exit(143, "interrupted by SIGTERM"))
                        .build());
        WatchdogState.LastFailure failure = WatchdogState.LastFailure.of(
                Instant.now(), OptionalInt.of(137), Optional.of("SIGKILL"), "killed by SIGKILL", OptionalLong.of(250));
        WatchdogState.write(
                dir,
                new WatchdogState(
                        1,
                        deadPid(),
                        HostName.get(),
                        config().toString(),
                        Instant.now(),
                        WatchdogState.Phase.STOPPED,
                        null,
                        false,
                        4,
                        1,
                        5,
                        4,
                        "2s",
                        failure,
                        "none: stopped on purpose (SIGTERM)",
                        true,
                        0,
                        Instant.now()));
        RunStatus status = RunStatus.inspect(config(), dir);
        assertEquals("none: stopped on purpose (SIGTERM)", status.nextAction());
        String text = printed(status);
        assertTrue(text.contains("INTERRUPTED, step 300 of 1000 (30.0%)"), text);
        assertTrue(text.contains("restarts:       2 (session), 4 trainer start(s) by the last watchdog"), text);
        assertTrue(text.contains("budget left:    4 of 5"), text);
        assertTrue(text.contains("exit 137 (SIGKILL) at step 250: killed by SIGKILL"), text);
        assertTrue(text.contains("stopped:        on purpose"), text);
        Map<String, Object> json = status.toJson();
        assertEquals(true, json.get("stopped_by_user"));
        assertEquals(4, json.get("budget_left"));
        assertEquals("INTERRUPTED", json.get("status"));
        @SuppressWarnings("unchecked")
        Map<String, Object> last = (Map<String, Object>) json.get("last_failure");
        assertEquals("SIGKILL", last.get("signal"));
        // and it serializes as the JSON `status --json` prints
        assertTrue(Json.mapper().writeValueAsString(json).contains("\"next_action\""));
    }

    @Test
    void aTrainerWithoutWatchdogIsFoundFromTheRunLockWithoutProbingIt() throws Exception {
        RunLock.LockInfo me = new RunLock.LockInfo(ProcessHandle.current().pid(), HostName.get(), "s-1", Instant.now());
        Files.write(dir.resolve(RunLock.FILE_NAME), Json.mapper().writeValueAsBytes(me));
        RunStatus status = RunStatus.inspect(config(), dir);
        assertEquals(OptionalLong.of(ProcessHandle.current().pid()), status.trainerPid());
        assertFalse(status.supervised());
        assertTrue(status.nextAction().contains("runs without a watchdog"), status.nextAction());
        assertTrue(printed(status).contains("NOT supervised"));
    }

    @Test
    void aSupervisedRunShowsTheWatchdogsNextAction() throws Exception {
        try (WatchdogLock lock = WatchdogLock.acquire(dir, config())) {
            long me = lock.info().pid();
            WatchdogState.write(
                    dir,
                    new WatchdogState(
                            1,
                            me,
                            HostName.get(),
                            config().toString(),
                            Instant.now(),
                            WatchdogState.Phase.SUPERVISING,
                            me,
                            true,
                            1,
                            0,
                            5,
                            5,
                            "1s",
                            null,
                            "supervising trainer pid " + me,
                            false,
                            null,
                            Instant.now()));
            RunStatus status = RunStatus.inspect(config(), dir);
            assertTrue(status.supervised());
            assertEquals(OptionalLong.of(me), status.trainerPid());
            assertEquals("supervising trainer pid " + me, status.nextAction());
            String text = printed(status);
            assertTrue(text.contains("watchdog:       running, pid " + me), text);
            assertTrue(text.contains("supervised (attached)"), text);
            assertTrue(text.contains("last failure:   none"), text);
        }
    }

    @Test
    void whereTheLockCannotBeReadTheSessionFileNamesTheTrainer() throws Exception {
        new SessionStore(dir)
                .write(SessionState.builder("s-1").status(SessionStatus.RUNNING).build());
        assertEquals(
                OptionalLong.of(ProcessHandle.current().pid()),
                RunStatus.sessionTrainer(dir),
                "the builder records this process, which is alive and wrote the file");
        new SessionStore(dir)
                .write(SessionState.builder("s-1")
                        .status(SessionStatus.RUNNING)
                        .pid(deadPid())
                        .build());
        assertTrue(RunStatus.sessionTrainer(dir).isEmpty(), "a dead trainer");
        new SessionStore(dir)
                .write(SessionState.builder("s-1")
                        .status(SessionStatus.INTERRUPTED)
                        .build());
        assertTrue(RunStatus.sessionTrainer(dir).isEmpty(), "a session that says the trainer ended");
    }

    @Test
    void aTrainerInStartUpShowsItsPhase() throws Exception {
        // This test's process stands for a trainer that holds the run and loads its data.
        long pid = ProcessHandle.current().pid();
        RunLock.LockInfo me = new RunLock.LockInfo(pid, HostName.get(), "", Instant.now());
        Files.write(dir.resolve(RunLock.FILE_NAME), Json.mapper().writeValueAsBytes(me));
        Heartbeat.write(
                dir, new Heartbeat(pid, SessionStatus.STARTING, 0, 0, Instant.now(), Heartbeat.Phase.LOADING_DATA));
        RunStatus status = RunStatus.inspect(config(), dir);
        String text = printed(status);
        assertTrue(text.contains("heartbeat:      starting (loading data), "), text);
        assertEquals("LOADING_DATA", status.toJson().get("heartbeat_phase"));
    }

    @Test
    void aTrainingHeartbeatNewerThanTheSessionFileGivesTheStep() throws Exception {
        // The session file is rewritten every few minutes; the heartbeat every few seconds.
        long pid = ProcessHandle.current().pid();
        RunLock.LockInfo me = new RunLock.LockInfo(pid, HostName.get(), "s-1", Instant.now());
        Files.write(dir.resolve(RunLock.FILE_NAME), Json.mapper().writeValueAsBytes(me));
        SessionState session = SessionState.builder("s-1")
                .status(SessionStatus.RUNNING)
                .step(0)
                .totalSteps(400)
                .build();
        new SessionStore(dir).write(session);
        Instant later =
                new SessionStore(dir).read().state().orElseThrow().updatedAt().plusSeconds(3);
        Heartbeat.write(dir, new Heartbeat(pid, SessionStatus.RUNNING, 36, 36, later));
        RunStatus status = RunStatus.inspect(config(), dir);
        String text = printed(status);
        assertTrue(
                text.contains("RUNNING, step 36 of 400 (9.0%) (from the heartbeat; the session file says step 0)"),
                text);
        assertEquals(36L, status.toJson().get("step"));
        assertEquals(0L, status.toJson().get("session_step"));

        // an older heartbeat does not take the session file's place
        Heartbeat.write(dir, new Heartbeat(pid, SessionStatus.RUNNING, 36, 36, later.minusSeconds(60)));
        assertTrue(
                printed(RunStatus.inspect(config(), dir)).contains("RUNNING, step 0 of 400 (0.0%), session updated"));
    }
}
