package org.trainguard.watchdog.supervise;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.trainguard.core.lock.RecordFileLock;
import org.trainguard.core.run.HostName;
import org.trainguard.core.run.RunLayout;

/**
 * {@code watchdog.lock} in a run's output folder: held by the one watchdog that supervises the run, so that a
 * second one (a manual start while the logon task runs, say) refuses instead of starting a second trainer. Like
 * the trainer's {@code trainguard.lock} it is an operating-system file lock, released when the watchdog dies by
 * any means; the file names the holder for messages, {@code watchdog status} and {@code watchdog stop}.
 */
public final class WatchdogLock implements AutoCloseable {

    /** The file name inside the output folder. */
    public static final String FILE_NAME = RunLayout.WATCHDOG_LOCK;

    /**
     * The watchdog that holds, or last held, the lock.
     *
     * @param pid       its process id
     * @param host      its host name
     * @param config    the config file it was started with
     * @param startedAt when it took the lock
     */
    public record Holder(long pid, String host, String config, Instant startedAt) {
        /** Checks that nothing is missing. */
        public Holder {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(config, "config");
            Objects.requireNonNull(startedAt, "startedAt");
        }

        /** @return "pid 1234 on host x since ..." for messages */
        public String describe() {
            return "pid " + pid + " on " + host + " since " + startedAt;
        }
    }

    /** Thrown when another watchdog supervises the run. */
    public static final class HeldException extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient Optional<Holder> holder;

        HeldException(Path file, Optional<Holder> holder) {
            super("another watchdog supervises this run (" + file + "): "
                    + holder.map(Holder::describe).orElse("holder unknown"));
            this.holder = holder;
        }

        /** @return the other watchdog, when its record could be read */
        public Optional<Holder> holder() {
            return holder;
        }
    }

    private final RecordFileLock<Holder> lock;

    private WatchdogLock(RecordFileLock<Holder> lock) {
        this.lock = lock;
    }

    /**
     * Takes the lock of a run's output folder.
     *
     * @param outputDir  the run's output folder (created if missing)
     * @param configFile the config file, recorded for {@code status}
     * @return the held lock; close it to release
     * @throws HeldException when another live watchdog holds it
     * @throws IOException   when the file cannot be created
     */
    public static WatchdogLock acquire(Path outputDir, Path configFile) throws HeldException, IOException {
        Files.createDirectories(outputDir);
        Path file = outputDir.resolve(FILE_NAME);
        Holder me = new Holder(
                ProcessHandle.current().pid(),
                HostName.get(),
                configFile.toAbsolutePath().toString(),
                Instant.now());
        RecordFileLock.Attempt<Holder> attempt = RecordFileLock.tryAcquire(file, Holder.class, me);
        if (attempt instanceof RecordFileLock.HeldByAnother<Holder> other) {
            throw new HeldException(file, other.holder());
        }
        return new WatchdogLock(((RecordFileLock.Acquired<Holder>) attempt).lock());
    }

    /**
     * Finds the watchdog that supervises a run, without touching its lock (probing the lock could make a
     * watchdog starting at that very moment believe it is held by someone else).
     *
     * @param outputDir the run's output folder
     * @return the holder when the file names a live process on this host that started before it took the lock
     */
    public static Optional<Holder> holder(Path outputDir) {
        Path file = outputDir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return RecordFileLock.readRecord(file, Holder.class).filter(WatchdogLock::isLiveHere);
        } catch (IOException lockedOnWindows) {
            // Windows locks are mandatory: another process cannot read the locked file. The watchdog's state file
            // names it too.
            return WatchdogState.read(outputDir)
                    .map(s -> new Holder(s.watchdogPid(), s.host(), s.config(), s.startedAt()))
                    .filter(WatchdogLock::isLiveHere);
        }
    }

    /** @return what this lock's file says */
    public Holder info() {
        return lock.record();
    }

    /** Empties the file and releases the lock; the file stays (see {@code RunLock#close}). */
    @Override
    public void close() throws IOException {
        lock.close();
    }

    static boolean isLiveHere(Holder h) {
        if (!h.host().equals(HostName.get())) {
            return false;
        }
        return ProcessHandle.of(h.pid())
                .filter(ProcessHandle::isAlive)
                // A pid reused by an unrelated process started after the holder took the lock.
                .map(p -> p.info()
                        .startInstant()
                        .map(s -> !s.isAfter(h.startedAt().plus(Duration.ofSeconds(2))))
                        .orElse(true))
                .orElse(false);
    }
}
