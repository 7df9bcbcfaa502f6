package org.trainguard.session;

import java.util.Optional;
import org.trainguard.core.ExitCode;

/**
 * Whether the run was asked to stop, and by what: SIGINT, SIGTERM or SIGHUP (when the run handles
 * signals), {@link TrainingSessionManager#requestStop()} or an {@code onStep} hook (both as SIGTERM
 * would), or the JVM shutting down (no signal). The training loop honours a request after its
 * current step.
 */
final class StopControl implements AutoCloseable {

    /** Null when the run leaves signals to the application. */
    private final SignalTrap signals;

    private volatile boolean requested;
    private volatile SignalTrap.StopSignal manual;

    /** @param handleSignals whether to install the signal handlers */
    StopControl(boolean handleSignals) {
        this.signals = handleSignals ? SignalTrap.install(() -> requested = true) : null;
    }

    /** @return whether a stop was requested */
    boolean requested() {
        return requested;
    }

    /** Asks for a stop as SIGTERM would. */
    void requestAsTerm() {
        manual = new SignalTrap.StopSignal("TERM", ExitCode.TERMINATED.code());
        requested = true;
    }

    /** Asks for a stop without a signal: the JVM is going down for another reason. */
    void requestForShutdown() {
        requested = true;
    }

    /** @return the signal (or its stand-in) that asked for the stop; empty before any, and for a shutdown */
    Optional<SignalTrap.StopSignal> signal() {
        if (!requested) {
            return Optional.empty();
        }
        return Optional.ofNullable(
                signals == null ? manual : signals.requested().orElse(manual));
    }

    /** Restores the signal handlers there were before. */
    @Override
    public void close() {
        if (signals != null) {
            signals.close();
        }
    }
}
