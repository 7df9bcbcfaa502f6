package org.trainguard.bench;

/**
 * A benchmark cannot run as asked: a missing data file or tool, a bad option. The message says
 * what was found and how to fix it; the command prints it and exits with status 2.
 */
public final class BenchmarkException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong, the value found, and how to fix it
     */
    public BenchmarkException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong, the value found, and how to fix it
     * @param cause the underlying failure
     */
    public BenchmarkException(String message, Throwable cause) {
        super(message, cause);
    }
}
