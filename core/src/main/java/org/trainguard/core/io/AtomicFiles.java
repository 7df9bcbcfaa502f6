package org.trainguard.core.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes files so that a reader, or a machine that loses power, sees either the old content or the
 * new one, never half of it: write a temporary file beside the target, fsync it, rename it over the
 * target, fsync the folder.
 */
public final class AtomicFiles {

    /** Something that writes the content of a file. */
    @FunctionalInterface
    public interface Content {
        /**
         * Writes the content.
         *
         * @param out the stream to write to; closed by the caller
         * @throws IOException when writing fails
         */
        void writeTo(OutputStream out) throws IOException;
    }

    /** Something that writes the content of a file through its channel (for positioned writes). */
    @FunctionalInterface
    public interface ChannelContent {
        /**
         * Writes the content.
         *
         * @param channel the temporary file's channel; closed by the caller
         * @throws IOException when writing fails
         */
        void writeTo(FileChannel channel) throws IOException;
    }

    private AtomicFiles() {}

    /**
     * Replaces {@code target} with what {@code content} writes through the file's channel,
     * atomically and durably.
     *
     * @param target the file to write
     * @param content writes the new content
     * @throws IOException when the file cannot be written; the old content is then untouched
     */
    public static void writeChannel(Path target, ChannelContent content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = temporaryBeside(target);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                content.writeTo(ch);
                ch.force(true);
            }
            moveAtomically(tmp, target);
            fsyncDirectory(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Replaces {@code target} atomically but without fsync: for files that are redrawn often and
     * cost nothing to lose in a power cut (plots, a heartbeat), where syncing would only slow work.
     *
     * @param target the file to write
     * @param content writes the new content
     * @throws IOException when the file cannot be written; the old content is then untouched
     */
    public static void replace(Path target, Content content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = temporaryBeside(target);
        try {
            try (OutputStream out =
                    Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                content.writeTo(out);
            }
            moveAtomically(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static Path temporaryBeside(Path target) {
        // Not Files.createTempFile: its owner-only permissions would differ from the target's.
        return target.toAbsolutePath()
                .getParent()
                .resolve("." + target.getFileName() + ".tmp-"
                        + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    }

    /**
     * Replaces {@code target} with {@code bytes} atomically and durably.
     *
     * @param target the file to write
     * @param bytes its new content
     * @throws IOException when the file cannot be written; the old content is then untouched
     */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    /**
     * Replaces {@code target} with what {@code content} writes, atomically and durably.
     *
     * @param target the file to write
     * @param content writes the new content
     * @throws IOException when the file cannot be written; the old content is then untouched
     */
    public static void write(Path target, Content content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = temporaryBeside(target);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                OutputStream out = Channels.newOutputStream(ch);
                content.writeTo(out);
                out.flush();
                ch.force(true);
            }
            moveAtomically(tmp, target);
            fsyncDirectory(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Renames {@code source} to {@code target} in one step (replacing a file, not a non-empty folder).
     *
     * @param source the file or folder to rename
     * @param target its new name, in the same file system
     * @throws IOException when the rename fails
     */
    public static void moveAtomically(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            // Some file systems (a few network mounts) cannot rename atomically; a plain move is
            // the best they offer and the manifest check still catches a torn result.
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Flushes a folder's entries to disk so that a rename inside it survives power loss. A no-op
     * where the platform cannot open or flush folders: Windows (NTFS journals the rename itself),
     * and file systems that answer EINVAL or EBADF to an fsync of a folder.
     *
     * @param dir the folder
     * @throws IOException when the folder cannot be flushed for any other reason (it is missing,
     *     or the disk reports an I/O error), so the rename may not be durable
     */
    public static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (UnsupportedOperationException e) {
            // this file system has no channels for folders: nothing to flush through
        } catch (IOException e) {
            if (!cannotFsyncFolders(e)) {
                throw new IOException("cannot flush the folder " + dir + " to disk: " + e, e);
            }
        }
    }

    private static boolean cannotFsyncFolders(IOException e) {
        if (System.getProperty("os.name", "").startsWith("Windows")) {
            return true; // Windows cannot open a folder as a channel
        }
        // What PostgreSQL also ignores for folders: some file systems do not support fsync on them.
        String m = String.valueOf(e.getMessage());
        return m.contains("Invalid argument") || m.contains("Bad file descriptor");
    }

    /**
     * Writes a file's content and fsyncs it, without renaming (for files inside a folder that is
     * itself committed by a rename).
     *
     * @param target the file to create or replace
     * @param content writes the content
     * @throws IOException when writing fails
     */
    public static void writeDurably(Path target, Content content) throws IOException {
        Files.createDirectories(target.toAbsolutePath().getParent());
        try (FileChannel ch = FileChannel.open(
                target, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream out = Channels.newOutputStream(ch);
            content.writeTo(out);
            out.flush();
            ch.force(true);
        }
    }
}
