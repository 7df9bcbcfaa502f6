package org.trainguard.session;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns SIGINT, SIGTERM and SIGHUP (and Ctrl+Break on Windows) into a stop request that the
 * training loop honours after the current step, with an emergency checkpoint. A second SIGINT
 * ends the process at once.
 *
 * <p>The JDK's signal API ({@code sun.misc.Signal}) is reached by reflection so that the build
 * stays free of internal-API warnings; where it is missing, the shutdown hook still saves the
 * session.
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
    private static final String[][] SIGNALS = {{"INT", "130"}, {"TERM", "143"}, {"HUP", "129"}, {"BREAK", "149"}};

    private final AtomicReference<StopSignal> requested = new AtomicReference<>();
    private final List<Object[]> previous = new ArrayList<>();
    private final Runnable onRequest;

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
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Constructor<?> ctor = signalClass.getConstructor(String.class);
            Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
            Method getName = signalClass.getMethod("getName");
            for (String[] s : SIGNALS) {
                Object signal;
                try {
                    signal = ctor.newInstance(s[0]);
                } catch (ReflectiveOperationException e) {
                    continue; // this platform has no such signal (BREAK outside Windows, HUP on Windows)
                }
                int code = Integer.parseInt(s[1]);
                Object handler = Proxy.newProxyInstance(
                        SignalTrap.class.getClassLoader(), new Class<?>[] {handlerClass}, (proxy, method, args) -> {
                            if (method.getName().equals("handle")) {
                                trap.onSignal(new StopSignal((String) getName.invoke(args[0]), code));
                                return null;
                            }
                            return switch (method.getName()) {
                                case "toString" -> "trainguard signal handler";
                                case "hashCode" -> System.identityHashCode(proxy);
                                case "equals" -> proxy == args[0];
                                default -> null;
                            };
                        });
                try {
                    Object old = handle.invoke(null, signal, handler);
                    trap.previous.add(new Object[] {signal, old, handle});
                } catch (ReflectiveOperationException e) {
                    LOG.debug(
                            "cannot handle SIG{}: {}",
                            s[0],
                            e.getCause() == null ? e : e.getCause().getMessage());
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn(
                    "signal handling is not available on this JVM ({}); a stop will still save the session file",
                    e.toString());
        }
        return trap;
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
        for (Object[] p : previous) {
            try {
                ((Method) p[2]).invoke(null, p[0], p[1]);
            } catch (ReflectiveOperationException e) {
                LOG.debug("cannot restore a signal handler: {}", e.toString());
            }
        }
        previous.clear();
    }
}
