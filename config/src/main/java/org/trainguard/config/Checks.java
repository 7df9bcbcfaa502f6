package org.trainguard.config;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/** Range checks shared by the config records, so every message reads the same way. */
final class Checks {

    private Checks() {}

    static <T> T notNull(String key, T value) {
        return Objects.requireNonNull(value, () -> key + " must not be null");
    }

    static int positive(String key, int value) {
        if (value <= 0) {
            throw new ConfigException(key, key + " must be > 0, found " + value);
        }
        return value;
    }

    static long positive(String key, long value) {
        if (value <= 0) {
            throw new ConfigException(key, key + " must be > 0, found " + value);
        }
        return value;
    }

    static double positive(String key, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new ConfigException(key, key + " must be > 0, found " + show(value));
        }
        return value;
    }

    static double nonNegative(String key, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new ConfigException(key, key + " must be >= 0, found " + show(value));
        }
        return value;
    }

    /** A share in [0, 1): 1 would leave nothing (all dropped, all held out, all warmup). */
    static double fraction(String key, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new ConfigException(key, key + " must be >= 0 and < 1, found " + show(value));
        }
        return value;
    }

    static int between(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new ConfigException(key, key + " must be between " + min + " and " + max + ", found " + value);
        }
        return value;
    }

    static Duration positive(String key, Duration value) {
        notNull(key, value);
        if (value.isNegative() || value.isZero()) {
            throw new ConfigException(key, key + " must be longer than 0s, found " + Durations.format(value));
        }
        return Durations.atMostMax(key, value);
    }

    /**
     * Refuses a path that exists but is not a regular file: a folder, a pipe or a device ({@code /dev/zero} would be
     * read forever).
     */
    static void notFolderOrDevice(String key, Path file) {
        if (Files.isDirectory(file)) {
            throw new ConfigException(key, key + " must be a file, found a folder: " + file);
        }
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new ConfigException(key, key + " must be a regular file, found a pipe or a device: " + file);
        }
    }

    static String notBlank(String key, String value) {
        notNull(key, value);
        if (value.isBlank()) {
            throw new ConfigException(key, key + " must not be blank, found " + quote(value));
        }
        return value;
    }

    /** Names must be non-blank and appear once; returns an unmodifiable copy. */
    static List<String> uniqueNames(String key, List<String> values) {
        notNull(key, values);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < values.size(); i++) {
            String itemKey = key + "[" + i + "]";
            String value = notBlank(itemKey, notNull(itemKey, values.get(i)));
            if (!seen.add(value)) {
                throw new ConfigException(itemKey, key + " must not repeat a name, found " + quote(value) + " twice");
            }
        }
        return List.copyOf(values);
    }

    static Path absolute(String key, Path path) {
        return notNull(key, path).toAbsolutePath().normalize();
    }

    /** A label must be one of the configured labels; the message lists them. */
    static void isLabel(String key, String value, List<String> labels) {
        if (!labels.contains(value)) {
            throw new ConfigException(
                    key,
                    key + " must be one of the labels " + String.join(", ", labels) + ", found " + quote(value)
                            + Suggestions.didYouMean(value, labels, ""));
        }
    }

    static String oneOf(Collection<? extends Enum<?>> values) {
        return values.stream().map(Checks::yamlName).collect(Collectors.joining(", "));
    }

    /** The snake_case spelling of an enum constant as it is written in YAML. */
    static String yamlName(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    /** A double as a person wrote it: {@code 3} rather than {@code 3.0}, {@code 0.0001} rather than {@code 1.0E-4}. */
    static String show(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return Double.toString(value);
        }
        double magnitude = Math.abs(value);
        if (magnitude != 0 && (magnitude < 1e-3 || magnitude >= 1e9)) {
            return Double.toString(value);
        }
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    /** A string in double quotes, with quotes and backslashes escaped, so blanks and odd characters show. */
    static String quote(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
