package org.trainguard.watchdog.supervise;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainguard.config.Durations;
import org.trainguard.config.WatchdogConfig;
import org.trainguard.core.ExitCode;
import org.trainguard.core.lock.RunLock;
import org.trainguard.core.run.Heartbeat;
import org.trainguard.core.run.HostName;
import org.trainguard.core.run.RunFolder;
import org.trainguard.core.run.RunLayout;
import org.trainguard.core.run.SessionState;
import org.trainguard.watchdog.notify.Event;
import org.trainguard.watchdog.notify.EventKind;
import org.trainguard.watchdog.notify.Notifier;
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
    public static final String STOP_FILE = RunLayout.WATCHDOG_STOP;

    private static final Logger LOG = LoggerFactory.getLogger("watchdog");
    /** The loop wakes at least this often to look for a stop request file. */
    private static final long MAX_POLL_MILLIS = 250;
    /** A wake-up this much later than asked means the watchdog itself was paused. */
    private static final Duration PAUSED = Duration.ofSeconds(10);
    /** How often a progress line goes to the log while all is well. */
    private static final Duration PROGRESS_LOG_EVERY = Duration.ofMinutes(10);
    /** How long to look for the trainer that holds the run after one the watchdog started exited 5. */
    private static final Duration LOCK_HOLDER_WAIT = Duration.ofSeconds(3);

    private sealed interface Wake permits Ended, StopAsked {}

    private record Ended(TrainerProcess trainer, OptionalInt exitCode) implements Wake {}

    private record StopAsked() implements Wake {}

    private final SupervisorSettings settings;
    private final WatchdogConfig config;
    private final Notifier notifier;
    private final Clock clock;
    private final RunFolder run;
    private final ConsoleLog console;
    private final TrainerLauncher launcher;
    private final TrainerStopper stopper;
    private final HangDetector hang;
    private final StopRequests stops;
    private final StateRecorder state;
    private final RunSteps steps;
    private final ClassDataArchive classData;
    private final BlockingQueue<Wake> wakes = new LinkedBlockingQueue<>();
    private final CountDownLatch finished = new CountDownLatch(1);

    private Restarts restarts;
    /** The latest trainer; null before the first. */
    private TrainerAttempt attempt;

    private int attempts;
    private Instant nextCheck;
    private Instant nextProgressLog;
    private Restarts.Pending pending;

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
        this.run = new RunFolder(settings.outputDir());
        this.console = new ConsoleLog(settings.outputDir());
        this.launcher = new TrainerLauncher(settings, console);
        this.stopper = new TrainerStopper(console, config.stopTimeout());
        this.classData = ClassDataArchive.of(settings);
        this.hang = new HangDetector(config.hangTimeout(), config.startupTimeout(), clock);
        this.stops = new StopRequests(settings.outputDir());
        this.state = new StateRecorder(settings);
        this.steps = new RunSteps(run, () -> attempt);
    }

    /**
     * Asks the supervisor to stop: the trainer gets SIGTERM and the stop-timeout for its emergency checkpoint,
     * the stop is recorded, and {@link #run()} returns 0. Safe from any thread, e.g. a signal handler.
     *
     * @param source what asked, for the log ({@code SIGTERM}, {@code watchdog stop})
     */
    public void requestStop(String source) {
        if (stops.request(source)) {
            wakes.add(new StopAsked());
        } else {
            LOG.info(
                    "{} received while stopping; still waiting for the trainer (up to {})",
                    source,
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
            state.exit(code);
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
        Optional<SessionState> before = steps.readSession();
        restarts = new Restarts(
                new RestartPolicy(
                        config.backoffInitial(),
                        config.backoffMax(),
                        config.crashLoopFailures(),
                        config.crashLoopWindow(),
                        before.map(SessionState::step).orElse(0L),
                        clock),
                run,
                clock);
        stops.clearFile();
        writeState();
        settings.log(LOG, classData);

        Optional<RunLock.LockInfo> holder = run.lockHolder();
        StartUp start = StartUp.decide(
                holder,
                holder.flatMap(h -> RunTrainers.liveHolder(settings.outputDir(), h)),
                settings.outputDir().resolve(RunLock.FILE_NAME),
                HostName.get(),
                before,
                settings.configSha256(),
                run.newestCheckpoint());
        if (start instanceof StartUp.HeldElsewhere held) {
            LOG.error(held.why());
            return finish(
                    Phase.FAILED,
                    ExitCode.LOCKED.code(),
                    "none: " + held.why(),
                    Optional.of(EventKind.FAILED),
                    held.why());
        } else if (start instanceof StartUp.Attach a) {
            attach(a.process(), a.how());
        } else if (start instanceof StartUp.Completed c) {
            LOG.info(
                    "the run already completed at step {} of {}; nothing to do",
                    c.session().step(),
                    c.session().totalSteps());
            return finish(Phase.COMPLETED, 0, "none: the run completed", Optional.empty(), "");
        } else if (start instanceof StartUp.Launch l) {
            if (before.isPresent() && before.get().status().live()) {
                LOG.warn(
                        "the last trainer (pid {}) ended while the session said {}, without recording how "
                                + "(killed, crashed or power lost); resuming from the newest checkpoint",
                        before.get().pid(),
                        before.get().status());
            }
            OptionalInt failed = launch(Optional.empty(), l.kind(), l.reason());
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
            if (late.compareTo(PAUSED) > 0 && state.phase() == Phase.SUPERVISING) {
                LOG.warn(
                        "the watchdog itself was paused for about {} (suspended, or stopped with the trainer); "
                                + "restarting the hang clock",
                        Durations.format(late.withNanos(0)));
                hang.restartClock();
            }
            if (stops.requested()) {
                return stop();
            }
            if (wake instanceof Ended ended && ended.trainer() == current() && !attempt.endHandled()) {
                OptionalInt done = onEnded(ended.trainer(), ended.exitCode());
                if (done.isPresent()) {
                    return done.getAsInt();
                }
                continue;
            }
            if (state.phase() == Phase.RESTARTING && !now.isBefore(pending.at())) {
                OptionalInt failed = launch(pending.resumeFrom(), EventKind.RESTARTED, pending.reason());
                if (failed.isPresent()) {
                    return failed.getAsInt();
                }
            } else if (state.phase() == Phase.SUPERVISING
                    && current() != null
                    && !attempt.endHandled()
                    && !now.isBefore(nextCheck)) {
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
        Instant due =
                switch (state.phase()) {
                    case RESTARTING -> pending.at();
                    case SUPERVISING -> nextCheck;
                    default -> now.plusMillis(MAX_POLL_MILLIS);
                };
        long millis = Duration.between(now, due).toMillis();
        return Math.max(1, Math.min(MAX_POLL_MILLIS, millis));
    }

    /** @return the trainer supervised now; null when none is */
    private TrainerProcess current() {
        return attempt == null || attempt.gone() ? null : attempt.trainer();
    }

    // ------------------------------------------------------------------ starting and attaching

    private OptionalInt launch(Optional<Path> resumeFrom, EventKind kind, String reason) {
        if (stops.requested()) {
            return OptionalInt.of(stop());
        }
        Optional<RunTrainers.Found> alive = RunTrainers.find(settings.outputDir(), settings.configFile());
        if (alive.isPresent()) {
            // A trainer a killed watchdog left starting (or one started by hand): a second one would only exit 5.
            attach(alive.get().process(), alive.get().how());
            return OptionalInt.empty();
        }
        int number = ++attempts;
        List<String> cmd = launcher.command(resumeFrom, classData.jvmOptions());
        TrainerProcess trainer;
        try {
            trainer = launcher.start(cmd, number);
        } catch (IOException e) {
            String why = "cannot start the trainer: " + e.getMessage() + " (command: " + String.join(" ", cmd)
                    + "); check --java, --trainer-jar and watchdog.java_opts";
            LOG.error(why);
            return OptionalInt.of(
                    finish(Phase.FAILED, ExitCode.USAGE.code(), "none: " + why, Optional.of(EventKind.FAILED), why));
        }
        LOG.info(
                "trainer started pid {} (attempt {}{}): {}",
                trainer.pid(),
                number,
                resumeFrom.map(p -> ", rolling back to " + p.getFileName()).orElse(""),
                String.join(" ", cmd));
        watch(trainer);
        notifier.notify(new Event(kind, settings.runName(), steps.known(), reason));
        return OptionalInt.empty();
    }

    private void attach(ProcessHandle process, String how) {
        TrainerProcess trainer = new TrainerProcess(process, Optional.empty(), ++attempts);
        LOG.info(
                "attached to trainer pid {}, which already runs this run ({}); its end is "
                        + "seen but not its exit status, so the session file tells what the end means",
                trainer.pid(),
                how);
        watch(trainer);
    }

    private void watch(TrainerProcess trainer) {
        TrainerAttempt a = new TrainerAttempt(trainer);
        attempt = a;
        restarts.newTrainer();
        hang.watch(trainer.pid(), a::owns);
        Instant now = clock.instant();
        nextCheck = now.plus(config.checkInterval());
        nextProgressLog = now.plus(PROGRESS_LOG_EVERY);
        trainer.exit()
                .whenComplete(
                        (code, error) -> wakes.add(new Ended(trainer, code == null ? OptionalInt.empty() : code)));
        state.enter(
                Phase.SUPERVISING,
                "supervising trainer pid " + trainer.pid() + ": checks every "
                        + Durations.format(config.checkInterval()) + ", hung after "
                        + Durations.format(config.hangTimeout()) + " without progress");
        writeState();
    }

    // ------------------------------------------------------------------ checks

    private OptionalInt check() throws InterruptedException {
        Optional<Heartbeat> beat = run.heartbeat();
        if (hang.observe(beat)) {
            attempt.addPid(beat.get().pid());
            attempt.noteStep(beat.get().step());
            classData.buildIfReady();
        }
        classData.poll();
        if (hang.hung()) {
            return onHang();
        }
        Instant now = clock.instant();
        if (!now.isBefore(nextProgressLog)) {
            nextProgressLog = now.plus(PROGRESS_LOG_EVERY);
            Optional<SessionState> s = steps.readSession();
            LOG.info(
                    "trainer pid {} is at step {} of {} ({}); last progress {} ago",
                    attempt.trainer().pid(),
                    describe(attempt.step()),
                    s.map(SessionState::totalSteps).orElse(0L),
                    s.map(x -> x.status().toString()).orElse("no session file"),
                    Durations.format(hang.silence().withNanos(0)));
        }
        writeState();
        return OptionalInt.empty();
    }

    private OptionalInt onHang() throws InterruptedException {
        TrainerProcess trainer = attempt.trainer();
        attempt.handleEnd(); // its exit is handled here, not by the loop
        long pid = trainer.pid();
        String silence = Durations.format(hang.silence().withNanos(0));
        boolean startingUp = hang.startingUp();
        stopper.announceHang(trainer, hang, config);
        notifier.notify(new Event(EventKind.HUNG, settings.runName(), steps.known(), "no progress for " + silence));
        OptionalInt code = stopper.stopHung(trainer);
        LOG.info("hung trainer pid {} ended{}", pid, code.isPresent() ? " with exit " + code.getAsInt() : "");
        attempt.markGone();
        steps.readSession().filter(s -> attempt.reported(s.pid())).ifPresent(s -> attempt.noteStep(s.step()));
        String reason = startingUp
                ? "hung in start-up: not training " + silence + " after its start"
                : "hung: no progress for " + silence;
        state.failed(LastFailure.of(
                Instant.now(),
                code,
                code.isPresent() ? TrainerEnd.signalOf(code.getAsInt()) : Optional.empty(),
                reason,
                steps.atFailure()));
        if (stops.requested()) {
            return OptionalInt.of(stop());
        }
        return decide(reason);
    }

    // ------------------------------------------------------------------ the end of a trainer

    private OptionalInt onEnded(TrainerProcess trainer, OptionalInt code) throws InterruptedException {
        attempt.handleEnd();
        attempt.markGone();
        classData.buildIfReady();
        // A start-up heartbeat carries no step: the trainer has not restored its checkpoint yet.
        run.heartbeat()
                .filter(b -> !b.phase().startUp())
                .filter(b -> attempt.owns(b.pid()))
                .ifPresent(b -> attempt.noteStep(b.step()));
        Optional<SessionState> session = steps.readSession().filter(s -> attempt.reported(s.pid()));
        session.ifPresent(s -> attempt.noteStep(s.step()));
        TrainerEnd classified = TrainerEnd.classify(code, session);
        TrainerEnd end = classified.explainedBy(session, trainer.attached(), console);
        LOG.info(
                "trainer pid {} ended: {} at step {}: {}",
                trainer.pid(),
                end.describeExit(),
                steps.describe(),
                end.reason());
        String what = end.describeExit() + ": " + end.reason();
        switch (end.kind()) {
            case COMPLETED -> {
                LOG.info(
                        "the run completed at step {} of {}",
                        steps.describe(),
                        session.map(SessionState::totalSteps).orElse(0L));
                return OptionalInt.of(
                        finish(Phase.COMPLETED, 0, "none: the run completed", Optional.of(EventKind.COMPLETED), ""));
            }
            case NOT_RESTARTABLE -> {
                if (end.exitCode().equals(OptionalInt.of(ExitCode.LOCKED.code())) && !trainer.attached()) {
                    if (attachToLockHolder(trainer, what).isEmpty()) {
                        return OptionalInt.empty();
                    }
                }
                state.failed(
                        LastFailure.of(Instant.now(), end.exitCode(), end.signal(), end.reason(), steps.atFailure()));
                String why = "not restarting after " + what
                        + "; restarting cannot fix this: fix it, then run `watchdog run --config "
                        + settings.configFile() + "` again";
                LOG.error(why);
                return OptionalInt.of(finish(
                        Phase.FAILED, end.watchdogExitCode(), "none: " + why, Optional.of(EventKind.FAILED), what));
            }
            default -> {
                state.failed(
                        LastFailure.of(Instant.now(), end.exitCode(), end.signal(), end.reason(), steps.atFailure()));
                if (stops.requested()) {
                    return OptionalInt.of(stop());
                }
                if (classified.unexplained(session, trainer.attached())) {
                    List<String> tail = console.tail(20);
                    if (!tail.isEmpty()) {
                        LOG.warn(
                                "last lines of {}:{}{}",
                                console.file(),
                                System.lineSeparator(),
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
        Optional<RunTrainers.Found> holder =
                RunTrainers.awaitHolder(settings.outputDir(), settings.configFile(), clock, LOCK_HOLDER_WAIT);
        if (holder.isEmpty()) {
            return OptionalInt.of(ExitCode.LOCKED.code());
        }
        LOG.warn(
                "trainer pid {} ended with {}: trainer pid {} of this run is alive; supervising it instead",
                trainer.pid(),
                what,
                holder.get().process().pid());
        attach(holder.get().process(), holder.get().how());
        return OptionalInt.empty();
    }

    private OptionalInt decide(String reason) {
        RestartPolicy.Decision decision = restarts.decide(attempt.step(), reason);
        if (decision instanceof RestartPolicy.GiveUp giveUp) {
            String why = "giving up: " + giveUp.why() + "; the run needs a person: look at " + console.file()
                    + ", fix the cause, then run `watchdog run --config " + settings.configFile() + "` again";
            LOG.error(why);
            return OptionalInt.of(finish(
                    Phase.FAILED,
                    ExitCode.FAILURE.code(),
                    "none: " + why,
                    Optional.of(EventKind.FAILED),
                    giveUp.why()));
        }
        pending = restarts.schedule((RestartPolicy.Restart) decision, reason);
        state.enter(Phase.RESTARTING, "restart in " + pending.backoff() + " from " + pending.from());
        writeState();
        return OptionalInt.empty();
    }

    // ------------------------------------------------------------------ stopping

    private int stop() {
        String source = stops.source();
        TrainerProcess trainer = current();
        if (trainer != null && !attempt.endHandled() && trainer.handle().isAlive()) {
            attempt.handleEnd();
            state.enter(
                    Phase.STOPPING,
                    "stopping trainer pid " + trainer.pid() + " (up to " + Durations.format(config.stopTimeout())
                            + ")");
            writeState();
            LOG.info(
                    "stop requested ({}): sending SIGTERM to trainer pid {}; it has {} to write its emergency checkpoint",
                    source,
                    trainer.pid(),
                    Durations.format(config.stopTimeout()));
            OptionalInt code = stopper.stop(trainer);
            steps.readSession().filter(s -> attempt.reported(s.pid())).ifPresent(s -> attempt.noteStep(s.step()));
            LOG.info(
                    "trainer pid {} stopped{} at step {}",
                    trainer.pid(),
                    code.isPresent() ? " with exit " + code.getAsInt() : "",
                    steps.describe());
        } else {
            LOG.info("stop requested ({}); no trainer is running", source);
        }
        if (attempt != null) {
            attempt.markGone();
        }
        state.stoppedByUser();
        int code = finish(
                Phase.STOPPED,
                0,
                "none: stopped on purpose (" + source + "); nothing restarts the run until " + "`watchdog run --config "
                        + settings.configFile() + "` starts it again",
                Optional.of(EventKind.STOPPED),
                "stopped on purpose (" + source + ")");
        stops.clearFile();
        return code;
    }

    private void onJvmShutdown() {
        classData.close();
        if (finished.getCount() == 0) {
            return;
        }
        // Reached only where the signal handlers could not be installed: do the same orderly stop.
        requestStop("JVM shutdown");
        try {
            finished.await(
                    config.stopTimeout()
                            .plus(TrainerStopper.KILL_WAIT)
                            .plusSeconds(5)
                            .toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ bookkeeping

    private int finish(Phase end, int code, String action, Optional<EventKind> event, String reason) {
        classData.close();
        state.enter(end, action);
        state.exit(code);
        writeState();
        event.ifPresent(kind -> notifier.notify(new Event(kind, settings.runName(), steps.known(), reason)));
        return code;
    }

    private void writeState() {
        state.write(attempt, attempts, restarts == null ? null : restarts.policy());
    }

    private static String describe(OptionalLong step) {
        return step.isPresent() ? Long.toString(step.getAsLong()) : "unknown";
    }
}
