package org.trainguard.watchdog.supervise;

import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainguard.core.signal.SignalHandlers;

/**
 * Turns SIGTERM, SIGINT (Ctrl+C) and SIGHUP sent to the watchdog into a stop request instead of an immediate JVM
 * shutdown, so the supervisor can stop the trainer, wait for its emergency checkpoint, record the stop and exit
 * with 0 through the normal path.
 *
 * <p>The handlers are {@link SignalHandlers}, which reach the JDK's signal API by reflection, as in the trainer.
 * Where it is missing the JVM shuts down on these signals as usual and the
 * supervisor's shutdown hook does the same work.
 */
public final class StopSignals implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StopSignals.class);
    private static final List<String> NAMES = List.of("TERM", "INT", "HUP");

    private SignalHandlers handlers;

    private StopSignals() {}

    /**
     * Installs the handlers.
     *
     * @param onSignal called on the signal's thread with the signal's name ({@code SIGTERM}) for every signal
     * @return the installed handlers; close to restore the previous ones
     */
    public static StopSignals install(Consumer<String> onSignal) {
        StopSignals installed = new StopSignals();
        try {
            installed.handlers =
                    SignalHandlers.install("watchdog stop handler", NAMES, name -> onSignal.accept("SIG" + name), LOG);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug(
                    "signal handling is not available on this JVM ({}); the shutdown hook stops the trainer",
                    e.toString());
        }
        return installed;
    }

    /** Restores the handlers that were there before. */
    @Override
    public void close() {
        if (handlers != null) {
            handlers.close();
        }
    }
}
