package org.trainguard.watchdog.supervise;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The supervisor's JVM shutdown hook. It is reached only where the signal handlers could not be installed (a
 * signal then shuts the JVM down): it asks for the same orderly stop and waits for the supervisor to finish it.
 */
final class ShutdownStop implements AutoCloseable {

    private final CountDownLatch finished = new CountDownLatch(1);
    private final Runnable always;
    private final Runnable requestStop;
    private final Duration wait;
    private final Thread hook;

    private ShutdownStop(Runnable always, Runnable requestStop, Duration wait) {
        this.always = always;
        this.requestStop = requestStop;
        this.wait = wait;
        this.hook = new Thread(this::onJvmShutdown, "watchdog-shutdown");
    }

    /**
     * Adds the hook.
     *
     * @param always run first at every shutdown, also after the supervisor finished
     * @param requestStop asks the supervisor to stop
     * @param wait how long the hook waits for the supervisor to finish
     * @return the hook; close it when the supervisor finished
     */
    static ShutdownStop install(Runnable always, Runnable requestStop, Duration wait) {
        ShutdownStop stop = new ShutdownStop(always, requestStop, wait);
        Runtime.getRuntime().addShutdownHook(stop.hook);
        return stop;
    }

    private void onJvmShutdown() {
        always.run();
        if (finished.getCount() == 0) {
            return;
        }
        requestStop.run();
        try {
            finished.await(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Says the supervisor finished, and removes the hook unless the JVM is shutting down. */
    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to; it waits for the supervisor to finish
        }
    }
}
