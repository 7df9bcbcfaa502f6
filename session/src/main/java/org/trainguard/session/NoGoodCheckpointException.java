package org.trainguard.session;

import org.trainguard.core.ExitCode;

/**
 * The run in the output folder has made progress, but none of its checkpoints verifies. Starting
 * again from step 0 would throw that progress away without anyone deciding it, so the run stops
 * (exit code 6, not restarted by the watchdog); {@code --resume never} starts over, and the broken
 * checkpoints stay in {@code checkpoints/broken/}.
 */
public final class NoGoodCheckpointException extends RuntimeException implements ExitCode.Source {
    private static final long serialVersionUID = 1L;

    /** @param message what was found and how to proceed */
    public NoGoodCheckpointException(String message) {
        super(message);
    }

    /** @return {@link ExitCode#NO_GOOD_CHECKPOINT} */
    @Override
    public ExitCode exitCode() {
        return ExitCode.NO_GOOD_CHECKPOINT;
    }
}
