package org.trainguard.watchdog.supervise;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.trainguard.config.Durations;
import org.trainguard.core.io.AtomicFiles;
import org.trainguard.core.io.Json;
import org.trainguard.core.run.HostName;
import org.trainguard.core.run.RunLayout;
import org.trainguard.core.run.SessionState;
import org.trainguard.core.run.SessionStore;

/**
 * {@code watchdog stop}: stops a run on purpose from another terminal. The watchdog that supervises the run is
 * asked to stop (a stop file, plus SIGTERM where there are signals); it stops the trainer, which writes its
 * emergency checkpoint, records the stop and exits. With no watchdog but a trainer holding the run, the trainer
 * gets SIGTERM itself, and SIGKILL if it has not ended after the stop timeout.
 */
public final class RunStopper {

    /** Extra time the watchdog gets beyond the trainer's stop timeout to record the stop and exit. */
    private static final Duration WATCHDOG_MARGIN = Duration.ofSeconds(30);

    private RunStopper() {}

    /**
     * Stops the run and waits for it to be stopped.
     *
     * @param configFile  the run's config file
     * @param outputDir   the run's output folder
     * @param stopTimeout how long the trainer gets for its emergency checkpoint
     * @param out         where to report
     * @return 0 when the run is stopped (or nothing ran), 1 when it did not stop in time
     * @throws IOException when the stop request cannot be written
     */
    public static int stop(Path configFile, Path outputDir, Duration stopTimeout, PrintWriter out) throws IOException {
        Optional<WatchdogLock.Holder> watchdog = WatchdogLock.holder(outputDir);
        if (watchdog.isPresent()) {
            return stopWatchdog(outputDir, watchdog.get(), stopTimeout, out);
        }
        OptionalLong trainer = RunStatus.liveTrainer(outputDir, Optional.empty(), Optional.empty());
        if (trainer.isPresent()) {
            return stopTrainer(configFile, outputDir, trainer.getAsLong(), stopTimeout, out);
        }
        out.println("nothing to stop: no watchdog and no trainer runs for " + outputDir);
        out.flush();
        return 0;
    }

    private static int stopWatchdog(Path outputDir, WatchdogLock.Holder watchdog, Duration stopTimeout, PrintWriter out)
            throws IOException {
        Optional<ProcessHandle> process = ProcessHandle.of(watchdog.pid());
        // The file works everywhere; SIGTERM wakes the watchdog at once where the platform can send one gently.
        byte[] request = Json.mapper()
                .writeValueAsBytes(Map.of(
                        "requested_at",
                        Instant.now().toString(),
                        "by_pid",
                        ProcessHandle.current().pid(),
                        "host",
                        HostName.get()));
        AtomicFiles.write(outputDir.resolve(Supervisor.STOP_FILE), request);
        process.filter(ProcessHandle::supportsNormalTermination).ifPresent(ProcessHandle::destroy);
        Duration wait = stopTimeout.plus(WATCHDOG_MARGIN);
        out.printf(
                "asked watchdog pid %d to stop; the trainer gets SIGTERM and up to %s for its emergency checkpoint%n",
                watchdog.pid(), Durations.format(stopTimeout));
        out.flush();
        if (process.isEmpty() || waitFor(process.get(), wait)) {
            out.printf("stopped: watchdog pid %d has exited%s%n", watchdog.pid(), describeSession(outputDir));
            out.flush();
            return 0;
        }
        out.printf(
                "watchdog pid %d is still running after %s; see %s%n",
                watchdog.pid(), Durations.format(wait), outputDir.resolve(RunLayout.LOGS));
        out.flush();
        return 1;
    }

    private static int stopTrainer(Path configFile, Path outputDir, long pid, Duration stopTimeout, PrintWriter out) {
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        out.printf(
                "no watchdog supervises %s; sending SIGTERM to trainer pid %d (up to %s for its emergency checkpoint)%n",
                outputDir, pid, Durations.format(stopTimeout));
        out.flush();
        process.ifPresent(ProcessHandle::destroy);
        ProcessSignals.send(pid, "CONT");
        boolean ended = process.isEmpty() || waitFor(process.get(), stopTimeout);
        if (!ended) {
            out.printf("trainer pid %d did not end within %s; sending SIGKILL%n", pid, Durations.format(stopTimeout));
            process.get().destroyForcibly();
            ended = waitFor(process.get(), Duration.ofSeconds(10));
        }
        String action =
                "none: stopped on purpose (watchdog stop); nothing restarts the run until `watchdog run --config "
                        + configFile.toAbsolutePath() + "` starts it again";
        WatchdogState state = WatchdogState.read(outputDir)
                .map(s -> s.stoppedByUser(action))
                .orElseGet(() -> new WatchdogState(
                        WatchdogState.SCHEMA_VERSION,
                        0,
                        HostName.get(),
                        configFile.toAbsolutePath().toString(),
                        Instant.now(),
                        WatchdogState.Phase.STOPPED,
                        null,
                        false,
                        0,
                        0,
                        0,
                        0,
                        "0s",
                        null,
                        action,
                        true,
                        null,
                        Instant.now()));
        try {
            WatchdogState.write(outputDir, state);
        } catch (IOException e) {
            out.printf(
                    "cannot record the stop in %s: %s%n", outputDir.resolve(WatchdogState.FILE_NAME), e.getMessage());
        }
        if (ended) {
            out.printf("stopped: trainer pid %d has exited%s%n", pid, describeSession(outputDir));
        } else {
            out.printf("trainer pid %d is still there after SIGKILL%n", pid);
        }
        out.flush();
        return ended ? 0 : 1;
    }

    private static boolean waitFor(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return !process.isAlive();
        } catch (ExecutionException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    private static String describeSession(Path outputDir) {
        try {
            return new SessionStore(outputDir)
                    .read()
                    .state()
                    .map((SessionState s) -> "; the run is " + s.status() + " at step " + s.step()
                            + s.lastCheckpointRef()
                                    .map(c -> ", last checkpoint at step " + c.step())
                                    .orElse(""))
                    .orElse("");
        } catch (RuntimeException e) {
            return "";
        }
    }
}
