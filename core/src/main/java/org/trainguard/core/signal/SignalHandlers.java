package org.trainguard.core.signal;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * Handlers for the operating system's signals (SIGTERM, SIGINT, ...) that call back into the program instead of
 * letting the JVM shut down, for the trainer, the watchdog and the prediction server alike.
 *
 * <p>The JDK's signal API ({@code sun.misc.Signal}) is reached by reflection so that the build stays free of
 * internal-API warnings. Closing the handlers puts back the ones that were there before.
 */
public final class SignalHandlers implements AutoCloseable {

    private final Logger log;
    /** Per installed signal: the signal, the handler it had before, and {@code Signal.handle}. */
    private final List<Object[]> previous = new ArrayList<>();

    private SignalHandlers(Logger log) {
        this.log = log;
    }

    /**
     * Installs a handler for each of {@code names} that this platform has; one it lacks (HUP on Windows, BREAK
     * elsewhere) is skipped, and one the JVM keeps for itself is skipped with a debug line.
     *
     * @param label what the handler calls itself (its {@code toString})
     * @param names the signals' names without {@code SIG}, e.g. {@code TERM}
     * @param onSignal called on the signal's thread with the name of the signal that arrived, e.g. {@code TERM}
     * @param log where the program notes what it could not handle
     * @return the installed handlers; close them to restore the previous ones
     * @throws ReflectiveOperationException when this JVM has no signal API (a {@link RuntimeException} such as a
     *     {@link SecurityException} may say the same); nothing is installed then
     */
    public static SignalHandlers install(String label, List<String> names, Consumer<String> onSignal, Logger log)
            throws ReflectiveOperationException {
        Class<?> signalClass = Class.forName("sun.misc.Signal");
        Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
        Constructor<?> ctor = signalClass.getConstructor(String.class);
        Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
        SignalHandlers installed = new SignalHandlers(log);
        for (String name : names) {
            Object signal;
            try {
                signal = ctor.newInstance(name);
            } catch (ReflectiveOperationException e) {
                continue; // this platform has no such signal
            }
            Object handler = Proxy.newProxyInstance(
                    SignalHandlers.class.getClassLoader(),
                    new Class<?>[] {handlerClass},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "handle" -> {
                            onSignal.accept(name);
                            yield null;
                        }
                        case "toString" -> label;
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        default -> null;
                    });
            try {
                Object old = handle.invoke(null, signal, handler);
                installed.previous.add(new Object[] {signal, old, handle});
            } catch (ReflectiveOperationException e) {
                log.debug(
                        "cannot handle SIG{}: {}",
                        name,
                        e.getCause() == null ? e : e.getCause().toString());
            }
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
                log.debug("cannot restore a signal handler: {}", e.toString());
            }
        }
        previous.clear();
    }
}
