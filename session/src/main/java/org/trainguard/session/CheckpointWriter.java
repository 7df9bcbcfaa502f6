package org.trainguard.session;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainguard.core.checkpoint.CheckpointStore;
import org.trainguard.core.checkpoint.TrainingState;
import org.trainguard.core.io.AtomicFiles;
import org.trainguard.core.io.Json;
import org.trainguard.core.run.RunLayout;

/**
 * Writes checkpoints on a background thread. The training thread only copies the parameters and
 * updater state into a second network held for reuse, then goes on; at most one write is in
 * flight, and a new capture waits for it rather than piling up.
 */
final class CheckpointWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointWriter.class);

    private final NetworkAdapter net;
    private final CheckpointStore store;
    private final int maxFailures;
    /** How long the writer's thread waits for the next job before it ends. */
    private static final long IDLE_MILLIS = 10;

    private final ExecutorService executor;
    private NetworkAdapter shadow;
    private Future<?> inFlight;
    // written by the writer's thread, read by the training thread
    private volatile int failuresInRow;
    private volatile Throwable lastFailure;
    private long lastCaptureNanos;

    CheckpointWriter(NetworkAdapter net, CheckpointStore store, int maxFailures) {
        this.net = net;
        this.store = store;
        this.maxFailures = maxFailures;
        // One thread at a time, in submission order, and none while idle: while another live thread
        // that once ran an ND4J operation exists, every training step measured about 15% slower on
        // 2 cores (bench/README.md section 2; most likely ND4J's native worker threads kept for that
        // thread). Letting the writer's thread end between checkpoints avoids it.
        ThreadPoolExecutor pool =
                new ThreadPoolExecutor(1, 1, IDLE_MILLIS, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "trainguard-checkpoint-writer");
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        this.executor = pool;
    }

    /**
     * Allocates the reusable copy of the network on the writer thread, so the first checkpoint does not
     * block training for it (seconds for a large network). Its contents do not matter: every capture
     * copies the state in.
     */
    void prepare() {
        inFlight = executor.submit(() -> {
            try {
                if (shadow == null) {
                    NetworkAdapter copy = net.copy();
                    copy.updaterState(); // allocates the optimizer state as well
                    shadow = copy;
                }
            } catch (RuntimeException | Error e) {
                LOG.warn(
                        "could not prepare the copy of the network that checkpoints are written from ({}); the first checkpoint "
                                + "makes it on the training thread instead",
                        e.toString());
            }
        });
    }

    /**
     * Copies the network's state and hands it to the writer thread.
     *
     * @param state the training state to store beside the model
     * @param provenance the manifest's provenance
     * @param onCommitted called on the writer thread once the checkpoint is committed
     * @throws CheckpointWriteException when the last {@code maxFailures} writes all failed
     */
    void capture(
            TrainingState state, Map<String, Object> provenance, Consumer<CheckpointStore.Checkpoint> onCommitted) {
        awaitIdle();
        checkFailures();
        long t0 = System.nanoTime();
        if (shadow == null) {
            shadow = net.copy();
        }
        shadow.params().assign(net.params());
        // SGD and other stateless updaters have no state array
        if (net.updaterState() != null && shadow.updaterState() != null) {
            shadow.updaterState().assign(net.updaterState());
        }
        shadow.setIterationCount((int) state.step());
        shadow.setEpochCount(state.epoch());
        lastCaptureNanos = System.nanoTime() - t0;
        inFlight = executor.submit(() -> write(state, provenance, onCommitted));
        if (failuresInRow > 0) {
            // Saves are failing: wait for this one, so that the run stops at the failure that
            // reaches the limit rather than a checkpoint later.
            awaitIdle();
            checkFailures();
        }
    }

    /**
     * @throws CheckpointWriteException when the last {@code maxFailures} writes all failed
     */
    void checkFailures() {
        int failures = failuresInRow;
        if (failures >= maxFailures) {
            throw new CheckpointWriteException(
                    failures + " checkpoint writes in a row failed in " + store.dir() + "; the last: " + lastFailure
                            + ". Free disk space or fix permissions, then start the run again",
                    lastFailure);
        }
    }

    /** @return the last failed write's error, null when none failed */
    Throwable lastFailure() {
        return lastFailure;
    }

    private void write(
            TrainingState state, Map<String, Object> provenance, Consumer<CheckpointStore.Checkpoint> onCommitted) {
        long t0 = System.nanoTime();
        Path tmp = null;
        CheckpointStore.Checkpoint c;
        try {
            tmp = store.begin(state.step());
            Path zip = tmp.resolve(RunLayout.MODEL_ZIP);
            shadow.write(zip);
            try (FileChannel ch = FileChannel.open(zip, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            byte[] json = Json.mapper().writeValueAsBytes(state);
            AtomicFiles.writeDurably(tmp.resolve(TrainingState.FILE_NAME), out -> out.write(json));
            c = store.commit(tmp, state.step(), provenance);
            tmp = null;
        } catch (IOException | RuntimeException | Error e) {
            // an Error too (an OutOfMemoryError while zipping): it is counted like any failed save
            // and the next checkpoint tries again; the executor would otherwise swallow it unseen
            lastFailure = e;
            failuresInRow = failuresInRow + 1;
            LOG.error(
                    "checkpoint at step {} failed ({} of {} allowed in a row): {}; the previous checkpoints are intact{}",
                    state.step(),
                    failuresInRow,
                    maxFailures,
                    e.toString(),
                    failuresInRow < maxFailures ? ", the next checkpoint will try again" : "");
            if (tmp != null) {
                store.abort(tmp);
            }
            return;
        }
        failuresInRow = 0;
        LOG.info(
                "checkpoint {} committed in {} ms (training blocked {} ms)",
                c.name(),
                (System.nanoTime() - t0) / 1_000_000,
                lastCaptureNanos / 1_000_000);
        try {
            onCommitted.accept(c);
        } catch (RuntimeException e) {
            // the checkpoint itself is committed and good: this is not a failed save
            LOG.warn(
                    "checkpoint {} is committed, but what follows it (best record, rotation, session file) failed: {}",
                    c.name(),
                    e.toString());
        }
    }

    /** Waits for the write in flight, if any. */
    void awaitIdle() {
        Future<?> f = inFlight;
        if (f == null) {
            return;
        }
        boolean interrupted = false;
        while (true) {
            try {
                f.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException e) {
                // write() and prepare() log their own failures; this is one they could not catch
                LOG.error("a checkpoint task failed: {}", String.valueOf(e.getCause()));
                break;
            }
        }
        inFlight = null;
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return how many writes in a row failed */
    int failuresInRow() {
        return failuresInRow;
    }

    /** @return how long the last capture blocked the training thread, in nanoseconds */
    long lastCaptureNanos() {
        return lastCaptureNanos;
    }

    /** Waits for the write in flight and stops the thread. */
    @Override
    public void close() {
        awaitIdle();
        executor.shutdown();
    }
}
