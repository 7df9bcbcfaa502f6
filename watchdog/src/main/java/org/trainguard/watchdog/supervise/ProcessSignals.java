package org.trainguard.watchdog.supervise;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signals Java's {@link ProcessHandle} cannot send (it has only TERM and KILL): QUIT for a thread dump and
 * CONT for a frozen process, through the system's {@code kill} command. Unix only; elsewhere they do nothing.
 */
final class ProcessSignals {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessSignals.class);
    private static final boolean WINDOWS =
            System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");

    private ProcessSignals() {}

    /** @return whether signals other than TERM and KILL can be sent here */
    static boolean available() {
        return !WINDOWS;
    }

    /**
     * Sends a signal with {@code kill -NAME pid}.
     *
     * @param pid  the process
     * @param name the signal without {@code SIG}, e.g. {@code QUIT}
     * @return whether {@code kill} reported success
     */
    static boolean send(long pid, String name) {
        if (WINDOWS) {
            return false;
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!kill.waitFor(5, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
                return false;
            }
            return kill.exitValue() == 0;
        } catch (IOException e) {
            LOG.debug("cannot run kill -{} {}: {}", name, pid, e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Whether a process is stopped (SIGSTOP, Ctrl+Z): it then ignores TERM until continued. Read from
     * {@code /proc/<pid>/stat} on Linux; other systems report false.
     *
     * @param pid the process
     * @return whether it is stopped
     */
    static boolean isStopped(long pid) {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        try {
            String text = Files.readString(stat, StandardCharsets.UTF_8);
            // The state follows the command name, which is in parentheses and may itself hold spaces.
            int close = text.lastIndexOf(')');
            if (close < 0 || close + 2 >= text.length()) {
                return false;
            }
            char state = text.charAt(close + 2);
            return state == 'T' || state == 't';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
