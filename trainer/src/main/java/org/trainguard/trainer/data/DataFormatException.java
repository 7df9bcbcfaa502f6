package org.trainguard.trainer.data;

import java.nio.file.Path;
import java.util.Objects;
import java.util.OptionalInt;
import org.trainguard.core.ExitCode;

/**
 * A data file cannot be used: it is missing, empty, or a record in it is malformed.
 *
 * <p>The message starts with the file and, when one record is at fault, its 1-based line, e.g.
 * {@code train.jsonl:17: unknown label "MAYBE" (known: ALLOW, ESCALATION, DENY, REFUSE)}, so a
 * user can jump straight to it. The trainer CLI maps this exception to exit code 3 (data error,
 * never restarted).
 */
public class DataFormatException extends RuntimeException implements ExitCode.Source {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final int line;
    private final String problem;

    /**
     * A problem with one record.
     *
     * @param file    the data file
     * @param line    1-based line where the record starts
     * @param problem what is wrong, with the value found
     */
    public DataFormatException(Path file, int line, String problem) {
        this(file, line, problem, null);
    }

    /**
     * A problem with one record, caused by another exception.
     *
     * @param file    the data file
     * @param line    1-based line where the record starts
     * @param problem what is wrong, with the value found
     * @param cause   the underlying exception, or null
     */
    public DataFormatException(Path file, int line, String problem, Throwable cause) {
        super(file + ":" + requirePositive(line) + ": " + problem, cause);
        this.file = Objects.requireNonNull(file, "file");
        this.line = line;
        this.problem = problem;
    }

    /**
     * A problem with the file as a whole (missing, empty, unreadable).
     *
     * @param file    the data file
     * @param problem what is wrong
     */
    public DataFormatException(Path file, String problem) {
        this(file, problem, (Throwable) null);
    }

    /**
     * A problem with the file as a whole, caused by another exception.
     *
     * @param file    the data file
     * @param problem what is wrong
     * @param cause   the underlying exception, or null
     */
    public DataFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = Objects.requireNonNull(file, "file");
        this.line = 0;
        this.problem = problem;
    }

    private static int requirePositive(int line) {
        if (line < 1) {
            throw new IllegalArgumentException("line numbers start at 1, found " + line);
        }
        return line;
    }

    /** The data file at fault. */
    public Path file() {
        return file;
    }

    /** The 1-based line of the bad record; empty when the file as a whole is at fault. */
    public OptionalInt line() {
        return line == 0 ? OptionalInt.empty() : OptionalInt.of(line);
    }

    /** The message without the file and line prefix. */
    public String problem() {
        return problem;
    }

    /** @return {@link ExitCode#DATA} */
    @Override
    public ExitCode exitCode() {
        return ExitCode.DATA;
    }
}
