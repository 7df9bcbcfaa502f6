package org.trainguard.watchdog.supervise;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.trainguard.config.Durations;
import org.trainguard.core.checkpoint.CheckpointStore;
import org.trainguard.core.folder.RunFolder;
import org.trainguard.core.lock.RunLock;
import org.trainguard.core.run.Heartbeat;
import org.trainguard.core.run.HostName;
import org.trainguard.core.run.SessionState;
import org.trainguard.core.run.SessionStatus;

/**
 * What {@code watchdog status} reports about a run: whether a watchdog supervises it, the trainer's process, the
 * run's progress from the session file, the restart budget and the last failure from {@code watchdog_state.json},
 * and what happens next. Read from the files alone; it never touches a lock, so asking cannot disturb a trainer
 * that is starting.
 *
 * @param configFile the run's config file
 * @param outputDir  the run's output folder
 * @param watchdog   the live watchdog, when one supervises the run
 * @param state      the watchdog's state file (of the live watchdog, or the last one)
 * @param session    the session file, when it can be read
 * @param trainerPid the live trainer's process id, when one runs
 * @param heartbeat  the last heartbeat of that trainer
 * @param newestCheckpoint the newest committed checkpoint (not verified here)
 * @param nextAction what happens next, in words
 */
public record RunStatus(
        Path configFile,
        Path outputDir,
        Optional<WatchdogLock.Holder> watchdog,
        Optional<WatchdogState> state,
        Optional<SessionState> session,
        OptionalLong trainerPid,
        Optional<Heartbeat> heartbeat,
        Optional<CheckpointStore.Checkpoint> newestCheckpoint,
        String nextAction) {

    /** Checks that nothing is missing. */
    public RunStatus {
        Objects.requireNonNull(configFile, "configFile");
        Objects.requireNonNull(outputDir, "outputDir");
        Objects.requireNonNull(watchdog, "watchdog");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(trainerPid, "trainerPid");
        Objects.requireNonNull(heartbeat, "heartbeat");
        Objects.requireNonNull(newestCheckpoint, "newestCheckpoint");
        Objects.requireNonNull(nextAction, "nextAction");
    }

    /**
     * Reads a run's files.
     *
     * @param configFile the run's config file
     * @param outputDir  the run's output folder
     * @return what they say
     */
    public static RunStatus inspect(Path configFile, Path outputDir) {
        Optional<WatchdogLock.Holder> watchdog = WatchdogLock.holder(outputDir);
        Optional<WatchdogState> state = WatchdogState.read(outputDir);
        RunFolder run = new RunFolder(outputDir);
        Optional<SessionState> session;
        try {
            session = run.session().state();
        } catch (RuntimeException newerSchema) {
            session = Optional.empty();
        }
        OptionalLong trainer = liveTrainer(outputDir, watchdog, state);
        Optional<Heartbeat> beat = run.heartbeat();
        Optional<CheckpointStore.Checkpoint> newest = run.newestCheckpoint();
        String next = nextAction(configFile, watchdog, state, session, trainer, newest);
        return new RunStatus(
                configFile.toAbsolutePath(),
                outputDir,
                watchdog,
                state,
                session,
                trainer,
                beat.filter(b -> trainer.isPresent() && b.pid() == trainer.getAsLong()),
                newest,
                next);
    }

    /**
     * Finds the live trainer of a run from the files only: the watchdog's state names it while a watchdog runs,
     * otherwise {@code trainguard.lock} does.
     *
     * @param outputDir the run's output folder
     * @param watchdog  the live watchdog, if any
     * @param state     the watchdog's state file, if any
     * @return the trainer's process id when it is alive on this host
     */
    static OptionalLong liveTrainer(
            Path outputDir, Optional<WatchdogLock.Holder> watchdog, Optional<WatchdogState> state) {
        if (watchdog.isPresent()
                && state.isPresent()
                && state.get().watchdogPid() == watchdog.get().pid()) {
            OptionalLong supervised = state.get().supervisedPid();
            if (supervised.isPresent()
                    && ProcessHandle.of(supervised.getAsLong())
                            .map(ProcessHandle::isAlive)
                            .orElse(false)) {
                return supervised;
            }
        }
        Optional<RunLock.LockInfo> recorded = new RunFolder(outputDir).lockRecord();
        if (recorded.isPresent()) {
            return recorded.filter(RunLock.LockInfo::aliveHere)
                    .filter(RunStatus::startedBeforeLock)
                    .map(info -> OptionalLong.of(info.pid()))
                    .orElse(OptionalLong.empty());
        }
        return sessionTrainer(outputDir);
    }

    /**
     * The trainer named by the session file, when the file says it runs and that process is alive here: for where
     * the lock file cannot be read (Windows locks are mandatory, so only the holder can read it).
     *
     * @param outputDir the run's output folder
     * @return the trainer's process id
     */
    static OptionalLong sessionTrainer(Path outputDir) {
        try {
            return new RunFolder(outputDir)
                    .session()
                    .state()
                    .filter(s -> s.status().live() && s.host().equals(HostName.get()) && s.pid() > 0)
                    .filter(s -> ProcessHandle.of(s.pid())
                            .filter(ProcessHandle::isAlive)
                            // it wrote the file, so it started before the file's time; a later start is a reused pid
                            .map(p -> p.info()
                                    .startInstant()
                                    .map(t -> !t.isAfter(s.updatedAt().plusSeconds(2)))
                                    .orElse(true))
                            .orElse(false))
                    .map(s -> OptionalLong.of(s.pid()))
                    .orElse(OptionalLong.empty());
        } catch (RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    private static boolean startedBeforeLock(RunLock.LockInfo info) {
        // A pid reused by an unrelated process started after the trainer took the lock is not the trainer.
        return ProcessHandle.of(info.pid())
                .flatMap(p -> p.info().startInstant())
                .map(start -> !start.isAfter(info.startedAt().plus(Duration.ofSeconds(2))))
                .orElse(true);
    }

    private static String nextAction(
            Path configFile,
            Optional<WatchdogLock.Holder> watchdog,
            Optional<WatchdogState> state,
            Optional<SessionState> session,
            OptionalLong trainer,
            Optional<CheckpointStore.Checkpoint> newest) {
        String run = "`watchdog run --config " + configFile + "`";
        if (watchdog.isPresent()) {
            return state.filter(s -> s.watchdogPid() == watchdog.get().pid())
                    .map(WatchdogState::nextAction)
                    .orElse("starting");
        }
        if (trainer.isPresent()) {
            return "none: trainer pid " + trainer.getAsLong() + " runs without a watchdog; " + run + " attaches to it";
        }
        if (session.map(SessionState::status).orElse(null) == SessionStatus.COMPLETED) {
            return "none: the run completed";
        }
        if (state.isPresent() && (state.get().stoppedByUser() || state.get().phase() == WatchdogState.Phase.FAILED)) {
            return state.get().nextAction();
        }
        return "none: no watchdog runs; " + run + " "
                + newest.map(c -> "resumes from " + c.name()).orElse("starts the run");
    }

    /**
     * The step the run stands at: the newer of the session file (rewritten every few minutes) and the live
     * trainer's heartbeat (every few seconds), so a run does not read "step 0" minutes after it started training.
     *
     * @return the step, empty when there is neither a session file nor a training heartbeat
     */
    public OptionalLong step() {
        Optional<Heartbeat> beat = heartbeat.filter(h -> !h.phase().startUp());
        if (session.isPresent()) {
            SessionState s = session.get();
            if (beat.isPresent() && beat.get().updatedAt().isAfter(s.updatedAt())) {
                return OptionalLong.of(beat.get().step());
            }
            return OptionalLong.of(s.step());
        }
        return beat.map(h -> OptionalLong.of(h.step())).orElse(OptionalLong.empty());
    }

    /** @return whether a live watchdog supervises the run */
    public boolean supervised() {
        return watchdog.isPresent();
    }

    /** @return the status as the JSON object {@code watchdog status --json} prints */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("config", configFile.toString());
        m.put("output_dir", outputDir.toString());
        m.put("supervised", supervised());
        m.put("watchdog_pid", watchdog.map(WatchdogLock.Holder::pid).orElse(null));
        m.put("trainer_pid", trainerPid.isPresent() ? trainerPid.getAsLong() : null);
        m.put(
                "trainer_attached",
                state.filter(s -> supervised()).map(WatchdogState::attached).orElse(false));
        m.put("status", session.map(s -> s.status().name()).orElse(null));
        OptionalLong step = step();
        m.put("step", step.isPresent() ? step.getAsLong() : null);
        m.put("session_step", session.map(SessionState::step).orElse(null));
        m.put("total_steps", session.map(SessionState::totalSteps).orElse(null));
        m.put("heartbeat_step", heartbeat.map(Heartbeat::step).orElse(null));
        m.put("heartbeat_phase", heartbeat.map(h -> h.phase().name()).orElse(null));
        m.put("heartbeat_at", heartbeat.map(h -> h.updatedAt().toString()).orElse(null));
        m.put("newest_checkpoint", newestCheckpoint.map(c -> c.dir().toString()).orElse(null));
        m.put("restarts", session.map(SessionState::restarts).orElse(0));
        m.put("watchdog_phase", state.map(s -> s.phase().name()).orElse(null));
        m.put("attempts", state.map(WatchdogState::attempts).orElse(0));
        m.put("failures_in_window", state.map(WatchdogState::failuresInWindow).orElse(0));
        m.put("max_failures", state.map(WatchdogState::maxFailures).orElse(null));
        m.put("budget_left", state.map(WatchdogState::budgetLeft).orElse(null));
        m.put(
                "last_failure",
                state.flatMap(WatchdogState::lastFailureInfo)
                        .map(RunStatus::failureJson)
                        .orElse(null));
        m.put("stopped_by_user", state.map(WatchdogState::stoppedByUser).orElse(false));
        m.put("next_action", nextAction);
        return m;
    }

    private static Map<String, Object> failureJson(WatchdogState.LastFailure f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("at", f.at() == null ? null : f.at().toString());
        m.put("exit_code", f.exitCode());
        m.put("signal", f.signal());
        m.put("reason", f.reason());
        m.put("step", f.step());
        return m;
    }

    /**
     * Prints the status for people.
     *
     * @param out where to print
     */
    public void print(PrintWriter out) {
        Instant now = Instant.now();
        out.printf("run:            %s (config %s)%n", outputDir, configFile);
        if (watchdog.isPresent()) {
            WatchdogLock.Holder w = watchdog.get();
            out.printf("watchdog:       running, pid %d since %s%n", w.pid(), w.startedAt());
        } else {
            out.printf(
                    "watchdog:       not running%s%n",
                    state.map(s -> " (the last one, pid " + s.watchdogPid() + ", ended "
                                    + (s.exitCode() == null ? "without recording how" : "with exit " + s.exitCode())
                                    + ")")
                            .orElse(""));
        }
        if (trainerPid.isPresent()) {
            boolean attached =
                    supervised() && state.map(WatchdogState::attached).orElse(false);
            out.printf(
                    "trainer:        pid %d, alive%s%s%n",
                    trainerPid.getAsLong(),
                    supervised() ? ", supervised" : ", NOT supervised",
                    attached ? " (attached)" : "");
        } else {
            out.printf("trainer:        not running%n");
        }
        if (session.isPresent()) {
            SessionState s = session.get();
            long at = step().orElse(s.step());
            String pct = s.totalSteps() > 0 ? String.format(" (%.1f%%)", 100.0 * at / s.totalSteps()) : "";
            String from = at != s.step() ? " (from the heartbeat; the session file says step " + s.step() + ")" : "";
            out.printf(
                    "run status:     %s, step %d of %d%s%s, session updated %s%n",
                    s.status(), at, s.totalSteps(), pct, from, s.updatedAt());
            s.exitInfo().ifPresent(e -> out.printf("last exit:      %d: %s%n", e.code(), e.reason()));
        } else {
            out.printf("run status:     no session file yet%n");
        }
        heartbeat.ifPresent(h -> out.printf(
                "heartbeat:      %s, %s ago%n",
                h.phase().startUp()
                        ? "starting ("
                                + h.phase()
                                        .name()
                                        .toLowerCase(java.util.Locale.ROOT)
                                        .replace('_', ' ') + ")"
                        : "step " + h.step() + ", " + h.status(),
                Durations.format(
                        Duration.between(h.updatedAt(), now).withNanos(0).abs())));
        out.printf("checkpoint:     %s%n", newestCheckpoint.map(c -> c.name()).orElse("none yet"));
        out.printf(
                "restarts:       %d (session)%s%n",
                session.map(SessionState::restarts).orElse(0),
                state.map(s -> ", " + s.attempts() + " trainer start(s) by the " + (supervised() ? "" : "last ")
                                + "watchdog")
                        .orElse(""));
        state.ifPresent(s -> out.printf(
                "budget left:    %d of %d failures without progress (%d in the window), next back-off %s%n",
                s.budgetLeft(), s.maxFailures(), s.failuresInWindow(), s.backoff()));
        state.flatMap(WatchdogState::lastFailureInfo)
                .ifPresentOrElse(
                        f -> out.printf("last failure:   %s, %s%n", f.at(), f.describe()),
                        () -> out.printf("last failure:   none%n"));
        if (state.map(WatchdogState::stoppedByUser).orElse(false)) {
            out.printf("stopped:        on purpose, by the user%n");
        }
        out.printf("next action:    %s%n", nextAction);
        if (!supervised() && state.isPresent() && !state.get().host().equals(HostName.get())) {
            out.printf(
                    "note:           the state file was written on %s%n",
                    state.get().host());
        }
        out.flush();
    }
}
