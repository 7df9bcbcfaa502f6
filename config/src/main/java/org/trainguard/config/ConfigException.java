package org.trainguard.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.trainguard.core.ExitCode;

/**
 * A configuration that cannot be used: YAML that does not parse, an unknown key, a value of the wrong type or
 * out of range, a missing input file, or values that contradict each other.
 *
 * <p>The message starts with the config file's name and the line when they are known, then names the full
 * dotted key and the value found, for example
 * {@code train.yaml:12: training.batch_size must be > 0, found -3}. The trainer maps this exception to exit
 * code 2 (configuration error, never restarted).
 */
public final class ConfigException extends RuntimeException implements ExitCode.Source {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final int line;
    private final String key;
    private final String problem;
    /** True once the loader has decided where in the file the error is (even if it found no line). */
    private final boolean located;

    /**
     * An error about one key, not yet tied to a file; {@link ConfigLoader} adds the file and line.
     *
     * @param key     the full dotted key, e.g. {@code training.batch_size}; empty when the error is about the
     *                configuration as a whole
     * @param problem the full sentence, naming the key and the value found
     */
    public ConfigException(String key, String problem) {
        this(null, 0, key, problem, false, true, null);
    }

    /**
     * An error about one key with the exception that caused it.
     *
     * @param key     the full dotted key; empty when the error is about the configuration as a whole
     * @param problem the full sentence, naming the key and the value found
     * @param cause   the underlying exception
     */
    public ConfigException(String key, String problem, Throwable cause) {
        this(null, 0, key, problem, false, true, cause);
    }

    private ConfigException(
            Path file, int line, String key, String problem, boolean located, boolean withPrefix, Throwable cause) {
        super(message(file, line, problem, withPrefix), cause);
        this.file = file;
        this.line = line;
        this.key = Objects.requireNonNull(key, "key");
        this.problem = Objects.requireNonNull(problem, "problem");
        this.located = located;
    }

    /**
     * The error for a config file that does not exist: {@code config file not found: /abs/path}.
     *
     * @param file the config file that was asked for
     * @return the exception, with {@link #file()} set to the absolute path
     */
    public static ConfigException configFileNotFound(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        return new ConfigException(absolute, 0, "", "config file not found: " + absolute, true, false, null);
    }

    /**
     * An error placed in a file (or in YAML text when {@code file} is null) at a 1-based line (0 = unknown).
     */
    static ConfigException located(Path file, int line, String key, String problem, Throwable cause) {
        return new ConfigException(file, line, key, problem, true, true, cause);
    }

    /** A copy of this error placed in {@code file} (null for YAML text) at a 1-based line (0 = unknown). */
    ConfigException at(Path file, int line) {
        ConfigException copy = new ConfigException(file, line, key, problem, true, true, getCause());
        copy.setStackTrace(getStackTrace());
        return copy;
    }

    boolean isLocated() {
        return located;
    }

    private static String message(Path file, int line, String problem, boolean withPrefix) {
        if (!withPrefix) {
            return problem;
        }
        StringBuilder prefix = new StringBuilder();
        if (file != null) {
            prefix.append(file.getFileName() == null ? file : file.getFileName());
            if (line > 0) {
                prefix.append(':').append(line);
            }
        } else if (line > 0) {
            prefix.append("line ").append(line);
        }
        return prefix.isEmpty() ? problem : prefix + ": " + problem;
    }

    /**
     * The config file the error is in.
     *
     * @return the absolute path, or empty when the configuration was built in code or parsed from text
     */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /**
     * The 1-based line of the offending key or value.
     *
     * @return the line, or empty when it is not known (a missing key, a configuration built in code)
     */
    public OptionalInt line() {
        return line > 0 ? OptionalInt.of(line) : OptionalInt.empty();
    }

    /**
     * The full dotted key the error is about, such as {@code training.batch_size}, {@code eval.harmful_labels[1]}
     * or {@code loss.class_weights.DENY}.
     *
     * @return the key, or an empty string when the error is about the file as a whole (not found, malformed)
     */
    public String key() {
        return key;
    }

    /**
     * The message without the file and line prefix, e.g. {@code training.batch_size must be > 0, found -3}.
     *
     * @return the problem sentence
     */
    public String problem() {
        return problem;
    }

    /** @return {@link ExitCode#USAGE} */
    @Override
    public ExitCode exitCode() {
        return ExitCode.USAGE;
    }
}
