package org.trainguard.watchdog.supervise;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Thread dumps of a hung trainer, for the watchdog log: where every thread of the JVM was stuck is usually the
 * whole diagnosis. A child is sent SIGQUIT, which makes its JVM print the dump to its stdout, that is
 * {@code trainer-console.log}, from where it is copied; a process the watchdog attached to prints elsewhere, so
 * {@code jcmd <pid> Thread.print} is used when the JDK has it.
 */
final class ThreadDumps {

    /** The first line the JVM prints for a dump. */
    static final String MARKER = "Full thread dump";
    /** Dumps are cut at this size in the log. */
    static final int MAX_CHARS = 1024 * 1024;

    private ThreadDumps() {}

    /**
     * Waits for a dump to appear in the console log after a position and to stop growing.
     *
     * @param console the trainer's console log
     * @param mark    its size before SIGQUIT was sent
     * @param max     the longest wait
     * @return the dump, from its first line; empty when none appeared in time
     */
    static Optional<String> awaitInConsole(ConsoleLog console, long mark, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        long lastSize = -1;
        long stableSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long size = console.size();
            if (size != lastSize) {
                lastSize = size;
                stableSince = System.nanoTime();
            } else if (size > mark
                    && System.nanoTime() - stableSince > 400_000_000L
                    && console.readFrom(mark, MAX_CHARS).contains(MARKER)) {
                break;
            }
            if (!sleep(100)) {
                break;
            }
        }
        String text = console.readFrom(mark, MAX_CHARS);
        int start = text.indexOf(MARKER);
        return start < 0 ? Optional.empty() : Optional.of(text.substring(start).stripTrailing());
    }

    /**
     * Runs {@code jcmd <pid> Thread.print} of the JDK that runs the watchdog.
     *
     * @param pid     the process
     * @param timeout the longest wait (jcmd hangs on a process that cannot answer)
     * @return the dump; empty when the JDK has no jcmd or it failed
     */
    static Optional<String> jcmd(long pid, Duration timeout) {
        Path bin = Path.of(System.getProperty("java.home"), "bin");
        Path jcmd = Files.isExecutable(bin.resolve("jcmd")) ? bin.resolve("jcmd") : bin.resolve("jcmd.exe");
        if (!Files.isExecutable(jcmd)) {
            return Optional.empty();
        }
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "Thread.print")
                    .redirectErrorStream(true)
                    .start();
            p.getOutputStream().close();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Thread reader = new Thread(() -> copy(p.getInputStream(), out), "jcmd-output");
            reader.setDaemon(true);
            reader.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            reader.join(2000);
            String text;
            synchronized (out) {
                text = out.toString(StandardCharsets.UTF_8);
            }
            return p.exitValue() == 0 && !text.isBlank() ? Optional.of(cut(text.stripTrailing())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buf)) > 0) {
                synchronized (out) {
                    if (out.size() < MAX_CHARS) {
                        out.write(buf, 0, n);
                    }
                }
            }
        } catch (IOException e) {
            // jcmd was killed on timeout; what was read is all there is
        }
    }

    private static String cut(String text) {
        return text.length() <= MAX_CHARS ? text : text.substring(0, MAX_CHARS) + System.lineSeparator() + "... (cut)";
    }

    private static boolean sleep(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
