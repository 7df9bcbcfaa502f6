package org.trainguard.trainer.report;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainguard.trainer.eval.EvalResult;
import org.trainguard.trainer.eval.MetricsLog;

/**
 * Draws a run's report during training on a thread of its own, at most once per interval, so that the
 * plots neither hold an evaluation up nor take much of the machine from training: drawing four charts
 * costs a few hundred milliseconds of CPU (the first time about a second), which on a small, fast job is
 * a large share of its training time.
 *
 * <p>A request is drawn at once when the interval has passed since the last drawing (or since this drawer
 * was made, at the start of training); otherwise one drawing is scheduled for when it has, and requests
 * made meanwhile are served by it: it reads the metrics log when it starts, so it shows every line appended
 * before. The log is read under its own lock, so a line being appended is never read half-written.
 * {@link #drawNow()} draws the run's end on the caller's thread; {@link #close()} draws a scheduled
 * drawing at once, so that a run stopped early still leaves a report of its last evaluation.
 */
public final class ReportDrawer implements AutoCloseable {
    /** Shortest time between two drawings during training. */
    public static final Duration INTERVAL = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(ReportDrawer.class);
    private static final long WAIT_SECONDS = 30;

    private final ReportWriter writer;
    private final MetricsLog metrics;
    private final long intervalNanos;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "trainguard-report");
        t.setDaemon(true);
        return t;
    });
    private long nextAllowed;
    private ScheduledFuture<?> scheduled;

    /**
     * A drawer with {@link #INTERVAL} between drawings.
     *
     * @param writer draws the files
     * @param metrics the run's metrics log, read at each drawing
     */
    public ReportDrawer(ReportWriter writer, MetricsLog metrics) {
        this(writer, metrics, INTERVAL);
    }

    /**
     * @param writer draws the files
     * @param metrics the run's metrics log, read at each drawing
     * @param interval the shortest time between two drawings during training, counted from now for the first
     */
    public ReportDrawer(ReportWriter writer, MetricsLog metrics, Duration interval) {
        this.writer = Objects.requireNonNull(writer, "writer");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.intervalNanos = interval.toNanos();
        this.nextAllowed = System.nanoTime() + intervalNanos;
    }

    /** Asks for the report to be redrawn in the background (now, or when the interval has passed); returns at once. */
    public synchronized void request() {
        if (scheduled != null || thread.isShutdown()) {
            return;
        }
        long delay = Math.max(0, nextAllowed - System.nanoTime());
        scheduled = thread.schedule(this::drawScheduled, delay, TimeUnit.NANOSECONDS);
    }

    private void drawScheduled() {
        synchronized (this) {
            scheduled = null;
        }
        draw();
        synchronized (this) {
            nextAllowed = System.nanoTime() + intervalNanos;
        }
    }

    /** Draws the report on this thread, once a drawing in progress has ended; a scheduled one is not needed then. */
    public void drawNow() {
        synchronized (this) {
            if (scheduled != null && scheduled.cancel(false)) {
                scheduled = null;
            }
        }
        waitForBackground();
        draw();
    }

    private void draw() {
        try {
            List<Map<String, Object>> lines = metrics.lines();
            writer.write(lines, MetricsHistory.of(lines).last("eval").map(EvalResult::fromMap));
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not draw the report: {}", e.toString());
        }
    }

    private void waitForBackground() {
        try {
            thread.submit(() -> {}).get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | java.util.concurrent.RejectedExecutionException e) {
            LOG.warn("the report's background drawing did not finish: {}", e.toString());
        }
    }

    /** Draws a scheduled drawing now, lets one in progress finish (at most 30 seconds), then stops the thread. */
    @Override
    public void close() {
        boolean pending;
        synchronized (this) {
            pending = scheduled != null && scheduled.cancel(false);
            scheduled = null;
        }
        if (pending) {
            waitForBackground();
            draw();
        }
        thread.shutdown();
        try {
            if (!thread.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("the report's background drawing did not finish in {} s", WAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
