package org.trainguard.session;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainguard.core.signal.SignalHandlers;

/**
 * Turns SIGINT, SIGTERM and SIGHUP (and Ctrl+Break on Windows) into a stop request that the
 * training loop honours after the current step, with an emergency checkpoint. A second SIGINT
 * ends the process at once.
 *
 * <p>The handlers are {@link SignalHandlers}, which reach the JDK's signal API by reflection; where
 * it is missing, the shutdown hook still saves the session.
 */
public final class SignalTrap implements AutoCloseable {

    /**
     * A signal that asked the run to stop.
     *
     * @param name the signal's name, e.g. {@code TERM}
     * @param exitCode the exit status that reports it (128 + its number)
     */
    public record StopSignal(String name, int exitCode) {}

    private static final Logger LOG = LoggerFactory.getLogger(SignalTrap.class);
    private static final List<String> SIGNALS = List.of("INT", "TERM", "HUP", "BREAK");

    private final AtomicReference<StopSignal> requested = new AtomicReference<>();
    private final Runnable onRequest;
    private SignalHandlers handlers;

    private SignalTrap(Runnable onRequest) {
        this.onRequest = onRequest;
    }

    /**
     * Installs the handlers.
     *
     * @param onRequest run (on the signal's thread) when the first stop request arrives
     * @return the trap; close it to restore the previous handlers
     */
    public static SignalTrap install(Runnable onRequest) {
        SignalTrap trap = new SignalTrap(onRequest);
        try {
            trap.handlers = SignalHandlers.install(
                    "trainguard signal handler",
                    SIGNALS,
                    name -> trap.onSignal(new StopSignal(name, exitCode(name))),
                    LOG);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn(
                    "signal handling is not available on this JVM ({}); a stop will still save the session file",
                    e.toString());
        }
        return trap;
    }

    /** @return the exit status that reports a stop by this signal: 128 + its number */
    private static int exitCode(String signal) {
        return switch (signal) {
            case "INT" -> 130;
            case "TERM" -> 143;
            case "HUP" -> 129;
            default -> 149; // BREAK
        };
    }

    private void onSignal(StopSignal s) {
        if (!requested.compareAndSet(null, s)) {
            if (s.name().equals("INT")) {
                // A second Ctrl+C means "now": the person does not want to wait for the checkpoint.
                System.err.println("second interrupt: exiting without waiting for the emergency checkpoint");
                Runtime.getRuntime().halt(130);
            }
            return;
        }
        System.err.println(
                "SIG" + s.name() + " received: finishing the current step, then writing an emergency checkpoint"
                        + (s.name().equals("INT") ? " (Ctrl+C again to exit at once)" : ""));
        onRequest.run();
    }

    /**
     * Asks for a stop as a signal would (for embedding code and tests).
     *
     * @param s the signal to report
     */
    public void request(StopSignal s) {
        onSignal(s);
    }

    /** @return the signal that asked to stop, if one did */
    public Optional<StopSignal> requested() {
        return Optional.ofNullable(requested.get());
    }

    /** Restores the handlers that were there before. */
    @Override
    public void close() {
        if (handlers != null) {
            handlers.close();
        }
    }
}
