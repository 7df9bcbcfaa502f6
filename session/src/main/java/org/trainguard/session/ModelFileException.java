package org.trainguard.session;

import java.io.IOException;
import org.trainguard.core.ExitCode;

/**
 * A model file or model folder that trainguard refuses to use: not a model, truncated, altered,
 * holding entries trainguard does not read (a Java-serialized object, say), or not matching its
 * description. The message names the file and says what to do; it is meant to be shown as is.
 */
public final class ModelFileException extends IOException implements ExitCode.Source {

    private static final long serialVersionUID = 1L;

    /**
     * @param message the file, what is wrong with it, and what to do
     */
    public ModelFileException(String message) {
        super(message);
    }

    /**
     * @param message the file, what is wrong with it, and what to do
     * @param cause the underlying error, kept for logs
     */
    public ModelFileException(String message, Throwable cause) {
        super(message, cause);
    }

    /** @return {@link ExitCode#USAGE} */
    @Override
    public ExitCode exitCode() {
        return ExitCode.USAGE;
    }
}
