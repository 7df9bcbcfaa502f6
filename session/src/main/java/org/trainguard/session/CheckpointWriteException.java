package org.trainguard.session;

/** Checkpoints failed to write several times in a row; the run stops rather than train unsaved. */
public final class CheckpointWriteException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed and why
     * @param cause the last failure
     */
    public CheckpointWriteException(String message, Throwable cause) {
        super(message, cause);
    }
}
