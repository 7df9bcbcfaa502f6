package org.trainguard.cli;

import org.trainguard.core.ExitCode;

/**
 * A usage problem found after parsing: a bad option value, a missing file, a wrong combination. Both commands end
 * on it with {@link ExitCode#USAGE} and the message after {@code error: }.
 */
public final class UsageException extends RuntimeException implements ExitCode.Source {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong, naming the option and the value */
    public UsageException(String message) {
        super(message);
    }

    @Override
    public ExitCode exitCode() {
        return ExitCode.USAGE;
    }
}
