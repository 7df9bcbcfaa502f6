package org.trainguard.watchdog.install;

import java.nio.file.Path;

/**
 * Service names that every service manager accepts: systemd unit names, Task Scheduler task names and launchd
 * labels all take letters, digits, {@code _}, {@code .} and {@code -}.
 */
final class ServiceName {

    /** Long enough for any config name; keeps the unit file name well under file-name limits. */
    static final int MAX_LENGTH = 64;

    private ServiceName() {}

    /**
     * The default name of a run's service: the config file's name without its extension, sanitized
     * ({@code train_four_class.yaml} gives {@code train_four_class}).
     *
     * @param config the config file
     * @return the sanitized name
     */
    static String fromConfig(Path config) {
        Path fileName = config.getFileName();
        String base = fileName == null ? "" : fileName.toString();
        int dot = base.lastIndexOf('.');
        return sanitize(dot > 0 ? base.substring(0, dot) : base);
    }

    /**
     * Replaces every character other than letters, digits, {@code _}, {@code .} and {@code -} with {@code _}, drops
     * leading dots and dashes (hidden files, option-like names) and keeps at most 64 characters.
     *
     * @param raw the name as given
     * @return a usable name; {@code default} when nothing usable is left
     */
    static String sanitize(String raw) {
        StringBuilder name = new StringBuilder();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '_'
                    || c == '.'
                    || c == '-';
            name.append(allowed ? c : '_');
        }
        int start = 0;
        while (start < name.length() && (name.charAt(start) == '.' || name.charAt(start) == '-')) {
            start++;
        }
        String clean = name.substring(start);
        if (clean.length() > MAX_LENGTH) {
            clean = clean.substring(0, MAX_LENGTH);
        }
        return clean.isEmpty() ? "default" : clean;
    }
}
