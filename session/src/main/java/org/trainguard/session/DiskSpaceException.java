package org.trainguard.session;

import org.trainguard.core.ExitCode;

/**
 * The output folder's file system has no room for the next checkpoint ({@code checkpoint.disk_guard}): the run does
 * not start (exit code 7, not restarted by the watchdog). The message names the folder and the bytes needed, free
 * and missing.
 */
public final class DiskSpaceException extends RuntimeException implements ExitCode.Source {
    private static final long serialVersionUID = 1L;

    /** @param message the figures and what to do */
    public DiskSpaceException(String message) {
        super(message);
    }

    /** @return {@link ExitCode#DISK_FULL} */
    @Override
    public ExitCode exitCode() {
        return ExitCode.DISK_FULL;
    }
}
