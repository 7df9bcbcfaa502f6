package org.trainguard.watchdog.install;

import java.util.Locale;
import picocli.CommandLine;

/** The operating systems the watchdog can be installed on, each with its own service manager. */
public enum Platform {
    /** A systemd user unit. */
    LINUX("linux", "systemd user unit"),
    /** A Task Scheduler task plus a launcher in the Startup folder. */
    WINDOWS("windows", "Task Scheduler task and Startup folder launcher"),
    /** A launchd agent. */
    MACOS("macos", "launchd agent");

    private final String id;
    private final String serviceKind;

    Platform(String id, String serviceKind) {
        this.id = id;
        this.serviceKind = serviceKind;
    }

    /**
     * The name used on the command line.
     *
     * @return {@code linux}, {@code windows} or {@code macos}
     */
    public String id() {
        return id;
    }

    /**
     * What gets installed, in words.
     *
     * @return e.g. {@code systemd user unit}
     */
    public String serviceKind() {
        return serviceKind;
    }

    /**
     * The platform this program runs on. Any OS that is neither Windows nor macOS is treated as Linux (systemd).
     *
     * @return the platform of the running JVM
     */
    public static Platform current() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.startsWith("windows")) {
            return WINDOWS;
        }
        if (os.startsWith("mac") || os.startsWith("darwin")) {
            return MACOS;
        }
        return LINUX;
    }

    /**
     * Reads a platform name, in any case; {@code mac} and {@code osx} are accepted for macOS.
     *
     * @param text the name
     * @return the platform
     * @throws IllegalArgumentException naming the text when it is not a platform
     */
    public static Platform parse(String text) {
        String id = text.strip().toLowerCase(Locale.ROOT);
        switch (id) {
            case "linux":
                return LINUX;
            case "windows":
                return WINDOWS;
            case "macos":
            case "mac":
            case "osx":
                return MACOS;
            default:
                throw new IllegalArgumentException("unknown platform '" + text + "'; use linux, windows or macos");
        }
    }

    @Override
    public String toString() {
        return id;
    }

    /** Lets picocli read {@code --platform linux|windows|macos}. */
    public static final class Converter implements CommandLine.ITypeConverter<Platform> {

        /** Creates the converter (picocli does). */
        public Converter() {}

        /**
         * Reads a platform name.
         *
         * @param value the option's value
         * @return the platform
         * @throws CommandLine.TypeConversionException naming the value when it is not a platform
         */
        @Override
        public Platform convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException unknown) {
                throw new CommandLine.TypeConversionException(unknown.getMessage());
            }
        }
    }
}
