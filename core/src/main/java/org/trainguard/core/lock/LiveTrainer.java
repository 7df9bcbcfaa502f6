package org.trainguard.core.lock;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.trainguard.core.run.Heartbeat;
import org.trainguard.core.run.HostName;
import org.trainguard.core.run.SessionState;
import org.trainguard.core.run.SessionStore;

/**
 * Tells from a run's own files whether a trainer still runs it, for when {@code trainguard.lock}
 * cannot say so (the file was deleted or replaced while its holder ran, so a new lock on a new file
 * succeeds). The session file names the trainer that last wrote it; that trainer is taken to be
 * running when the file says the run is live and
 * <ul>
 * <li>on this machine: a process with that pid is alive and started before the session file was
 * last written (a pid reused after a reboot started later);</li>
 * <li>on another machine (a shared folder): its session file or its heartbeat was written within
 * the last {@link #OTHER_HOST_FRESHNESS}.</li>
 * </ul>
 */
final class LiveTrainer {

    /** How recent a trainer on another machine must have written the run's files to count as running. */
    static final Duration OTHER_HOST_FRESHNESS = Duration.ofMinutes(10);

    private LiveTrainer() {}

    /**
     * @param outputDir the run's output folder
     * @param self this process's pid, which never counts
     * @return the trainer that the session file shows running, empty when none does
     */
    static Optional<RunLock.LockInfo> recordedIn(java.nio.file.Path outputDir, long self) {
        Optional<SessionState> read;
        try {
            read = new SessionStore(outputDir).read().state();
        } catch (RuntimeException e) {
            return Optional.empty(); // an unreadable session file names nobody
        }
        if (read.isEmpty()
                || !read.get().status().live()
                || read.get().pid() == self
                || read.get().pid() <= 0
                || read.get().host() == null
                || read.get().host().isBlank()) {
            return Optional.empty(); // names no process that could be checked
        }
        SessionState s = read.get();
        Instant written = s.updatedAt() == null ? Instant.EPOCH : s.updatedAt();
        boolean running;
        if (HostName.get().equals(s.host())) {
            running = ProcessHandle.of(s.pid())
                    .filter(ProcessHandle::isAlive)
                    .map(p -> p.info()
                            .startInstant()
                            .map(start -> !start.isAfter(written))
                            .orElse(true))
                    .orElse(false);
        } else {
            Instant latest = Heartbeat.read(outputDir)
                    .filter(h -> h.pid() == s.pid())
                    .map(Heartbeat::updatedAt)
                    .filter(h -> h.isAfter(written))
                    .orElse(written);
            running = Duration.between(latest, Instant.now()).compareTo(OTHER_HOST_FRESHNESS) < 0;
        }
        return running
                ? Optional.of(new RunLock.LockInfo(
                        s.pid(), s.host(), s.sessionId(), s.startedAt() == null ? written : s.startedAt()))
                : Optional.empty();
    }
}
