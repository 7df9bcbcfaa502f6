package org.trainguard.testing;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Waiting in tests for something another thread or process does: polls, and fails with what it waited for. */
public final class Waits {

    private Waits() {}

    /**
     * Waits until {@code condition} holds, at most 5 minutes.
     *
     * @param condition checked every few milliseconds
     * @param what      what the test waits for, for the failure message
     * @throws InterruptedException when interrupted
     */
    public static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        waitFor(condition, (int) TimeUnit.MINUTES.toSeconds(5), what);
    }

    /**
     * Waits until {@code condition} holds.
     *
     * @param condition checked every few milliseconds
     * @param seconds   the longest wait before the test fails
     * @param what      what the test waits for, for the failure message
     * @throws InterruptedException when interrupted
     */
    public static void waitFor(BooleanSupplier condition, int seconds, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + seconds + " s waiting for " + what);
            }
            Thread.sleep(5);
        }
    }
}
