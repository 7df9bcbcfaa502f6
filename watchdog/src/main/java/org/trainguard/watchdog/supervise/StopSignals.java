package org.trainguard.watchdog.supervise;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns SIGTERM, SIGINT (Ctrl+C) and SIGHUP sent to the watchdog into a stop request instead of an immediate JVM
 * shutdown, so the supervisor can stop the trainer, wait for its emergency checkpoint, record the stop and exit
 * with 0 through the normal path.
 *
 * <p>The JDK's signal API ({@code sun.misc.Signal}) is reached by reflection, as in the trainer, so the build
 * stays free of internal-API warnings. Where it is missing the JVM shuts down on these signals as usual and the
 * supervisor's shutdown hook does the same work.
 */
public final class StopSignals implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StopSignals.class);
    private static final String[] NAMES = {"TERM", "INT", "HUP"};

    private final List<Object[]> previous = new ArrayList<>();

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
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Constructor<?> ctor = signalClass.getConstructor(String.class);
            Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
            for (String name : NAMES) {
                Object signal;
                try {
                    signal = ctor.newInstance(name);
                } catch (ReflectiveOperationException e) {
                    continue; // no such signal here (HUP on Windows)
                }
                Object handler = Proxy.newProxyInstance(
                        StopSignals.class.getClassLoader(),
                        new Class<?>[] {handlerClass},
                        (proxy, method, args) -> switch (method.getName()) {
                            case "handle" -> {
                                onSignal.accept("SIG" + name);
                                yield null;
                            }
                            case "toString" -> "watchdog stop handler";
                            case "hashCode" -> System.identityHashCode(proxy);
                            case "equals" -> proxy == args[0];
                            default -> null;
                        });
                try {
                    Object old = handle.invoke(null, signal, handler);
                    installed.previous.add(new Object[] {signal, old, handle});
                } catch (ReflectiveOperationException e) {
                    LOG.debug(
                            "cannot handle SIG{}: {}",
                            name,
                            e.getCause() == null ? e : e.getCause().toString());
                }
            }
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
