package org.trainguard.trainer.train;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainguard.core.run.Heartbeat;
import org.trainguard.core.run.SessionStatus;

/**
 * Writes {@code heartbeat.json} while the trainer starts, before its first training step: at once, at every change
 * of phase (loading data, starting ND4J and the network, restoring the checkpoint) and every heartbeat interval,
 * so the watchdog sees a live trainer in start-up and judges it by {@code watchdog.startup_timeout}, not by the
 * hang timeout. Closed before training begins; the session's own heartbeats take over from there.
 */
final class StartupHeartbeat implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StartupHeartbeat.class);

    private final Path outputDir;
    private final ScheduledExecutorService timer;
    private volatile Heartbeat.Phase phase = Heartbeat.Phase.STARTING;
    private boolean closed;

    private StartupHeartbeat(Path outputDir, Duration interval) {
        this.outputDir = outputDir;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "startup-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long millis = Math.max(1, interval.toMillis());
        timer.scheduleWithFixedDelay(this::beat, 0, millis, TimeUnit.MILLISECONDS);
    }

    /**
     * Starts beating (the first beat is written at once, on the timer's thread).
     *
     * @param outputDir the run's output folder, whose lock this trainer holds
     * @param interval  {@code session.heartbeat_interval}
     * @return the running heartbeat
     */
    static StartupHeartbeat start(Path outputDir, Duration interval) {
        return new StartupHeartbeat(outputDir, interval);
    }

    /**
     * Records the phase the trainer enters and writes it at once.
     *
     * @param next the new phase
     */
    synchronized void phase(Heartbeat.Phase next) {
        if (closed) {
            return;
        }
        phase = next;
        timer.execute(this::beat);
    }

    private void beat() {
        try {
            Heartbeat.write(
                    outputDir,
                    new Heartbeat(ProcessHandle.current().pid(), SessionStatus.STARTING, 0, 0, Instant.now(), phase));
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot write the start-up heartbeat: {}", e.toString());
        }
    }

    /** Stops beating and waits for a beat being written, so it cannot overwrite the session's first one. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        timer.shutdownNow();
        try {
            timer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
