package org.trainguard.session.mirror;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainguard.core.checkpoint.BestCheckpoint;
import org.trainguard.core.checkpoint.CheckpointStore;
import org.trainguard.core.mirror.CheckpointMirror;
import org.trainguard.core.run.SessionState;

/**
 * Copies committed checkpoints to the mirror on its own thread. The training loop only hands a checkpoint over;
 * when a newer one arrives before the older one is copied, the older one is skipped (rotation would remove it
 * anyway). A failed copy is logged, retried with a growing pause, and recorded; it never stops training.
 */
public final class MirrorCopier implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MirrorCopier.class);
    /** Tries per checkpoint before waiting for the next one; the pause doubles from {@link #FIRST_RETRY}. */
    static final int ATTEMPTS = 4;

    static final Duration FIRST_RETRY = Duration.ofSeconds(2);

    private final CheckpointMirror mirror;
    private final CheckpointStore store;
    private final int keepLast;
    private final Supplier<OptionalLong> bestStep;
    private final Consumer<SessionState.Mirror> onState;
    private final Thread thread;

    private CheckpointStore.Checkpoint pending;
    private boolean busy;
    private boolean closing;
    private SessionState.Mirror state;

    /**
     * Starts the copying thread.
     *
     * @param mirror   the mirror
     * @param store    the local checkpoints
     * @param keepLast how many of the newest checkpoints the mirror keeps, besides the best
     * @param bestStep the best checkpoint's step, kept as well
     * @param initial  the mirror's state recorded so far
     * @param onState  told of each change of state (to record it in the session file)
     */
    public MirrorCopier(
            CheckpointMirror mirror,
            CheckpointStore store,
            int keepLast,
            Supplier<OptionalLong> bestStep,
            SessionState.Mirror initial,
            Consumer<SessionState.Mirror> onState) {
        this.mirror = mirror;
        this.store = store;
        this.keepLast = keepLast;
        this.bestStep = bestStep;
        this.onState = onState;
        this.state = initial;
        this.thread = new Thread(this::run, "trainguard-mirror");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * Hands a committed checkpoint over for copying; returns at once.
     *
     * @param checkpoint the checkpoint
     */
    public synchronized void submit(CheckpointStore.Checkpoint checkpoint) {
        if (closing) {
            return;
        }
        pending = checkpoint;
        notifyAll();
    }

    /** @return the mirror's state now */
    public synchronized SessionState.Mirror state() {
        return state;
    }

    /**
     * Waits until the checkpoints handed over so far are copied (or have failed), at most {@code timeout}.
     *
     * @param timeout the longest wait
     * @return true when nothing is left to copy
     */
    public synchronized boolean awaitIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (pending != null || busy) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private void run() {
        while (true) {
            CheckpointStore.Checkpoint next;
            synchronized (this) {
                while (pending == null && !closing) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (pending == null) {
                    return;
                }
                next = pending;
                pending = null;
                busy = true;
                setState(new SessionState.Mirror(
                        state.target(), state.lastStep(), state.lastAt(), state.lastError(), state.errorAt(), 1));
            }
            try {
                copyWithRetries(next);
            } finally {
                synchronized (this) {
                    busy = false;
                    notifyAll();
                }
            }
        }
    }

    private void copyWithRetries(CheckpointStore.Checkpoint c) {
        Duration pause = FIRST_RETRY;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            long started = System.nanoTime();
            try {
                mirror.copy(c);
                mirror.copyBest(store.dir().resolve(BestCheckpoint.FILE_NAME));
                List<Long> removed = mirror.rotate(keepLast, bestStep.get());
                LOG.info(
                        "mirrored {} to {} and verified it ({} ms){}",
                        c.name(),
                        mirror.target().describe(),
                        (System.nanoTime() - started) / 1_000_000,
                        removed.isEmpty() ? "" : "; rotated out of the mirror: " + removed);
                synchronized (this) {
                    setState(new SessionState.Mirror(state.target(), c.step(), Instant.now(), null, null, 0));
                }
                return;
            } catch (IOException | RuntimeException e) {
                String error = e.getMessage() == null ? e.toString() : e.getMessage();
                boolean last = attempt == ATTEMPTS;
                LOG.warn(
                        "mirroring {} to {} failed (try {} of {}): {}{}",
                        c.name(),
                        mirror.target().describe(),
                        attempt,
                        ATTEMPTS,
                        error,
                        last ? "; waiting for the next checkpoint" : "; trying again in " + pause.toSeconds() + " s");
                synchronized (this) {
                    setState(new SessionState.Mirror(
                            state.target(), state.lastStep(), state.lastAt(), error, Instant.now(), last ? 0 : 1));
                    if (last) {
                        return;
                    }
                    long deadline = System.nanoTime() + pause.toNanos();
                    // a newer checkpoint or the end of the run cuts the pause short
                    while (pending == null && !closing && System.nanoTime() < deadline) {
                        try {
                            TimeUnit.NANOSECONDS.timedWait(this, deadline - System.nanoTime());
                        } catch (InterruptedException ie) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                    if (pending != null || closing) {
                        return;
                    }
                }
                pause = pause.multipliedBy(2);
            }
        }
    }

    private void setState(SessionState.Mirror s) {
        state = s;
        try {
            onState.accept(s);
        } catch (RuntimeException e) {
            LOG.warn("cannot record the mirror's state: {}", e.toString());
        }
    }

    /**
     * Finishes the copy under way and the one handed over last, waiting at most {@code timeout}, then stops.
     *
     * @param timeout the longest wait
     */
    public void close(Duration timeout) {
        if (!awaitIdle(timeout)) {
            LOG.warn(
                    "the mirror {} is still copying after {} s; the next start copies the newest checkpoint again",
                    mirror.target().describe(),
                    timeout.toSeconds());
        }
        synchronized (this) {
            closing = true;
            notifyAll();
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        mirror.target().close();
    }

    @Override
    public void close() {
        close(Duration.ofMinutes(10));
    }
}
