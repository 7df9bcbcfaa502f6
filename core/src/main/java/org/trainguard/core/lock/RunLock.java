package org.trainguard.core.lock;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainguard.core.io.Json;
import org.trainguard.core.session.HostName;

/**
 * {@code trainguard.lock}: held by the one trainer that runs in an output folder. It is an
 * operating-system file lock, so it is released when the process dies by any means (SIGKILL and
 * power loss included); the file's content names the holder for error messages and the watchdog,
 * and is empty when no trainer runs.
 */
public final class RunLock implements AutoCloseable {

    /** The file name inside the output folder. */
    public static final String FILE_NAME = "trainguard.lock";

    private static final Logger LOG = LoggerFactory.getLogger(RunLock.class);

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private LockInfo info;

    private RunLock(Path file, FileChannel channel, FileLock lock, LockInfo info) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
        this.info = info;
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
            return host.equals(HostName.get()) && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }

        /** @return "pid 1234 on host x (session ...)" for messages */
        public String describe() {
            return "pid " + pid + " on " + host + (sessionId.isEmpty() ? "" : " (session " + sessionId + ")") + " since " + startedAt;
        }
    }

    /** Thrown when another live process holds the lock. */
    public static final class LockHeldException extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient Optional<LockInfo> holder;

        LockHeldException(Path file, Optional<LockInfo> holder) {
            super("another trainer holds " + file + ": " + holder.map(LockInfo::describe).orElse("holder unknown"));
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
     * @throws IOException when the lock file cannot be created
     */
    public static RunLock acquire(Path outputDir, String sessionId) throws LockHeldException, IOException {
        Files.createDirectories(outputDir);
        Path file = outputDir.resolve(FILE_NAME);
        {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // this JVM already holds it
            }
            if (lock == null) {
                Optional<LockInfo> holder = readInfo(ch);
                ch.close();
                throw new LockHeldException(file, holder);
            }
            Optional<LockInfo> previous = readInfo(ch);
            previous.ifPresent(p -> LOG.warn("taking over the run lock of {}: that process is gone", p.describe()));
            LockInfo info = new LockInfo(ProcessHandle.current().pid(), HostName.get(), Objects.requireNonNullElse(sessionId, ""), Instant.now());
            RunLock held = new RunLock(file, ch, lock, info);
            held.writeInfo();
            return held;
        }
    }

    /**
     * Reads the holder of an output folder's lock without taking it.
     *
     * @param outputDir the run's output folder
     * @return the holder when a live process holds the lock; empty when nobody does
     */
    public static Optional<LockInfo> holder(Path outputDir) {
        Path file = outputDir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock probe;
            try {
                probe = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                return readInfo(ch); // held by this very JVM
            }
            if (probe != null) {
                probe.release();
                return Optional.empty();
            }
            Optional<LockInfo> info = readInfo(ch);
            return info.isPresent() ? info : Optional.of(new LockInfo(-1, "unknown", "", Instant.EPOCH));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            LOG.debug("cannot probe {}: {}", file, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Records the session id once it is known.
     *
     * @param sessionId the run's session id
     * @throws IOException when the lock file cannot be written
     */
    public void updateSessionId(String sessionId) throws IOException {
        info = new LockInfo(info.pid(), info.host(), sessionId, info.startedAt());
        writeInfo();
    }

    /** @return what this lock's file says */
    public LockInfo info() {
        return info;
    }

    /** @return the lock file */
    public Path file() {
        return file;
    }

    /**
     * Empties the file and releases the lock. The file itself stays: deleting it would let a
     * process that opened it a moment earlier lock an orphaned copy and believe it holds the run.
     */
    @Override
    public void close() throws IOException {
        if (!channel.isOpen()) {
            return;
        }
        try {
            channel.truncate(0);
            channel.force(true);
            lock.release();
        } finally {
            channel.close();
        }
    }

    private void writeInfo() throws IOException {
        byte[] bytes = Json.mapper().writeValueAsBytes(info);
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(bytes), 0);
        channel.force(true);
    }

    private static Optional<LockInfo> readInfo(FileChannel ch) {
        try {
            long size = ch.size();
            if (size == 0 || size > 1 << 16) {
                return Optional.empty();
            }
            ByteBuffer buf = ByteBuffer.allocate((int) size);
            while (buf.hasRemaining() && ch.read(buf, buf.position()) > 0) {
                // read all
            }
            return Optional.of(Json.mapper().readValue(buf.array(), 0, buf.position(), LockInfo.class));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
