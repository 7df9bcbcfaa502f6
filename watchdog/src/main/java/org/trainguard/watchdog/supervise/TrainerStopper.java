package org.trainguard.watchdog.supervise;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainguard.config.Durations;
import org.trainguard.config.WatchdogConfig;

/**
 * Ends a trainer: SIGTERM (and SIGCONT, so a stopped one can still act on it), the stop timeout for its
 * emergency checkpoint, then SIGKILL; a hung one first has its threads dumped to the log.
 */
final class TrainerStopper {

    private static final Logger LOG = LoggerFactory.getLogger("watchdog");
    /** How long to wait for a thread dump to be printed. */
    private static final Duration DUMP_WAIT = Duration.ofSeconds(3);
    /** How long a process gets to disappear after SIGKILL. */
    static final Duration KILL_WAIT = Duration.ofSeconds(10);

    private final ConsoleLog console;
    private final Duration stopTimeout;

    /**
     * @param console the trainer's console, where a thread dump asked for with SIGQUIT appears
     * @param stopTimeout how long a trainer gets after SIGTERM
     */
    TrainerStopper(ConsoleLog console, Duration stopTimeout) {
        this.console = console;
        this.stopTimeout = stopTimeout;
    }

    /**
     * @param trainer the trainer
     * @return its exit status, when known
     */
    OptionalInt stop(TrainerProcess trainer) {
        sendTerm(trainer);
        return awaitEnd(trainer);
    }

    /**
     * Logs why a trainer is about to be stopped as hung, and what happens next.
     *
     * @param trainer the trainer
     * @param hang what the hang detector saw
     * @param config the hang and start-up timeouts
     */
    void announceHang(TrainerProcess trainer, HangDetector hang, WatchdogConfig config) {
        long pid = trainer.pid();
        String silence = Durations.format(hang.silence().withNanos(0));
        String last = lastHeartbeat(hang);
        if (hang.startingUp()) {
            LOG.warn(
                    "trainer pid {} is hung in start-up: not training {} after its start (startup timeout {}; {}); dumping "
                            + "its threads, then SIGTERM, {} for its emergency checkpoint, then SIGKILL",
                    pid,
                    silence,
                    Durations.format(config.startupTimeout()),
                    last,
                    Durations.format(stopTimeout));
        } else {
            LOG.warn(
                    "trainer pid {} is hung: no progress for {} (hang timeout {}; {}); dumping its threads, then SIGTERM, "
                            + "{} for its emergency checkpoint, then SIGKILL",
                    pid,
                    silence,
                    Durations.format(config.hangTimeout()),
                    last,
                    Durations.format(stopTimeout));
        }
    }

    /**
     * Dumps a hung trainer's threads to the log, then stops it.
     *
     * @param trainer the trainer
     * @return its exit status, when known
     */
    OptionalInt stopHung(TrainerProcess trainer) {
        long pid = trainer.pid();
        boolean stopped = ProcessSignals.isStopped(pid);
        if (stopped) {
            LOG.warn(
                    "trainer pid {} is stopped (SIGSTOP or Ctrl+Z) and would ignore SIGTERM; it gets SIGCONT right after "
                            + "SIGTERM so that it can still write its emergency checkpoint",
                    pid);
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
            LOG.warn(
                    "no thread dump of trainer pid {}: it is stopped and its output is not the watchdog's to read",
                    pid);
        }
        sendTerm(trainer);
        if (viaConsole && stopped) {
            logDump(pid, ThreadDumps.awaitInConsole(console, mark, DUMP_WAIT));
        }
        return awaitEnd(trainer);
    }

    private static String lastHeartbeat(HangDetector hang) {
        return hang.lastHeartbeat()
                .map(b -> "last heartbeat: step " + b.step() + ", " + b.status() + ", "
                        + b.phase().name().toLowerCase(Locale.ROOT).replace('_', ' ') + ", written " + b.updatedAt())
                .orElse("no heartbeat from this process yet");
    }

    private void logDump(long pid, Optional<String> dump) {
        if (dump.isPresent()) {
            LOG.warn("thread dump of trainer pid {}:{}{}", pid, System.lineSeparator(), dump.get());
        } else {
            LOG.warn("no thread dump of trainer pid {} could be captured (see {})", pid, console.file());
        }
    }

    private static void sendTerm(TrainerProcess trainer) {
        trainer.handle().destroy();
        // A stopped process keeps SIGTERM pending until it runs again; continuing a running one does nothing.
        ProcessSignals.send(trainer.pid(), "CONT");
    }

    private OptionalInt awaitEnd(TrainerProcess trainer) {
        try {
            return trainer.exit().get(stopTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn(
                    "trainer pid {} did not end within {} after SIGTERM; sending SIGKILL",
                    trainer.pid(),
                    Durations.format(stopTimeout));
        } catch (ExecutionException e) {
            LOG.warn(
                    "cannot wait for trainer pid {}: {}",
                    trainer.pid(),
                    e.getCause().toString());
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
}
