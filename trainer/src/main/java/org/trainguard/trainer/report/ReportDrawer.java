package org.trainguard.trainer.report;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainguard.trainer.eval.EvalResult;
import org.trainguard.trainer.eval.MetricsLog;

/**
 * Draws a run's report on a thread of its own, so that an evaluation during training does not wait for
 * the plots (drawing four charts takes a few hundred milliseconds, the first time about half a second).
 *
 * <p>Requests made while a drawing is queued are served by that one drawing: it reads the metrics log
 * when it starts, so it shows every line appended before. The log is read under its own lock, so a line
 * being appended is never read half-written. {@link #drawNow()} waits for the drawing in progress and
 * then draws on the caller's thread, for the report of a run's end.
 */
public final class ReportDrawer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReportDrawer.class);
    private static final long CLOSE_WAIT_SECONDS = 30;

    private final ReportWriter writer;
    private final MetricsLog metrics;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "trainguard-report");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean queued = new AtomicBoolean();

    /**
     * @param writer draws the files
     * @param metrics the run's metrics log, read at each drawing
     */
    public ReportDrawer(ReportWriter writer, MetricsLog metrics) {
        this.writer = Objects.requireNonNull(writer, "writer");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /** Asks for the report to be redrawn in the background; returns at once. */
    public void request() {
        if (queued.compareAndSet(false, true)) {
            thread.execute(() -> {
                queued.set(false);
                draw();
            });
        }
    }

    /** Waits for a drawing in progress, then redraws the report on this thread. */
    public void drawNow() {
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
            thread.submit(() -> {}).get(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | java.util.concurrent.RejectedExecutionException e) {
            LOG.warn("the report's background drawing did not finish: {}", e.toString());
        }
    }

    /** Lets a drawing in progress finish (at most 30 seconds), then stops the thread. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("the report's background drawing did not finish in {} s", CLOSE_WAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
