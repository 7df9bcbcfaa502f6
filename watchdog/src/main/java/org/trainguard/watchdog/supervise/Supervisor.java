package org.trainguard.watchdog.supervise;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainguard.config.Durations;
import org.trainguard.config.WatchdogConfig;
import org.trainguard.core.ExitCode;
import org.trainguard.core.folder.RunFolder;
import org.trainguard.core.run.Heartbeat;
import org.trainguard.core.run.RunLayout;
import org.trainguard.core.run.SessionState;
import org.trainguard.watchdog.notify.Event;
import org.trainguard.watchdog.notify.EventKind;
import org.trainguard.watchdog.notify.Notifier;
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
    private final ProgressLog progress;
    private final TrainerEnds ends;
    private final BlockingQueue<Wake> wakes = new LinkedBlockingQueue<>();

    private Restarts restarts;
    /** The latest trainer; null before the first. */
    private TrainerAttempt attempt;

    private int attempts;
    private Instant nextCheck;
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
        this.progress = new ProgressLog(clock, steps, hang);
        this.ends =
                new TrainerEnds(settings, notifier, clock, run, console, stopper, hang, stops, state, steps, classData);
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
        ShutdownStop shutdown = ShutdownStop.install(
                classData::close,
                () -> requestStop("JVM shutdown"),
                config.stopTimeout().plus(TrainerStopper.KILL_WAIT).plusSeconds(5));
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
            shutdown.close();
        }
    }

    private int supervise() throws InterruptedException {
        Optional<SessionState> before = steps.readSession();
        restarts = Restarts.forRun(config, before.map(SessionState::step).orElse(0L), run, clock);
        stops.clearFile();
        writeState();
        settings.log(LOG, classData);

        StartUp start = StartUp.forRun(settings, run, before);
        if (start instanceof StartUp.HeldElsewhere held) {
            LOG.error(held.why());
            return finish(new Outcome.Finish(
                    Phase.FAILED,
                    ExitCode.LOCKED.code(),
                    "none: " + held.why(),
                    Optional.of(EventKind.FAILED),
                    held.why()));
        } else if (start instanceof StartUp.Attach a) {
            attach(a.process(), a.how());
        } else if (start instanceof StartUp.Completed c) {
            LOG.info(
                    "the run already completed at step {} of {}; nothing to do",
                    c.session().step(),
                    c.session().totalSteps());
            return finish(new Outcome.Finish(Phase.COMPLETED, 0, "none: the run completed", Optional.empty(), ""));
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
                OptionalInt done = follow(ends.ended(attempt, ended.exitCode()));
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
        TrainerProcess trainer;
        try {
            trainer = launcher.launch(resumeFrom, classData.jvmOptions(), ++attempts);
        } catch (IOException cannotStart) {
            String why = cannotStart.getMessage();
            LOG.error(why);
            return OptionalInt.of(finish(new Outcome.Finish(
                    Phase.FAILED, ExitCode.USAGE.code(), "none: " + why, Optional.of(EventKind.FAILED), why)));
        }
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
        progress.restart(now);
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
            return follow(ends.hung(attempt));
        }
        progress.logIfDue(attempt);
        writeState();
        return OptionalInt.empty();
    }

    // ------------------------------------------------------------------ after the end of a trainer

    private OptionalInt follow(Outcome next) throws InterruptedException {
        if (next instanceof Outcome.Finish f) {
            return OptionalInt.of(finish(f));
        } else if (next instanceof Outcome.Stop) {
            return OptionalInt.of(stop());
        } else if (next instanceof Outcome.Attach a) {
            attach(a.process(), a.how());
            return OptionalInt.empty();
        }
        return decide(((Outcome.Restart) next).reason());
    }

    private OptionalInt decide(String reason) {
        RestartPolicy.Decision decision = restarts.decide(attempt.step(), reason);
        if (decision instanceof RestartPolicy.GiveUp giveUp) {
            String why = "giving up: " + giveUp.why() + "; the run needs a person: look at " + console.file()
                    + ", fix the cause, then run `watchdog run --config " + settings.configFile() + "` again";
            LOG.error(why);
            return OptionalInt.of(finish(new Outcome.Finish(
                    Phase.FAILED,
                    ExitCode.FAILURE.code(),
                    "none: " + why,
                    Optional.of(EventKind.FAILED),
                    giveUp.why())));
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
            ends.stop(attempt, source, this::writeState);
        } else {
            LOG.info("stop requested ({}); no trainer is running", source);
        }
        if (attempt != null) {
            attempt.markGone();
        }
        state.stoppedByUser();
        int code = finish(new Outcome.Finish(
                Phase.STOPPED,
                0,
                "none: stopped on purpose (" + source + "); nothing restarts the run until " + "`watchdog run --config "
                        + settings.configFile() + "` starts it again",
                Optional.of(EventKind.STOPPED),
                "stopped on purpose (" + source + ")"));
        stops.clearFile();
        return code;
    }

    // ------------------------------------------------------------------ bookkeeping

    private int finish(Outcome.Finish f) {
        classData.close();
        state.enter(f.end(), f.action());
        state.exit(f.code());
        writeState();
        f.event().ifPresent(kind -> notifier.notify(new Event(kind, settings.runName(), steps.known(), f.reason())));
        return f.code();
    }

    private void writeState() {
        state.write(attempt, attempts, restarts == null ? null : restarts.policy());
    }
}
