package org.trainguard.session;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the operating system not to sleep or suspend while a run trains, and lets it again when closed.
 *
 * <p>Each way holds the request in a small child process whose life is tied to this JVM's, so that a
 * trainer killed with {@code kill -9} or by the OOM killer does not leave the machine unable to sleep:
 * <ul>
 * <li>Linux: {@code systemd-inhibit --what=sleep:idle --mode=block cat}, an inhibitor lock of systemd-logind
 *     held while {@code cat} runs; {@code cat} ends when this JVM's end of its standard input closes;</li>
 * <li>macOS: {@code caffeinate -i -s -w PID}, which ends by itself when this process does;</li>
 * <li>Windows: PowerShell calling {@code SetThreadExecutionState(ES_CONTINUOUS | ES_SYSTEM_REQUIRED)}
 *     and waiting for this process to end.</li>
 * </ul>
 * Where none of these works (no systemd-logind, as in most containers; the tool is missing), one warning
 * names why and training goes on.
 */
public final class SleepInhibitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SleepInhibitor.class);
    /** A tool that fails (no logind, no permission) does so at once; one that works keeps running. */
    private static final long SETTLE_MILLIS = 1_500;

    private final Process process;
    private final String how;
    private volatile boolean held;
    private volatile boolean closed;

    private SleepInhibitor(Process process, String how) {
        this.process = process;
        this.how = how;
    }

    /**
     * Asks the operating system to stay awake.
     *
     * @param why a reason shown by the system's tools (for example {@code systemd-inhibit --list})
     * @return the request, held until closed; empty where the tool could not be started. A tool that
     *     starts but fails (no systemd-logind) is reported by a warning shortly after, without delaying the caller.
     */
    public static Optional<SleepInhibitor> acquire(String why) {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        long pid = ProcessHandle.current().pid();
        List<String> command;
        String how;
        if (os.contains("win")) {
            command = List.of(
                    "powershell.exe",
                    "-NoProfile",
                    "-NonInteractive",
                    "-Command",
                    "Add-Type -Namespace Trainguard -Name Power -MemberDefinition '[DllImport(\"kernel32.dll\")] public static extern uint "
                            + "SetThreadExecutionState(uint f);'; [void][Trainguard.Power]::SetThreadExecutionState([uint32]'0x80000001'); "
                            + "Wait-Process -Id " + pid);
            how = "SetThreadExecutionState";
        } else if (os.contains("mac")) {
            command = List.of("caffeinate", "-i", "-s", "-w", Long.toString(pid));
            how = "caffeinate";
        } else {
            command = List.of(
                    "systemd-inhibit", "--what=sleep:idle", "--who=trainguard", "--why=" + why, "--mode=block", "cat");
            how = "systemd-inhibit";
        }
        try {
            Path err = Files.createTempFile("trainguard-inhibit", ".txt");
            Process p = new ProcessBuilder(command)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(err.toFile())
                    .start();
            SleepInhibitor inhibitor = new SleepInhibitor(p, how);
            // Report in the background: training does not wait for the tool to settle.
            Thread report = new Thread(() -> inhibitor.report(err), "sleep-inhibitor");
            report.setDaemon(true);
            report.start();
            return Optional.of(inhibitor);
        } catch (IOException e) {
            LOG.warn(
                    "cannot keep the machine from sleeping ({} not available: {}); training goes on",
                    how,
                    e.getMessage());
            return Optional.empty();
        }
    }

    private void report(Path err) {
        try {
            if (process.waitFor(SETTLE_MILLIS, TimeUnit.MILLISECONDS)) {
                if (!closed) {
                    String message = firstLine(err).orElse("exit status " + process.exitValue());
                    LOG.warn("cannot keep the machine from sleeping ({} failed: {}); training goes on", how, message);
                }
            } else {
                held = true;
                LOG.info("keeping the machine from sleeping while the run trains ({}, pid {})", how, process.pid());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                Files.deleteIfExists(err);
            } catch (IOException e) {
                LOG.debug("cannot delete {}: {}", err, e.toString());
            }
        }
    }

    private static Optional<String> firstLine(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .map(String::strip)
                    .filter(l -> !l.isEmpty())
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** @return the process that holds the request */
    public ProcessHandle holder() {
        return process.toHandle();
    }

    /** Lets the machine sleep again. */
    @Override
    public void close() {
        closed = true;
        try (OutputStream in = process.getOutputStream()) {
            in.flush(); // closing it ends cat, which releases systemd's inhibitor lock
        } catch (IOException e) {
            LOG.debug("closing the inhibitor's input: {}", e.toString());
        }
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                process.destroy();
                process.waitFor(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroy();
        }
        if (held) {
            LOG.info("the machine may sleep again ({} released)", how);
        }
    }
}
