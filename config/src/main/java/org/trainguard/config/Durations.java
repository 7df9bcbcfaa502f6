package org.trainguard.config;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them in config files and on command lines: {@code 250ms}, {@code 30s}, {@code 5m},
 * {@code 1h}, {@code 1h30m}, {@code 2d}, or a bare whole number of seconds.
 */
public final class Durations {

    private static final Pattern PART = Pattern.compile("(\\d+)(ms|d|h|m|s)");
    private static final Pattern SECONDS = Pattern.compile("\\d+");
    /** Units from largest to smallest; a duration must use them in this order, each at most once. */
    private static final List<String> UNITS = List.of("d", "h", "m", "s", "ms");

    private static final long[] UNIT_MILLIS = {86_400_000L, 3_600_000L, 60_000L, 1_000L, 1L};

    /**
     * The longest duration accepted anywhere, 365 days: longer ones mean "never" in practice, and adding them to
     * a clock time would overflow.
     */
    public static final Duration MAX = Duration.ofDays(365);

    private Durations() {}

    /**
     * Reads a duration.
     *
     * @param key   the config key or option it came from, named in the error
     * @param value a {@link String} such as {@code "1h30m"} or {@code "90"} (seconds), a whole {@link Number} of
     *              seconds, or a {@link Duration}
     * @return the duration, zero to {@link #MAX}
     * @throws ConfigException naming the key and the value when it is not a duration or longer than {@link #MAX}
     */
    public static Duration parse(String key, Object value) {
        return atMostMax(key, parseAny(key, value), value);
    }

    /**
     * Checks that a duration is at most {@link #MAX}.
     *
     * @param key   the config key or option, named in the error
     * @param value the duration
     * @return the duration
     * @throws ConfigException naming the key and the value when it is longer
     */
    public static Duration atMostMax(String key, Duration value) {
        return atMostMax(key, value, null);
    }

    private static Duration atMostMax(String key, Duration value, Object written) {
        if (value != null && value.compareTo(MAX) > 0) {
            String found = written instanceof String text
                    ? Checks.quote(text)
                    : value.getSeconds() >= Long.MAX_VALUE / 1000 ? value.getSeconds() + "s" : format(value);
            throw new ConfigException(key, key + " must be at most " + format(MAX) + ", found " + found);
        }
        return value;
    }

    private static Duration parseAny(String key, Object value) {
        if (value instanceof Duration duration) {
            return duration;
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            long seconds = ((Number) value).longValue();
            if (seconds < 0) {
                throw invalid(key, String.valueOf(seconds));
            }
            return Duration.ofSeconds(seconds);
        }
        if (value instanceof String text) {
            return parseText(key, text);
        }
        throw invalid(key, value == null ? "null" : value.toString());
    }

    private static Duration parseText(String key, String text) {
        String trimmed = text.strip();
        try {
            if (SECONDS.matcher(trimmed).matches()) {
                return Duration.ofSeconds(Long.parseLong(trimmed));
            }
            Matcher part = PART.matcher(trimmed);
            int position = 0;
            int lastUnit = -1;
            long millis = 0;
            while (position < trimmed.length()) {
                part.region(position, trimmed.length());
                if (!part.lookingAt()) {
                    throw invalid(key, Checks.quote(text));
                }
                int unit = UNITS.indexOf(part.group(2));
                if (unit <= lastUnit) {
                    throw invalid(key, Checks.quote(text));
                }
                millis = Math.addExact(millis, Math.multiplyExact(Long.parseLong(part.group(1)), UNIT_MILLIS[unit]));
                lastUnit = unit;
                position = part.end();
            }
            if (lastUnit < 0) {
                throw invalid(key, Checks.quote(text));
            }
            return Duration.ofMillis(millis);
        } catch (NumberFormatException | ArithmeticException tooLong) {
            throw new ConfigException(
                    key, key + " must be at most " + format(MAX) + ", found " + Checks.quote(text), tooLong);
        }
    }

    private static ConfigException invalid(String key, String found) {
        return new ConfigException(key, key + " must be a duration like 250ms, 30s, 5m, 1h30m or 2d, found " + found);
    }

    /**
     * Writes a duration the way {@link #parse} reads it, largest units first: {@code 5m}, {@code 1h30m},
     * {@code 1s500ms}, {@code 0s}. Parts below a millisecond are dropped.
     *
     * @param duration the duration
     * @return its text, with a leading {@code -} when negative
     */
    public static String format(Duration duration) {
        if (duration.isNegative()) {
            return "-" + format(duration.negated());
        }
        long millis = duration.toMillis();
        if (millis == 0) {
            return "0s";
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < UNITS.size(); i++) {
            long amount = millis / UNIT_MILLIS[i];
            if (amount > 0) {
                text.append(amount).append(UNITS.get(i));
                millis -= amount * UNIT_MILLIS[i];
            }
        }
        return text.toString();
    }
}
