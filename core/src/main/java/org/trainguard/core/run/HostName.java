package org.trainguard.core.run;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** This machine's name, for the session file and the run lock. */
public final class HostName {

    private static final String NAME = resolve();

    private HostName() {}

    /** @return the host name, or {@code localhost} when it cannot be found */
    public static String get() {
        return NAME;
    }

    private static String resolve() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
