package org.trainguard.core.lock;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.trainguard.core.io.Json;
import org.trainguard.core.io.RunFiles;

/**
 * An operating-system lock on a file whose content is a JSON record naming the holder: the mechanism under
 * {@code trainguard.lock} ({@link RunLock}) and the watchdog's {@code watchdog.lock}. The lock is released when
 * the holding process dies by any means (SIGKILL and power loss included); the record only serves messages and
 * status, and is emptied on {@link #close()}. The file itself is never deleted: deleting it would let a process
 * that opened it a moment earlier lock an orphaned copy and believe it holds the lock.
 *
 * <p>On Linux, closing any channel on a file drops every lock this process holds on that file, whichever
 * channel took it. So while this process holds a file, asking about that file again ({@link #tryAcquire},
 * {@link #probe}, {@link #readRecord}) answers from the held lock and opens no second channel on it.
 *
 * @param <T> the record type, written and read with {@link Json#mapper()}
 */
public final class RecordFileLock<T> implements AutoCloseable {

    /** A record larger than this is not one this class wrote: its holder is unknown. */
    private static final int MAX_RECORD_BYTES = 1 << 16;

    /** Files this process holds, by real path; opening and closing channels on them happens under this map's lock. */
    private static final Map<Path, RecordFileLock<?>> HELD_HERE = new HashMap<>();

    private final Path file;
    private final Path key;
    private final Class<T> type;
    private final FileChannel channel;
    private final FileLock lock;
    private volatile T record;

    private RecordFileLock(Path file, Path key, Class<T> type, FileChannel channel, FileLock lock, T record) {
        this.file = file;
        this.key = key;
        this.type = type;
        this.channel = channel;
        this.lock = lock;
        this.record = record;
    }

    /**
     * What {@link #tryAcquire} found: the lock is now ours, or another process (or another part of this one)
     * holds it.
     *
     * @param <T> the record type
     */
    public sealed interface Attempt<T> permits Acquired, HeldByAnother {}

    /**
     * The lock is ours and the file holds our record.
     *
     * @param lock     the held lock; close it to release
     * @param previous the record found in the file before ours: a holder that died without releasing the lock;
     *                 empty when the file was empty (released cleanly) or unreadable
     * @param <T>      the record type
     */
    public record Acquired<T>(RecordFileLock<T> lock, Optional<T> previous) implements Attempt<T> {
        /** Checks that nothing is missing. */
        public Acquired {
            Objects.requireNonNull(lock, "lock");
            Objects.requireNonNull(previous, "previous");
        }
    }

    /**
     * Someone else holds the lock.
     *
     * @param file   the lock file
     * @param holder the holder's record; empty when the file is empty, unparsable or cannot be read (Windows
     *               locks keep other processes from reading a locked file)
     * @param <T>    the record type
     */
    public record HeldByAnother<T>(Path file, Optional<T> holder) implements Attempt<T> {
        /** Checks that nothing is missing. */
        public HeldByAnother {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(holder, "holder");
        }
    }

