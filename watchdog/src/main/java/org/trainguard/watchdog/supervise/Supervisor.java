package org.trainguard.watchdog.supervise;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainguard.core.ExitCode;
import org.trainguard.core.checkpoint.CheckpointStore;
import org.trainguard.core.config.Durations;
import org.trainguard.core.config.WatchdogConfig;
import org.trainguard.core.lock.RunLock;
import org.trainguard.core.session.Heartbeat;
import org.trainguard.core.session.HostName;
import org.trainguard.core.session.SessionState;
import org.trainguard.core.session.SessionStatus;
import org.trainguard.core.session.SessionStore;
import org.trainguard.watchdog.notify.Event;
import org.trainguard.watchdog.notify.EventKind;
import org.trainguard.watchdog.notify.Notifier;
import org.trainguard.watchdog.notify.WebhookUrls;
import org.trainguard.watchdog.supervise.WatchdogState.LastFailure;
import org.trainguard.watchdog.supervise.WatchdogState.Phase;

/**
 * Keeps one training run going: starts the trainer (or attaches to the one already running), notices its end at
 * once, decides from the exit status and the session file whether to restart it, restarts it after a back-off
 * within a crash-loop budget, kills and restarts it when it hangs, and stops it on request. Every decision is a
 * log line and a rewrite of {@code watchdog_state.json}.
 *
 * <p>One thread runs the loop in {@link #run()}; the end of the trainer and stop requests arrive through a queue,
 * so nothing waits for the next check to see them.
 */
public final class Supervisor {

    /** The file {@code watchdog stop} writes to ask a watchdog to stop where signals cannot (Windows). */
    public static final String STOP_FILE = "watchdog.stop";

