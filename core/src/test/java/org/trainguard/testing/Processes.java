package org.trainguard.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Child processes in tests: the Java that runs the tests, real signals, and the logs processes write. */
public final class Processes {

    private Processes() {}

    /** @return the {@code java} binary of the JVM that runs the tests */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * Sends a real signal with {@code kill}.
     *
     * @param signal the signal's name, e.g. {@code TERM} or {@code KILL}
     * @param pid    the process
     * @throws IOException          when {@code kill} cannot run
     * @throws InterruptedException when interrupted
     * @throws AssertionError       when {@code kill} fails
     */
    public static void signal(String signal, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start();
        if (!kill.waitFor(30, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new AssertionError("kill -" + signal + " " + pid + " failed");
        }
    }

    /**
     * A log a child process writes, for failure messages.
     *
     * @param file the log file
     * @return its text, or a note that there is none yet
     */
    public static String log(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