    /**
     * Tries once, without waiting, to lock a file and write our record into it. The file is created when
     * missing; its folder must exist.
     *
     * @param file   the lock file
     * @param type   the record's class
     * @param record what to write into the file once it is ours
     * @param <T>    the record type
     * @return {@link Acquired} with the lock and the previous record, or {@link HeldByAnother} with the
     *         holder's record
     * @throws org.trainguard.core.io.UnusablePathException when the file is a symbolic link or a folder: writing
     *                     through a link would truncate its target
     * @throws IOException when the file cannot be created, locked or written
     */
    public static <T> Attempt<T> tryAcquire(Path file, Class<T> type, T record) throws IOException {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(record, "record");
        synchronized (HELD_HERE) {
            Optional<RecordFileLock<?>> here = heldHere(file);
            if (here.isPresent()) {
                return new HeldByAnother<>(file, here.get().recordAs(type));
            }
            FileChannel ch = RunFiles.openForUpdate(file, "the lock file");
            try {
                FileLock lock = lockOrEmpty(ch).orElse(null);
                if (lock == null) {
                    Optional<T> holder = readOrUnknown(ch, type);
                    ch.close();
                    return new HeldByAnother<>(file, holder);
                }
                Optional<T> previous = readOrUnknown(ch, type);
                RecordFileLock<T> held = new RecordFileLock<>(file, file.toRealPath(), type, ch, lock, record);
                held.write(record);
                HELD_HERE.put(held.key, held);
                return new Acquired<>(held, previous);
            } catch (IOException | RuntimeException e) {
                // closing the channel also releases a lock taken before the failure
                try {
                    ch.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        }
    }

    /**
     * Finds out whether a process holds a file's lock by trying to take it and, when that succeeds, releasing it
     * at once. A process trying to take the lock at that very moment finds it held, so prefer
     * {@link #readRecord} where a stale record will do.
     *
     * @param file the lock file; it is not created
     * @param type the record's class
     * @param <T>  the record type
     * @return the holder when the lock is held (by another process or by this one); empty when it is free
     * @throws NoSuchFileException when the file does not exist
     * @throws IOException         when the file cannot be opened or locked
     */
    public static <T> Optional<HeldByAnother<T>> probe(Path file, Class<T> type) throws IOException {
        Objects.requireNonNull(type, "type");
        synchronized (HELD_HERE) {
            Optional<RecordFileLock<?>> here = heldHere(file);
            if (here.isPresent()) {
                return Optional.of(new HeldByAnother<>(file, here.get().recordAs(type)));
            }
            try (FileChannel ch = FileChannel.open(
                    file, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                Optional<FileLock> probe = lockOrEmpty(ch);
                if (probe.isPresent()) {
                    probe.get().release();
                    return Optional.empty();
                }
                return Optional.of(new HeldByAnother<>(file, readOrUnknown(ch, type)));
            }
        }
    }

    /**
     * Reads a lock file's record without touching the lock, so that it cannot disturb a process taking the lock
     * at that moment. The record may be stale: one left by a holder that died, or, when the file is empty, none
     * although a holder is about to write it.
     *
     * @param file the lock file
     * @param type the record's class
     * @param <T>  the record type
     * @return the record; empty when the file is empty, too large or not a record of this type
     * @throws NoSuchFileException when the file does not exist
     * @throws IOException         when the file cannot be opened or read (on Windows, when another process holds
     *                             its lock)
     */
    public static <T> Optional<T> readRecord(Path file, Class<T> type) throws IOException {
        Objects.requireNonNull(type, "type");
        synchronized (HELD_HERE) {
            Optional<RecordFileLock<?>> here = heldHere(file);
            if (here.isPresent()) {
                return here.get().recordAs(type);
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                return read(ch, type);
            }
        }
    }

    /**
     * Replaces the record in the file, as a holder learns more about itself.
     *
     * @param newRecord the new record
     * @throws IOException when the file cannot be written ({@link java.nio.channels.ClosedChannelException} once
     *                     the lock is released)
     */
    public void write(T newRecord) throws IOException {
        Objects.requireNonNull(newRecord, "newRecord");
        byte[] bytes = Json.mapper().writeValueAsBytes(newRecord);
        channel.truncate(0);
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
            channel.write(buf, buf.position());
        }
        channel.force(true);
        record = newRecord;
    }

    /** @return the record this lock last wrote */
    public T record() {
        return record;
    }

    /** @return the lock file */
    public Path file() {
        return file;
    }

    /**
     * Empties the file and releases the lock; the file stays (see the class comment). Closing again does
     * nothing.
     *
     * @throws IOException when the file cannot be emptied; the lock is released all the same
     */
    @Override
    public void close() throws IOException {
        synchronized (HELD_HERE) {
            if (!channel.isOpen()) {
                return;
            }
            try {
                channel.truncate(0);
                channel.force(true);
                lock.release();
            } finally {
                HELD_HERE.remove(key, this);
                channel.close();
            }
        }
    }

    private <U> Optional<U> recordAs(Class<U> wanted) {
        return Optional.of(record).filter(wanted::isInstance).map(wanted::cast);
    }

    /** Must be called holding {@code HELD_HERE}'s lock. */
    private static Optional<RecordFileLock<?>> heldHere(Path file) throws IOException {
        Path key;
        try {
            key = file.toRealPath();
        } catch (NoSuchFileException missing) {
            return Optional.empty(); // a file this process holds exists
        }
        return Optional.ofNullable(HELD_HERE.get(key));
    }

    private static Optional<FileLock> lockOrEmpty(FileChannel ch) throws IOException {
        try {
            return Optional.ofNullable(ch.tryLock());
        } catch (OverlappingFileLockException heldByThisProcess) {
            // This process locked the file through a channel this class did not open (it would have answered
            // from HELD_HERE otherwise); nothing here can keep that lock from being dropped on Linux.
            return Optional.empty();
        }
    }

    private static <T> Optional<T> readOrUnknown(FileChannel ch, Class<T> type) {
        try {
            return read(ch, type);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static <T> Optional<T> read(FileChannel ch, Class<T> type) throws IOException {
        long size = ch.size();
        if (size == 0 || size > MAX_RECORD_BYTES) {
            return Optional.empty();
        }
        ByteBuffer buf = ByteBuffer.allocate((int) size);
        while (buf.hasRemaining() && ch.read(buf, buf.position()) > 0) {
            // keep reading until the whole record is in
        }
        try {
            return Optional.of(Json.mapper().readValue(buf.array(), 0, buf.position(), type));
        } catch (IOException | RuntimeException unparsable) {
            // a half-written record (the holder died while writing) or someone else's content
            return Optional.empty();
        }
    }
}
