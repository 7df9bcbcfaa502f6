package org.trainguard.session.sparse;

import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Runs the {@link #COUNT} fixed parts of a piece of the fastText step on this thread and a helper thread.
 * Each part is claimed by whichever thread comes to it first, so a helper that the operating system has not
 * scheduled yet (another process on the second core) costs nothing: this thread then runs every part itself
 * and does not wait for the helper to wake. Which thread runs a part never changes what the part computes,
 * so the step's result is the same on one core or two, loaded or idle.
 *
 * <p>When several parts fail, the failure of the lowest part is thrown (a bad batch is reported by its first
 * bad position), after every part that started has ended.
 */
final class Parts {
    /** Fixed number of parts the work is split into. */
    static final int COUNT = 2;

    static final Executor HELPER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "trainguard-table-step");
        t.setDaemon(true);
        return t;
    });
    private static final boolean TWO_THREADS = Runtime.getRuntime().availableProcessors() > 1;

    private final IntConsumer part;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger done = new AtomicInteger();
    private final Throwable[] failures = new Throwable[COUNT];
    private final Thread caller = Thread.currentThread();

    private Parts(IntConsumer part) {
        this.part = part;
    }

    /**
     * Runs parts 0 to {@link #COUNT} - 1, each exactly once, and returns when all have ended; every write a
     * part made is visible to the caller afterwards.
     *
     * @param part the work of one part, given its number
     */
    static void run(IntConsumer part) {
        if (!TWO_THREADS) {
            for (int k = 0; k < COUNT; k++) {
                part.accept(k);
            }
            return;
        }
        Parts p = new Parts(part);
        HELPER.execute(p::claimAll);
        p.claimAll();
        p.awaitAll();
        p.rethrow();
    }

    /** Runs parts until none is left to claim. */
    private void claimAll() {
        int k;
        while ((k = next.getAndIncrement()) < COUNT) {
            try {
                part.accept(k);
            } catch (RuntimeException | Error e) {
                failures[k] = e;
            }
            if (done.incrementAndGet() == COUNT && Thread.currentThread() != caller) {
                LockSupport.unpark(caller);
            }
        }
    }

    /** Waits for the parts the helper claimed; a short spin first, as a part takes well under a millisecond. */
    private void awaitAll() {
        boolean interrupted = false;
        for (int spins = 0; done.get() < COUNT; spins++) {
            if (spins < 2_000) {
                Thread.onSpinWait();
            } else {
                LockSupport.park(this);
                interrupted |= Thread.interrupted();
            }
        }
        if (interrupted) {
            // the step finished; the interrupt is kept for whoever asked for it
            Thread.currentThread().interrupt();
        }
    }

    private void rethrow() {
        for (Throwable f : failures) {
            if (f instanceof RuntimeException r) {
                throw r;
            }
            if (f instanceof Error err) {
                throw err;
            }
        }
    }
}
