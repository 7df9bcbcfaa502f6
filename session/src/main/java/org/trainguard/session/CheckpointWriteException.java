package org.trainguard.session;

import org.trainguard.core.ExitCode;

/** Checkpoints failed to write several times in a row; the run stops rather than train unsaved. */
public final class CheckpointWriteException extends RuntimeException implements ExitCode.Source {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed and why
     * @param cause the last failure
     */
    public CheckpointWriteException(String message, Throwable cause) {
        super(message, cause);
    }

    /** @return {@link ExitCode#FAILURE}: restartable, and reported as the one line of its message */
    @Override
    public ExitCode exitCode() {
        return ExitCode.FAILURE;
    }
}