    private static final Logger LOG = LoggerFactory.getLogger("watchdog");
    /** The loop wakes at least this often to look for a stop request file. */
    private static final long MAX_POLL_MILLIS = 250;
    /** A wake-up this much later than asked means the watchdog itself was paused. */
    private static final Duration PAUSED = Duration.ofSeconds(10);
    /** How often a progress line goes to the log while all is well. */
    private static final Duration PROGRESS_LOG_EVERY = Duration.ofMinutes(10);
    /** How long to wait for a thread dump to be printed. */
    private static final Duration DUMP_WAIT = Duration.ofSeconds(3);
    /** How long to look for the trainer that holds the run after one the watchdog started exited 5. */
    private static final Duration LOCK_HOLDER_WAIT = Duration.ofSeconds(3);
    /** How long a process gets to disappear after SIGKILL. */
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);

    private sealed interface Wake permits Ended, StopAsked {
    }

    private record Ended(TrainerProcess trainer, OptionalInt exitCode) implements Wake {
    }

    private record StopAsked() implements Wake {
    }

    private final SupervisorSettings settings;
    private final WatchdogConfig config;
    private final Notifier notifier;
    private final Clock clock;
    private final SessionStore sessions;
    private final ConsoleLog console;
    private final TrainerLauncher launcher;
    private final HangDetector hang;
    private final Path stopFile;
    private final ClassDataArchive classData;
    private final BlockingQueue<Wake> wakes = new LinkedBlockingQueue<>();
    private final AtomicReference<String> stopSource = new AtomicReference<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Instant startedAt = Instant.now();

    private RestartPolicy policy;
    private Phase phase = Phase.STARTING;
    private TrainerProcess current;
    private boolean endHandled;
    private final Set<Long> trainerPids = new HashSet<>();
    private OptionalLong attemptStep = OptionalLong.empty();
    private int attempts;
    private LastFailure lastFailure;
    private String nextAction = "starting";
    private boolean stoppedByUser;
    private Integer exitCode;
    private Instant nextCheck;
    private Instant nextProgressLog;
    private Instant restartAt;
    private Optional<Path> pendingResume = Optional.empty();
    private String pendingReason = "";
    private Optional<Optional<Path>> rollbackTarget = Optional.empty();

    /**
     * @param settings what to supervise and how
     * @param notifier where events go (sound, webhook); never blocks
     */
    public Supervisor(SupervisorSettings settings, Notifier notifier) {
        this(settings, notifier, new MonotonicClock());
    }

    Supervisor(SupervisorSettings settings, Notifier notifier, Clock clock) {
        this.settings = settings;
        this.config = settings.watchdog();
        this.notifier = notifier;
        this.clock = clock;
        this.sessions = new SessionStore(settings.outputDir());
        this.console = new ConsoleLog(settings.outputDir());
        this.launcher = new TrainerLauncher(settings, console);
        this.classData = ClassDataArchive.of(settings);
        this.hang = new HangDetector(config.hangTimeout(), config.startupTimeout(), clock);
        this.stopFile = settings.outputDir().resolve(STOP_FILE);
    }

    /**
     * Asks the supervisor to stop: the trainer gets SIGTERM and the stop-timeout for its emergency checkpoint,
     * the stop is recorded, and {@link #run()} returns 0. Safe from any thread, e.g. a signal handler.
     *
     * @param source what asked, for the log ({@code SIGTERM}, {@code watchdog stop})
     */
    public void requestStop(String source) {
        if (stopSource.compareAndSet(null, source)) {
            wakes.add(new StopAsked());
        } else {
            LOG.info("{} received while stopping; still waiting for the trainer (up to {})", source,
                    Durations.format(config.stopTimeout()));
        }
    }

    /**
     * Supervises the run until it completes, fails in a way that is not restarted, gives up on a crash loop,
     * or is stopped on request.
     *
     * @return the watchdog's exit status: 0 completed or stopped, 1 gave up on a crash loop, 2 to 5 the trainer's
     *         own status that is never restarted (2 also when the trainer cannot be started), 5 also when a trainer
     *         on another host holds the run
     */
    public int run() {
        Thread hook = new Thread(this::onJvmShutdown, "watchdog-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            int code = supervise();
            exitCode = code;
            writeState();
            return code;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("interrupted; stopping");
            return stop();
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to; it waits for this method to finish
            }
        }
    }

    private int supervise() throws InterruptedException {
        Optional<SessionState> before = readSession();
        policy = new RestartPolicy(config.backoffInitial(), config.backoffMax(), config.crashLoopFailures(),
                config.crashLoopWindow(), before.map(SessionState::step).orElse(0L), clock);
        clearStopFile();
        writeState();
        logSettings();

        Optional<RunLock.LockInfo> holder = RunLock.holder(settings.outputDir());
        if (holder.isPresent()) {
            RunLock.LockInfo h = holder.get();
            Optional<ProcessHandle> live = h.pid() > 0 && h.aliveHere() ? ProcessHandle.of(h.pid()) : Optional.empty();
            if (live.isEmpty() && h.pid() <= 0) {
                // The lock is held but its record unreadable (Windows locks keep others from reading the file):
                // the session file names the trainer.
                OptionalLong named = RunStatus.sessionTrainer(settings.outputDir());
                live = named.isPresent() ? ProcessHandle.of(named.getAsLong()) : Optional.empty();
            }
            if (live.isEmpty()) {
                String why = "the run lock " + settings.outputDir().resolve(RunLock.FILE_NAME) + " is held by "
                        + h.describe() + ", not a process on this host (" + HostName.get() + "); supervise it where it runs";
                LOG.error(why);
                return finish(Phase.FAILED, ExitCode.LOCKED.code(), "none: " + why, Optional.of(EventKind.FAILED), why);
            }
            attach(live.get(), "it took the run lock at " + h.startedAt());
        } else {
            if (before.isPresent() && before.get().status() == SessionStatus.COMPLETED
                    && before.get().configSha256().equals(settings.configSha256())) {
                SessionState s = before.get();
                LOG.info("the run already completed at step {} of {}; nothing to do", s.step(), s.totalSteps());
                return finish(Phase.COMPLETED, 0, "none: the run completed", Optional.empty(), "");
            }
            if (before.isPresent() && before.get().status().live()) {
                LOG.warn("the last trainer (pid {}) ended while the session said {}, without recording how "
                        + "(killed, crashed or power lost); resuming from the newest checkpoint", before.get().pid(),
                        before.get().status());
            }
            Optional<CheckpointStore.Checkpoint> newest = newestCheckpoint();
            EventKind kind = newest.isPresent() ? EventKind.RESUMED : EventKind.STARTED;
            String reason = newest.map(c -> "resuming from " + c.name()).orElse("");
            OptionalInt failed = launch(Optional.empty(), kind, reason);
            if (failed.isPresent()) {
                return failed.getAsInt();
            }
        }
        return loop();
    }

    // ------------------------------------------------------------------ the loop

    private int loop() throws InterruptedException {
        while (true) {
            long waitMillis = waitMillis();
            Instant beforePoll = clock.instant();
            Wake wake = wakes.poll(waitMillis, TimeUnit.MILLISECONDS);
            Instant now = clock.instant();
            Duration late = Duration.between(beforePoll, now).minusMillis(waitMillis);
            if (late.compareTo(PAUSED) > 0 && phase == Phase.SUPERVISING) {
                LOG.warn("the watchdog itself was paused for about {} (suspended, or stopped with the trainer); "
                        + "restarting the hang clock", Durations.format(late.withNanos(0)));
                hang.restartClock();
            }
            if (stopRequested()) {
                return stop();
            }
            if (wake instanceof Ended ended && ended.trainer() == current && !endHandled) {
                OptionalInt done = onEnded(ended.trainer(), ended.exitCode());
                if (done.isPresent()) {
                    return done.getAsInt();
                }
                continue;
            }
            if (phase == Phase.RESTARTING && !now.isBefore(restartAt)) {
                OptionalInt failed = launch(pendingResume, EventKind.RESTARTED, pendingReason);
                if (failed.isPresent()) {
                    return failed.getAsInt();
                }
            } else if (phase == Phase.SUPERVISING && current != null && !endHandled && !now.isBefore(nextCheck)) {
                OptionalInt done = check();
                if (done.isPresent()) {
                    return done.getAsInt();
                }
                nextCheck = clock.instant().plus(config.checkInterval());
            }
        }
    }

    private long waitMillis() {
        Instant now = clock.instant();
        Instant due = switch (phase) {
            case RESTARTING -> restartAt;
            case SUPERVISING -> nextCheck;
            default -> now.plusMillis(MAX_POLL_MILLIS);
        };
        long millis = Duration.between(now, due).toMillis();
        return Math.max(1, Math.min(MAX_POLL_MILLIS, millis));
    }

    private boolean stopRequested() {
        if (stopSource.get() != null) {
            return true;
        }
        if (Files.exists(stopFile)) {
            stopSource.compareAndSet(null, "watchdog stop");
            return true;
        }
        return false;
    }

    // ------------------------------------------------------------------ starting and attaching

    private OptionalInt launch(Optional<Path> resumeFrom, EventKind kind, String reason) {
        if (stopRequested()) {
            return OptionalInt.of(stop());
        }
        Optional<RunTrainers.Found> alive = RunTrainers.find(settings.outputDir(), settings.configFile());
        if (alive.isPresent()) {
            // A trainer a killed watchdog left starting (or one started by hand): a second one would only exit 5.
            attach(alive.get().process(), alive.get().how());
            return OptionalInt.empty();
        }
        int attempt = ++attempts;
        List<String> cmd = launcher.command(resumeFrom, classData.jvmOptions());
        TrainerProcess trainer;
        try {
            trainer = launcher.start(cmd, attempt);
        } catch (IOException e) {
            String why = "cannot start the trainer: " + e.getMessage() + " (command: " + String.join(" ", cmd)
                    + "); check --java, --trainer-jar and watchdog.java_opts";
            LOG.error(why);
            return OptionalInt.of(finish(Phase.FAILED, ExitCode.USAGE.code(), "none: " + why, Optional.of(EventKind.FAILED), why));
        }
        LOG.info("trainer started pid {} (attempt {}{}): {}", trainer.pid(), attempt,
                resumeFrom.map(p -> ", rolling back to " + p.getFileName()).orElse(""), String.join(" ", cmd));
        watch(trainer);
        notifier.notify(new Event(kind, settings.runName(), knownStep(), reason));
        return OptionalInt.empty();
    }

    private void attach(ProcessHandle process, String how) {
        int attempt = ++attempts;
        TrainerProcess trainer = new TrainerProcess(process, Optional.empty(), attempt);
        LOG.info("attached to trainer pid {}, which already runs this run ({}); its end is "
                + "seen but not its exit status, so the session file tells what the end means", trainer.pid(), how);
        watch(trainer);
    }

    private void watch(TrainerProcess trainer) {
        current = trainer;
        endHandled = false;
        trainerPids.clear();
        trainerPids.add(trainer.pid());
        attemptStep = OptionalLong.empty();
        rollbackTarget = Optional.empty();
        hang.watch(trainer.pid(), pid -> trainerPids.contains(pid) || trainer.owns(pid));
        Instant now = clock.instant();
        nextCheck = now.plus(config.checkInterval());
        nextProgressLog = now.plus(PROGRESS_LOG_EVERY);
        trainer.exit().whenComplete((code, error) -> wakes.add(new Ended(trainer, code == null ? OptionalInt.empty() : code)));
        phase = Phase.SUPERVISING;
        nextAction = "supervising trainer pid " + trainer.pid() + ": checks every " + Durations.format(config.checkInterval())
                + ", hung after " + Durations.format(config.hangTimeout()) + " without progress";
        writeState();
    }

    // ------------------------------------------------------------------ checks

    private OptionalInt check() throws InterruptedException {
        Optional<Heartbeat> beat = Heartbeat.read(settings.outputDir());
        if (hang.observe(beat)) {
            trainerPids.add(beat.get().pid());
            noteStep(beat.get().step());
            classData.buildIfReady();
        }
        classData.poll();
        if (hang.hung()) {
            return onHang();
        }
        Instant now = clock.instant();
        if (!now.isBefore(nextProgressLog)) {
            nextProgressLog = now.plus(PROGRESS_LOG_EVERY);
            Optional<SessionState> s = readSession();
            LOG.info("trainer pid {} is at step {} of {} ({}); last progress {} ago", current.pid(), describe(attemptStep),
                    s.map(SessionState::totalSteps).orElse(0L), s.map(x -> x.status().toString()).orElse("no session file"),
                    Durations.format(hang.silence().withNanos(0)));
        }
        writeState();
        return OptionalInt.empty();
    }

    private OptionalInt onHang() throws InterruptedException {
        TrainerProcess trainer = current;
        endHandled = true; // its exit is handled here, not by the loop
        long pid = trainer.pid();
        String silence = Durations.format(hang.silence().withNanos(0));
        boolean startingUp = hang.startingUp();
        String last = hang.lastHeartbeat().map(b -> "last heartbeat: step " + b.step() + ", " + b.status() + ", "
                        + b.phase().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ", written " + b.updatedAt())
                .orElse("no heartbeat from this process yet");
        if (startingUp) {
            LOG.warn("trainer pid {} is hung in start-up: not training {} after its start (startup timeout {}; {}); dumping "
                    + "its threads, then SIGTERM, {} for its emergency checkpoint, then SIGKILL", pid, silence,
                    Durations.format(config.startupTimeout()), last, Durations.format(config.stopTimeout()));
        } else {
            LOG.warn("trainer pid {} is hung: no progress for {} (hang timeout {}; {}); dumping its threads, then SIGTERM, "
                    + "{} for its emergency checkpoint, then SIGKILL", pid, silence, Durations.format(config.hangTimeout()), last,
                    Durations.format(config.stopTimeout()));
        }
        notifier.notify(new Event(EventKind.HUNG, settings.runName(), knownStep(), "no progress for " + silence));

        boolean stopped = ProcessSignals.isStopped(pid);
        if (stopped) {
            LOG.warn("trainer pid {} is stopped (SIGSTOP or Ctrl+Z) and would ignore SIGTERM; it gets SIGCONT right after "
                    + "SIGTERM so that it can still write its emergency checkpoint", pid);
        }
        boolean viaConsole = !trainer.attached() && ProcessSignals.available();
        long mark = console.size();
        if (viaConsole) {
            ProcessSignals.send(pid, "QUIT");
            if (!stopped) {
                logDump(pid, ThreadDumps.awaitInConsole(console, mark, DUMP_WAIT));
            }
        } else if (!stopped) {
            logDump(pid, ThreadDumps.jcmd(pid, Duration.ofSeconds(10)));
        } else {
            LOG.warn("no thread dump of trainer pid {}: it is stopped and its output is not the watchdog's to read", pid);
        }
        sendTerm(trainer);
        if (viaConsole && stopped) {
            logDump(pid, ThreadDumps.awaitInConsole(console, mark, DUMP_WAIT));
        }
        OptionalInt code = awaitEnd(trainer, config.stopTimeout());
        LOG.info("hung trainer pid {} ended{}", pid, code.isPresent() ? " with exit " + code.getAsInt() : "");
        current = null;
        readSession().filter(s -> trainerPids.contains(s.pid())).ifPresent(s -> noteStep(s.step()));
        String reason = startingUp ? "hung in start-up: not training " + silence + " after its start" : "hung: no progress for " + silence;
        lastFailure = LastFailure.of(Instant.now(), code, code.isPresent() ? TrainerEnd.signalOf(code.getAsInt()) : Optional.empty(),
                reason, failureStep());
        if (stopRequested()) {
            return OptionalInt.of(stop());
        }
        return decide(reason);
    }

    private void logDump(long pid, Optional<String> dump) {
        if (dump.isPresent()) {
            LOG.warn("thread dump of trainer pid {}:{}{}", pid, System.lineSeparator(), dump.get());
        } else {
            LOG.warn("no thread dump of trainer pid {} could be captured (see {})", pid, console.file());
        }
    }

    // ------------------------------------------------------------------ the end of a trainer

    private OptionalInt onEnded(TrainerProcess trainer, OptionalInt code) throws InterruptedException {
        endHandled = true;
        current = null;
        classData.buildIfReady();
        // A start-up heartbeat carries no step: the trainer has not restored its checkpoint yet.
        Heartbeat.read(settings.outputDir()).filter(b -> !b.phase().startUp())
                .filter(b -> trainerPids.contains(b.pid()) || trainer.owns(b.pid())).ifPresent(b -> noteStep(b.step()));
        Optional<SessionState> session = readSession().filter(s -> trainerPids.contains(s.pid()));
        session.ifPresent(s -> noteStep(s.step()));
        TrainerEnd classified = TrainerEnd.classify(code, session);
        TrainerEnd end = classified;
        if (end.kind() == TrainerEnd.Kind.NOT_RESTARTABLE && !trainer.attached()
                && session.flatMap(SessionState::exitInfo).filter(e -> classified.exitCode().equals(OptionalInt.of(e.code()))).isEmpty()) {
            // It failed before its session was open (a refused resume, a data error): its own words are on its console.
            Optional<String> said = console.lastMessage();
            if (said.isPresent()) {
                end = new TrainerEnd(end.kind(), end.exitCode(), end.signal(), said.get());
            }
        }
        boolean unexplained = session.flatMap(SessionState::exitInfo).isEmpty() && end.signal().isEmpty() && !trainer.attached()
                && end.kind() == TrainerEnd.Kind.RESTARTABLE;
        if (unexplained) {
            // It died without recording why: the exception it printed says it (a stack trace hides it from the last lines).
            Optional<String> exception = console.lastException();
            if (exception.isPresent()) {
                end = new TrainerEnd(end.kind(), end.exitCode(), end.signal(), exception.get());
            }
        }
        LOG.info("trainer pid {} ended: {} at step {}: {}", trainer.pid(), end.describeExit(), describeStep(), end.reason());
        String what = end.describeExit() + ": " + end.reason();
        switch (end.kind()) {
            case COMPLETED -> {
                LOG.info("the run completed at step {} of {}", describeStep(), session.map(SessionState::totalSteps).orElse(0L));
                return OptionalInt.of(finish(Phase.COMPLETED, 0, "none: the run completed", Optional.of(EventKind.COMPLETED), ""));
            }
            case NOT_RESTARTABLE -> {
                if (end.exitCode().equals(OptionalInt.of(ExitCode.LOCKED.code())) && !trainer.attached()) {
                    if (attachToLockHolder(trainer, what).isEmpty()) {
                        return OptionalInt.empty();
                    }
                }
                lastFailure = LastFailure.of(Instant.now(), end.exitCode(), end.signal(), end.reason(), failureStep());
                String why = "not restarting after " + what + "; restarting cannot fix this: fix it, then run `watchdog run --config "
                        + settings.configFile() + "` again";
                LOG.error(why);
                return OptionalInt.of(finish(Phase.FAILED, end.watchdogExitCode(), "none: " + why, Optional.of(EventKind.FAILED), what));
            }
            default -> {
                lastFailure = LastFailure.of(Instant.now(), end.exitCode(), end.signal(), end.reason(), failureStep());
                if (stopRequested()) {
                    return OptionalInt.of(stop());
                }
                if (unexplained) {
                    List<String> tail = console.tail(20);
                    if (!tail.isEmpty()) {
                        LOG.warn("last lines of {}:{}{}", console.file(), System.lineSeparator(),
                                String.join(System.lineSeparator(), tail));
                    }
                }
                return decide(what);
            }
        }
    }

    /**
     * The trainer this watchdog started exited 5: another trainer holds the run. When that one is alive here (one a
     * killed watchdog left starting, or one started by hand), the run is not left unsupervised: the watchdog
     * attaches to it. When the lock is held from another machine, there is nothing to supervise here.
     *
     * @return empty when the watchdog attached to the holder; 5 when the run is held from another machine, or no
     *         live holder is found (then, as before, the end is not restarted)
     */
    private OptionalInt attachToLockHolder(TrainerProcess trainer, String what) throws InterruptedException {
        Instant giveUpAt = clock.instant().plus(LOCK_HOLDER_WAIT);
        while (true) {
            Optional<RunTrainers.Found> holder = RunTrainers.find(settings.outputDir(), settings.configFile());
            if (holder.isPresent()) {
                LOG.warn("trainer pid {} ended with {}: trainer pid {} of this run is alive; supervising it instead",
                        trainer.pid(), what, holder.get().process().pid());
                attach(holder.get().process(), holder.get().how());
                return OptionalInt.empty();
            }
            Optional<RunLock.LockInfo> record = RunTrainers.lockRecord(settings.outputDir());
            if (record.isPresent() && !record.get().host().equals(HostName.get())) {
                return OptionalInt.of(ExitCode.LOCKED.code());
            }
            if (!clock.instant().isBefore(giveUpAt)) {
                break;
            }
            // The holder may be between taking the lock and writing its record.
            Thread.sleep(200);
        }
        return OptionalInt.of(ExitCode.LOCKED.code());
    }

    private OptionalInt decide(String reason) {
        rollbackTarget = Optional.empty();
        RestartPolicy.Decision decision = policy.onFailure(new RestartPolicy.Failure(attemptStep, reason),
                () -> rollbackTarget().isPresent());
        if (decision instanceof RestartPolicy.GiveUp giveUp) {
            String why = "giving up: " + giveUp.why() + "; the run needs a person: look at " + console.file()
                    + ", fix the cause, then run `watchdog run --config " + settings.configFile() + "` again";
            LOG.error(why);
            return OptionalInt.of(finish(Phase.FAILED, ExitCode.FAILURE.code(), "none: " + why, Optional.of(EventKind.FAILED),
                    giveUp.why()));
        }
        RestartPolicy.Restart restart = (RestartPolicy.Restart) decision;
        pendingResume = restart.rollBack() ? rollbackTarget() : Optional.empty();
        restartAt = clock.instant().plus(restart.backoff());
        phase = Phase.RESTARTING;
        String from = pendingResume.map(p -> p.getFileName().toString() + " (rolled back)").orElse("the newest checkpoint that verifies");
        pendingReason = "after " + reason + "; resuming from " + from;
        nextAction = "restart in " + Durations.format(restart.backoff()) + " from " + from;
        LOG.warn("restarting in {} from {}: {}; budget left {} of {}", Durations.format(restart.backoff()), from, restart.why(),
                policy.budgetLeft(), policy.maxFailures());
        writeState();
        return OptionalInt.empty();
    }

    private Optional<Path> rollbackTarget() {
        if (rollbackTarget.isEmpty()) {
            rollbackTarget = Optional.of(findRollbackTarget());
        }
        return rollbackTarget.get();
    }

    /** The newest checkpoint that verifies, skipping the newest one that does. */
    private Optional<Path> findRollbackTarget() {
        try {
            CheckpointStore store = new CheckpointStore(settings.outputDir());
            List<CheckpointStore.Checkpoint> all = store.list();
            boolean newestSkipped = false;
            for (int i = all.size() - 1; i >= 0; i--) {
                CheckpointStore.Checkpoint c = all.get(i);
                CheckpointStore.Verification v = store.verify(c.dir());
                if (!v.ok()) {
                    continue;
                }
                if (newestSkipped) {
                    return Optional.of(c.dir());
                }
                newestSkipped = true;
            }
        } catch (RuntimeException e) {
            LOG.warn("cannot look for an older checkpoint to roll back to: {}", e.toString());
        }
        return Optional.empty();
    }

    // ------------------------------------------------------------------ stopping

    private int stop() {
        // `watchdog stop` writes the stop file and also sends SIGTERM: name the command, not its signal.
        String source = Files.exists(stopFile) ? "watchdog stop" : Optional.ofNullable(stopSource.get()).orElse("a stop request");
        phase = Phase.STOPPING;
        TrainerProcess trainer = current;
        if (trainer != null && !endHandled && trainer.handle().isAlive()) {
            endHandled = true;
            nextAction = "stopping trainer pid " + trainer.pid() + " (up to " + Durations.format(config.stopTimeout()) + ")";
            writeState();
            LOG.info("stop requested ({}): sending SIGTERM to trainer pid {}; it has {} to write its emergency checkpoint",
                    source, trainer.pid(), Durations.format(config.stopTimeout()));
            sendTerm(trainer);
            OptionalInt code = awaitEnd(trainer, config.stopTimeout());
            readSession().filter(s -> trainerPids.contains(s.pid())).ifPresent(s -> noteStep(s.step()));
            LOG.info("trainer pid {} stopped{} at step {}", trainer.pid(),
                    code.isPresent() ? " with exit " + code.getAsInt() : "", describeStep());
        } else {
            LOG.info("stop requested ({}); no trainer is running", source);
        }
        current = null;
        stoppedByUser = true;
        int code = finish(Phase.STOPPED, 0, "none: stopped on purpose (" + source + "); nothing restarts the run until "
                + "`watchdog run --config " + settings.configFile() + "` starts it again", Optional.of(EventKind.STOPPED),
                "stopped on purpose (" + source + ")");
        clearStopFile();
        return code;
    }

    private void sendTerm(TrainerProcess trainer) {
        trainer.handle().destroy();
        // A stopped process keeps SIGTERM pending until it runs again; continuing a running one does nothing.
        ProcessSignals.send(trainer.pid(), "CONT");
    }

    private OptionalInt awaitEnd(TrainerProcess trainer, Duration grace) {
        try {
            return trainer.exit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("trainer pid {} did not end within {} after SIGTERM; sending SIGKILL", trainer.pid(), Durations.format(grace));
        } catch (ExecutionException e) {
            LOG.warn("cannot wait for trainer pid {}: {}", trainer.pid(), e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        trainer.handle().destroyForcibly();
        try {
            return trainer.exit().get(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            LOG.error("trainer pid {} is still there {} after SIGKILL", trainer.pid(), Durations.format(KILL_WAIT));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return OptionalInt.empty();
    }

    private void onJvmShutdown() {
        classData.close();
        if (finished.getCount() == 0) {
            return;
        }
        // Reached only where the signal handlers could not be installed: do the same orderly stop.
        requestStop("JVM shutdown");
        try {
            finished.await(config.stopTimeout().plus(KILL_WAIT).plusSeconds(5).toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ bookkeeping

    private int finish(Phase end, int code, String action, Optional<EventKind> event, String reason) {
        classData.close();
        phase = end;
        nextAction = action;
        exitCode = code;
        writeState();
        event.ifPresent(kind -> notifier.notify(new Event(kind, settings.runName(), knownStep(), reason)));
        return code;
    }

    private void noteStep(long step) {
        if (attemptStep.isEmpty() || step > attemptStep.getAsLong()) {
            attemptStep = OptionalLong.of(step);
        }
    }

    private long knownStep() {
        if (attemptStep.isPresent()) {
            return Math.max(0, attemptStep.getAsLong());
        }
        return runStep();
    }

    /**
     * The step the run stands at when the trainer reported none of its own (it failed while starting): the newest
     * checkpoint, or the session file when it is further.
     */
    private long runStep() {
        long checkpoint = newestCheckpoint().map(CheckpointStore.Checkpoint::step).orElse(0L);
        return Math.max(0, Math.max(checkpoint, readSession().map(SessionState::step).orElse(0L)));
    }

    private OptionalLong failureStep() {
        return attemptStep.isPresent() ? attemptStep : OptionalLong.of(runStep());
    }

    private String describeStep() {
        return attemptStep.isPresent() ? Long.toString(attemptStep.getAsLong())
                : runStep() + " (the run's; this trainer reported no step)";
    }

    private Optional<SessionState> readSession() {
        try {
            SessionStore.ReadResult read = sessions.read();
            if (read.corrupt()) {
                LOG.warn("{}", read.problem());
            }
            return read.state();
        } catch (RuntimeException e) {
            LOG.warn("cannot read {}: {}", sessions.file(), e.getMessage());
            return Optional.empty();
        }
    }

    private Optional<CheckpointStore.Checkpoint> newestCheckpoint() {
        try {
            List<CheckpointStore.Checkpoint> all = new CheckpointStore(settings.outputDir()).list();
            return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private void clearStopFile() {
        try {
            Files.deleteIfExists(stopFile);
        } catch (IOException e) {
            LOG.warn("cannot remove {}: {}", stopFile, e.toString());
        }
    }

    private void writeState() {
        int failures = policy == null ? 0 : policy.failuresInWindow();
        WatchdogState state = new WatchdogState(WatchdogState.SCHEMA_VERSION, ProcessHandle.current().pid(), HostName.get(),
                settings.configFile().toString(), startedAt, phase, current == null || endHandled ? null : current.pid(),
                current != null && current.attached(), attempts, failures, config.crashLoopFailures(),
                Math.max(0, config.crashLoopFailures() - failures),
                Durations.format(policy == null ? config.backoffInitial() : policy.nextBackoff()), lastFailure, nextAction,
                stoppedByUser, exitCode, Instant.now());
        try {
            WatchdogState.write(settings.outputDir(), state);
        } catch (IOException e) {
            LOG.warn("cannot write {}: {}", settings.outputDir().resolve(WatchdogState.FILE_NAME), e.toString());
        }
    }

    private void logSettings() {
        LOG.info("watchdog pid {} supervises run {} in {} (config {})", ProcessHandle.current().pid(), settings.runName(),
                settings.outputDir(), settings.configFile());
        LOG.info("settings: check every {}, hung after {} without progress ({} to start), {} to stop, back-off {} to {}, give up "
                        + "after {} failures without progress within {}, audio {}, webhook {}, java opts {}",
                Durations.format(config.checkInterval()), Durations.format(config.hangTimeout()), Durations.format(config.startupTimeout()),
                Durations.format(config.stopTimeout()), Durations.format(config.backoffInitial()),
                Durations.format(config.backoffMax()), config.crashLoopFailures(), Durations.format(config.crashLoopWindow()),
                config.audio() ? config.sound().map(p -> "on (" + p + ")").orElse("on") : "off",
                config.webhook().map(WebhookUrls::redact).orElse("none"), config.javaOpts());
        LOG.info("trainer: {} with {}", settings.trainerJar(), settings.javaBinary());
        LOG.info("{}", classData.describe());
    }

    private static String describe(OptionalLong step) {
        return step.isPresent() ? Long.toString(step.getAsLong()) : "unknown";
    }
}
