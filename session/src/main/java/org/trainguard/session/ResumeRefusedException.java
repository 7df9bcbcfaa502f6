package org.trainguard.session;

import org.trainguard.core.ExitCode;

/**
 * The run in the output folder cannot be resumed with this configuration: something it depends on
 * (model shape, labels, features, data) changed. A usage error (exit code 2).
 */
public final class ResumeRefusedException extends RuntimeException implements ExitCode.Source {
    private static final long serialVersionUID = 1L;

    /** @param message what changed and how to proceed */
    public ResumeRefusedException(String message) {
        super(message);
    }

    /** @return {@link ExitCode#USAGE} */
    @Override
    public ExitCode exitCode() {
        return ExitCode.USAGE;
    }
}
