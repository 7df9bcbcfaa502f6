package org.trainguard.core.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A file or folder of a run that cannot be used as it is found: the output folder is a file or cannot be
 * written, a lock file is a folder, a file the run appends to is a symbolic link. A person has to fix it, so the
 * trainer ends with exit code 2 (usage or configuration error) and the watchdog does not restart it. The message is
 * one line naming the path and what to do.
 */
public final class UnusablePathException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path path;

    /**
     * @param path    the file or folder at fault
     * @param message one line naming the path, what is wrong and what to do
     */
    public UnusablePathException(Path path, String message) {
        super(Objects.requireNonNull(message, "message"));
        this.path = Objects.requireNonNull(path, "path");
    }

    /** @return the file or folder at fault */
    public Path path() {
        return path;
    }
}
