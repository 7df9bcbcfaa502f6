package org.trainguard.core.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Checks on the files of a run folder before they are opened. Files that are appended to or rewritten in place
 * (locks, logs, {@code metrics.jsonl}) are never opened through a symbolic link: the run did not create the link,
 * and following it would truncate or append to a file elsewhere (a lock file linked to {@code ~/.bashrc} would empty
 * it). Files written by an atomic rename need no check: the rename replaces a link, never its target.
 */
public final class RunFiles {

    private RunFiles() {}

    /**
     * Refuses a file that is a symbolic link, or a folder where a file belongs. A missing file is fine.
     *
     * @param file the file about to be opened for writing
     * @param what what the file is, for the message, e.g. {@code "the run lock"}
     * @throws UnusablePathException when it is a link or a folder
     */
    public static void requireNoLink(Path file, String what) throws UnusablePathException {
        if (Files.isSymbolicLink(file)) {
            throw new UnusablePathException(
                    file,
                    what + " " + file + " is a symbolic link; trainguard never writes "
                            + "through a link it did not create: remove the link (rm " + file + ") and start again");
        }
        if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new UnusablePathException(
                    file, what + " " + file + " is a folder, not a file: remove or rename it " + "and start again");
        }
    }

    /**
     * Opens a file that is rewritten in place or appended to (a lock, a log) for reading and writing, creating it when
     * missing, never through a symbolic link: {@link #requireNoLink} first, and {@code NOFOLLOW_LINKS} on the open,
     * so that a link made between the check and the open fails the open instead of being followed.
     *
     * @param file the file
     * @param what what the file is, for the message, e.g. {@code "the lock file"}
     * @return the open channel; the caller closes it
     * @throws UnusablePathException when it is a link or a folder
     * @throws IOException when it cannot be opened
     */
    public static FileChannel openForUpdate(Path file, String what) throws IOException {
        requireNoLink(file, what);
        return FileChannel.open(
                file,
                StandardOpenOption.CREATE,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Creates a run's output folder when missing and checks that it is a folder this process can write.
     *
     * @param outputDir the output folder ({@code training.output_dir})
     * @throws UnusablePathException when it, or a folder above it, is a file, or it cannot be created or written
     */
    public static void prepareOutputDir(Path outputDir) throws UnusablePathException {
        Path dir = outputDir.toAbsolutePath().normalize();
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UnusablePathException(
                    dir,
                    "training.output_dir " + dir
                            + (Files.isSymbolicLink(dir) ? " is a symbolic link to a file" : " is a file")
                            + ", not a folder: set training.output_dir to a "
                            + "folder, or move the file away");
        }
        try {
            Files.createDirectories(dir);
        } catch (FileAlreadyExistsException e) {
            throw new UnusablePathException(
                    dir,
                    "training.output_dir " + dir + " cannot be created: " + e.getFile()
                            + " is a file, not a folder; set training.output_dir to another folder");
        } catch (FileSystemException e) {
            throw new UnusablePathException(
                    dir,
                    "training.output_dir " + dir + " cannot be created: " + reason(e)
                            + "; create it or choose another folder");
        } catch (IOException e) {
            throw new UnusablePathException(
                    dir, "training.output_dir " + dir + " cannot be created: " + e.getMessage());
        }
        if (!Files.isWritable(dir) || !Files.isExecutable(dir)) {
            throw new UnusablePathException(
                    dir,
                    "training.output_dir " + dir + " is not writable by this user: "
                            + "fix its permissions (chmod u+rwx " + dir + ") or choose another folder");
        }
    }

    private static String reason(FileSystemException e) {
        String why = e.getReason() == null ? e.getClass().getSimpleName() : e.getReason();
        return (e.getFile() == null ? "" : e.getFile() + ": ") + why;
    }
}
