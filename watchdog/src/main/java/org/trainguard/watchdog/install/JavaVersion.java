package org.trainguard.watchdog.install;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the feature version (8, 11, 17, 21, ...) from what {@code java -version} prints. */
final class JavaVersion {

    /** The oldest Java that runs the watchdog. */
    static final int REQUIRED = 17;

    private static final Pattern VERSION = Pattern.compile("version \"(\\d+)(?:\\.(\\d+))?[^\"]*\"");

    private JavaVersion() {}

    /**
     * The feature version in the output of {@code java -version}: {@code openjdk version "17.0.15"} gives 17,
     * {@code java version "1.8.0_292"} gives 8.
     *
     * @param output what the command printed (it prints to standard error)
     * @return the version, or empty when the output has none
     */
    static Optional<Integer> parse(String output) {
        Matcher m = VERSION.matcher(output);
        if (!m.find()) {
            return Optional.empty();
        }
        int first = Integer.parseInt(m.group(1));
        // Before Java 9 versions read "1.<feature>.0_<update>".
        if (first == 1 && m.group(2) != null) {
            return Optional.of(Integer.parseInt(m.group(2)));
        }
        return Optional.of(first);
    }
}
