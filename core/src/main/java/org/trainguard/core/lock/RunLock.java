package org.trainguard.core.lock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainguard.core.io.RunFiles;
import org.trainguard.core.run.HostName;
import org.trainguard.core.run.RunLayout;
import org.trainguard.core.run.SessionStore;

/**
 * {@code trainguard.lock}: held by the one trainer that runs in an output folder. It is an
 * operating-system file lock, so it is released when the process dies by any means (SIGKILL and
 * power loss included); the file's content names the holder for error messages and the watchdog,
 * and is empty when no trainer runs.
 */
public final class RunLock implements AutoCloseable {

    /** The file name inside the output folder. */
    public static final String FILE_NAME = RunLayout.LOCK;

    private static final Logger LOG = LoggerFactory.getLogger(RunLock.class);

    private final RecordFileLock<LockInfo> lock;

    private RunLock(RecordFileLock<LockInfo> lock) {
        this.lock = lock;
    }

    /**
     * Who holds, or last held, a run lock.
     *
     * @param pid the holder's process id
     * @param host the holder's host name
     * @param sessionId the run's session id, empty until known
     * @param startedAt when the holder took the lock
     */
    public record LockInfo(long pid, String host, String sessionId, Instant startedAt) {
        /** @return whether the holder is a live process on this host */
        public boolean aliveHere() {
            return host.equals(HostName.get())
                    && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }

        /**
         * @return whether the process this record names still holds the lock as far as a reader can tell: it is
         *         alive here and started before it took the lock (a reused pid started later), or it runs on another
         *         host, which cannot be checked from here
         */
        public boolean heldByLiveProcess() {
            if (!host.equals(HostName.get())) {
                return true;
            }
            return ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .map(p -> p.info()
                            .startInstant()
                            .map(t -> !t.isAfter(startedAt.plusSeconds(2)))
                            .orElse(true))
                    .orElse(false);
        }

        /** @return "pid 1234 on host x (session ...)" for messages */
        public String describe() {
            return "pid " + pid + " on " + host + (sessionId.isEmpty() ? "" : " (session " + sessionId + ")")
                    + " since " + startedAt;
        }
    }

    /** Thrown when another live process holds the lock. */
    public static final class LockHeldException extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient Optional<LockInfo> holder;

        LockHeldException(Path file, Optional<LockInfo> holder) {
            this(
                    "another trainer holds " + file + ": "
                            + holder.map(LockInfo::describe).orElse("holder unknown"),
                    holder);
        }

        LockHeldException(String message, Optional<LockInfo> holder) {
            super(message);
            this.holder = holder;
        }

        /** @return the holder, when its record could be read */
        public Optional<LockInfo> holder() {
            return holder;
        }
    }

    /**
     * Takes the lock of an output folder, taking over a lock whose process is gone with a warning.
     *
     * @param outputDir the run's output folder (created if missing)
     * @param sessionId the run's session id, or empty when not yet known
     * @return the held lock; close it to release
     * @throws LockHeldException when another live process holds it
     * @throws org.trainguard.core.io.UnusablePathException when the output folder is a file or cannot be written,
     *                     or the lock file is a folder or a symbolic link
     * @throws IOException when the lock file cannot be created
     */
    public static RunLock acquire(Path outputDir, String sessionId) throws LockHeldException, IOException {
        RunFiles.prepareOutputDir(outputDir);
        Path file = outputDir.resolve(FILE_NAME);
        LockInfo me = new LockInfo(
                ProcessHandle.current().pid(),
                HostName.get(),
                Objects.requireNonNullElse(sessionId, ""),
                Instant.now());
        RecordFileLock.Attempt<LockInfo> attempt = RecordFileLock.tryAcquire(file, LockInfo.class, me);
        if (attempt instanceof RecordFileLock.HeldByAnother<LockInfo> held) {
            throw new LockHeldException(file, held.holder());
        }
        RecordFileLock.Acquired<LockInfo> acquired = (RecordFileLock.Acquired<LockInfo>) attempt;
        Optional<LockInfo> running = LiveTrainer.recordedIn(outputDir, me.pid());
        if (running.isPresent()) {
            // The lock file was deleted (or replaced) under a running trainer: the lock we just took
            // is on a new file, and the run belongs to that trainer.
            acquired.lock().close();
            throw new LockHeldException(
                    "another trainer runs in " + outputDir + ": "
                            + running.get().describe()
                            + ", as " + SessionStore.FILE_NAME + " and that process show, although " + FILE_NAME
                            + " was not locked (was it deleted?). Stop that trainer first; this one does not take the run over",
                    running);
        }
        acquired.previous()
                .ifPresent(p -> LOG.warn("taking over the run lock of {}: that process is gone", p.describe()));
        return new RunLock(acquired.lock());
    }

    /**
     * Reads the holder of an output folder's lock from the lock file's record, without touching the lock: taking it
     * even for an instant would make a trainer that starts at that instant find the run locked and exit 5. A holder
     * empties the record when it releases the lock; a record left by a process that was killed names a process that
     * is gone (or a pid since reused by a process started later), and is not a holder.
     *
     * @param outputDir the run's output folder
     * @return the holder when a live process holds the lock; empty when nobody does. A record written on another
     *         host cannot be checked from here and counts as a holder. On Windows, where only the holder can read
     *         a locked file, an unreadable file is a holder whose record is unknown (pid -1).
     */
    public static Optional<LockInfo> holder(Path outputDir) {
        Path file = outputDir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        try {
            return RecordFileLock.readRecord(file, LockInfo.class).filter(LockInfo::heldByLiveProcess);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            // Windows keeps every other process from reading a locked file: someone holds it
            LOG.debug("cannot read {}: {}", file, e.getMessage());
            return Optional.of(new LockInfo(-1, "unknown", "", Instant.EPOCH));
        }
    }

    /**
     * Records the session id once it is known.
     *
     * @param sessionId the run's session id
     * @throws IOException when the lock file cannot be written
     */
    public void updateSessionId(String sessionId) throws IOException {
        LockInfo info = lock.record();
        lock.write(new LockInfo(info.pid(), info.host(), sessionId, info.startedAt()));
    }

    /** @return what this lock's file says */
    public LockInfo info() {
        return lock.record();
    }

    /** @return the lock file */
    public Path file() {
        return lock.file();
    }

    /**
     * Empties the file and releases the lock. The file itself stays: deleting it would let a
     * process that opened it a moment earlier lock an orphaned copy and believe it holds the run.
     */
    @Override
    public void close() throws IOException {
        lock.close();
    }
}
