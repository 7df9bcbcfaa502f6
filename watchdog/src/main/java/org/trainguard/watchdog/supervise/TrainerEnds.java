package org.trainguard.watchdog.supervise;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainguard.config.Durations;
import org.trainguard.core.ExitCode;
import org.trainguard.core.folder.RunFolder;
import org.trainguard.core.run.SessionState;
import org.trainguard.watchdog.notify.Event;
import org.trainguard.watchdog.notify.EventKind;
import org.trainguard.watchdog.notify.Notifier;
import org.trainguard.watchdog.supervise.WatchdogState.LastFailure;
import org.trainguard.watchdog.supervise.WatchdogState.Phase;

/**
 * The end of a trainer, when it exited, hung or is stopped on request: the step it reached, what its end means (from the exit status and
 * the session file), the log lines and the failure recorded, and what the supervisor does next ({@link Outcome}).
 */
final class TrainerEnds {

    private static final Logger LOG = LoggerFactory.getLogger("watchdog");
    /** How long to look for the trainer that holds the run after one the watchdog started exited 5. */
    private static final Duration LOCK_HOLDER_WAIT = Duration.ofSeconds(3);

    private final SupervisorSettings settings;
    private final Notifier notifier;
    private final Clock clock;
    private final RunFolder run;
    private final ConsoleLog console;
    private final TrainerStopper stopper;
    private final HangDetector hang;
    private final StopRequests stops;
    private final StateRecorder state;
    private final RunSteps steps;
    private final ClassDataArchive classData;

    /** Takes the supervisor's parts that see and record a trainer's end. */
    TrainerEnds(
            SupervisorSettings settings,
            Notifier notifier,
            Clock clock,
            RunFolder run,
            ConsoleLog console,
            TrainerStopper stopper,
            HangDetector hang,
            StopRequests stops,
            StateRecorder state,
            RunSteps steps,
            ClassDataArchive classData) {
        this.settings = settings;
        this.notifier = notifier;
        this.clock = clock;
        this.run = run;
        this.console = console;
        this.stopper = stopper;
        this.hang = hang;
        this.stops = stops;
        this.state = state;
        this.steps = steps;
        this.classData = classData;
    }

    /**
     * Stops a trainer the hang detector found hung: its threads dumped, SIGTERM, its stop timeout, SIGKILL.
     *
     * @param attempt the hung trainer
     * @return a stop when one was asked for meanwhile, else a restart
     */
    Outcome hung(TrainerAttempt attempt) throws InterruptedException {
        TrainerProcess trainer = attempt.trainer();
        attempt.handleEnd(); // its exit is handled here, not by the loop
        long pid = trainer.pid();
        String silence = Durations.format(hang.silence().withNanos(0));
        boolean startingUp = hang.startingUp();
        stopper.announceHang(trainer, hang, settings.watchdog());
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
        return stops.requested() ? new Outcome.Stop() : new Outcome.Restart(reason);
    }

    /**
     * Reads what a trainer's exit means.
     *
     * @param attempt the trainer that ended
     * @param code its exit status; empty for a trainer the watchdog attached to
     * @return what follows: the run finished or failed for good, a stop, a restart, or another trainer to supervise
     */
    Outcome ended(TrainerAttempt attempt, OptionalInt code) throws InterruptedException {
        TrainerProcess trainer = attempt.trainer();
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
                return new Outcome.Finish(
                        Phase.COMPLETED, 0, "none: the run completed", Optional.of(EventKind.COMPLETED), "");
            }
            case NOT_RESTARTABLE -> {
                if (end.exitCode().equals(OptionalInt.of(ExitCode.LOCKED.code())) && !trainer.attached()) {
                    Optional<RunTrainers.Found> holder = lockHolder(trainer, what);
                    if (holder.isPresent()) {
                        return new Outcome.Attach(
                                holder.get().process(), holder.get().how());
                    }
                }
                state.failed(
                        LastFailure.of(Instant.now(), end.exitCode(), end.signal(), end.reason(), steps.atFailure()));
                String why = "not restarting after " + what
                        + "; restarting cannot fix this: fix it, then run `watchdog run --config "
                        + settings.configFile() + "` again";
                LOG.error(why);
                return new Outcome.Finish(
                        Phase.FAILED, end.watchdogExitCode(), "none: " + why, Optional.of(EventKind.FAILED), what);
            }
            default -> {
                state.failed(
                        LastFailure.of(Instant.now(), end.exitCode(), end.signal(), end.reason(), steps.atFailure()));
                if (stops.requested()) {
                    return new Outcome.Stop();
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
                return new Outcome.Restart(what);
            }
        }
    }

    /**
     * Stops the supervised trainer on request: SIGTERM, its stop timeout for the emergency checkpoint, SIGKILL.
     *
     * @param attempt the trainer, alive and its end not handled yet
     * @param source what asked, for the log
     * @param writeState writes the state file, which says the watchdog is stopping the trainer
     */
    void stop(TrainerAttempt attempt, String source, Runnable writeState) {
        TrainerProcess trainer = attempt.trainer();
        Duration stopTimeout = settings.watchdog().stopTimeout();
        attempt.handleEnd();
        state.enter(
                Phase.STOPPING,
                "stopping trainer pid " + trainer.pid() + " (up to " + Durations.format(stopTimeout) + ")");
        writeState.run();
        LOG.info(
                "stop requested ({}): sending SIGTERM to trainer pid {}; it has {} to write its emergency checkpoint",
                source,
                trainer.pid(),
                Durations.format(stopTimeout));
        OptionalInt code = stopper.stop(trainer);
        steps.readSession().filter(s -> attempt.reported(s.pid())).ifPresent(s -> attempt.noteStep(s.step()));
        LOG.info(
                "trainer pid {} stopped{} at step {}",
                trainer.pid(),
                code.isPresent() ? " with exit " + code.getAsInt() : "",
                steps.describe());
    }

    /**
     * The trainer this watchdog started exited 5: another trainer holds the run. When that one is alive here (one a
     * killed watchdog left starting, or one started by hand), the run is not left unsupervised: the watchdog
     * attaches to it. When the lock is held from another machine, there is nothing to supervise here.
     *
     * @return the live holder to attach to; empty when the run is held from another machine, or no live holder is
     *         found (then, as before, the end is not restarted)
     */
    private Optional<RunTrainers.Found> lockHolder(TrainerProcess trainer, String what) throws InterruptedException {
        Optional<RunTrainers.Found> holder =
                RunTrainers.awaitHolder(settings.outputDir(), settings.configFile(), clock, LOCK_HOLDER_WAIT);
        holder.ifPresent(h -> LOG.warn(
                "trainer pid {} ended with {}: trainer pid {} of this run is alive; supervising it instead",
                trainer.pid(),
                what,
                h.process().pid()));
        return holder;
    }
}
