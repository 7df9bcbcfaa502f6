package org.trainguard.session;

import java.time.Duration;
import java.time.Instant;

/**
 * Notices the times this process did not run although it was alive: the machine was suspended, the virtual
 * machine frozen, or the process stopped with SIGSTOP. A thread of plain Java (it runs no ND4J operation)
 * asks to sleep one second at a time and measures how long it really slept, on the monotonic clock (which
 * counts a stopped process's time, but on Linux not a suspended machine's) and on the wall clock (which
 * counts both). A sleep that lasted the threshold longer than asked on either clock is a pause.
 */
final class PauseDetector implements AutoCloseable {

    /** What hears of a pause. */
    interface Listener {
        /**
         * @param at when the pause began
         * @param length how long it lasted
         * @param monotonic whether the monotonic clock saw it too (a stopped process or frozen VM); if not, the
         *     machine was suspended or the wall clock was set forward
         */
        void paused(Instant at, Duration length, boolean monotonic);
    }

    private static final long TICK_MILLIS = 1_000;

    private final Thread thread;
    private volatile boolean running = true;

    /**
     * Starts watching.
     *
     * @param threshold the shortest pause reported
     * @param listener told of each pause, on the detector's thread
     */
    PauseDetector(Duration threshold, Listener listener) {
        long limit = threshold.toMillis();
        thread = new Thread(
                () -> {
                    while (running) {
                        long mono = System.nanoTime();
                        long wall = System.currentTimeMillis();
                        try {
                            Thread.sleep(TICK_MILLIS);
                        } catch (InterruptedException e) {
                            return;
                        }
                        long monoLate = (System.nanoTime() - mono) / 1_000_000 - TICK_MILLIS;
                        long wallLate = System.currentTimeMillis() - wall - TICK_MILLIS;
                        long late = Math.max(monoLate, wallLate);
                        if (running && late >= limit) {
                            listener.paused(
                                    Instant.ofEpochMilli(wall + TICK_MILLIS),
                                    Duration.ofMillis(late),
                                    monoLate >= limit);
                        }
                    }
                },
                "trainguard-pause-detector");
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops watching. */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
