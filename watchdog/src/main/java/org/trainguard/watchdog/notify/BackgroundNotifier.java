package org.trainguard.watchdog.notify;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A notification channel that delivers on one daemon thread of its own, in the order events happened. Events are
 * prepared on the caller's thread (cheap: a time stamp) and delivered on the background thread.
 */
abstract class BackgroundNotifier implements Notifier {

    private static final Logger LOG = LoggerFactory.getLogger(BackgroundNotifier.class);

    private final ExecutorService worker;
    private final String channel;
    private final Duration closeWait;

    /**
     * @param channel   names the channel in thread names and log lines, e.g. {@code sound}
     * @param closeWait the longest {@link #close()} waits for queued events
     */
    BackgroundNotifier(String channel, Duration closeWait) {
        this.channel = channel;
        this.closeWait = closeWait;
        this.worker = Executors.newSingleThreadExecutor(task -> {
            // A daemon thread: a stuck loudspeaker or web server must never keep the watchdog's JVM alive.
            Thread thread = new Thread(task, "trainguard-notify-" + channel);
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Captures what must be taken at the time of the event and returns the slow part. Called on the caller's
     * thread; must be quick and must not throw.
     *
     * @param event what happened
     * @return the delivery, run on the background thread; it must catch its own failures
     */
    abstract Runnable prepare(Event event);

    @Override
    public final void notify(Event event) {
        try {
            worker.execute(prepare(event));
        } catch (RejectedExecutionException closed) {
            LOG.warn(
                    "{} notifier is closed; dropped the {} event",
                    channel,
                    event.kind().wireName());
        } catch (RuntimeException unexpected) {
            LOG.warn(
                    "{} notifier could not queue the {} event: {}",
                    channel,
                    event.kind().wireName(),
                    unexpected.toString());
        }
    }

    @Override
    public final void close() {
        beginClose();
        awaitClose(Instant.now().plus(closeWait));
    }

    /** Accepts no more events; queued ones still go out. */
    final void beginClose() {
        worker.shutdown();
    }

    /**
     * Waits for queued events until the earlier of {@code deadline} and this channel's own close wait after
     * {@link #beginClose()}, then interrupts what is left.
     *
     * @param deadline the latest time to return (roughly)
     */
    final void awaitClose(Instant deadline) {
        try {
            long millis = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
            if (!worker.awaitTermination(millis, TimeUnit.MILLISECONDS)) {
                List<Runnable> dropped = worker.shutdownNow();
                LOG.warn(
                        "{} notifier: abandoned {} notification(s) still queued or being sent {} ms after closing",
                        channel,
                        dropped.size() + 1,
                        closeWait.toMillis());
                worker.awaitTermination(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException interrupted) {
            worker.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** @return the longest {@link #close()} waits */
    final Duration closeWait() {
        return closeWait;
    }
}
