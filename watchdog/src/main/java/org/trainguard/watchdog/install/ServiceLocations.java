package org.trainguard.watchdog.install;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where each platform's service manager looks for a per-user service definition, relative to a home folder.
 *
 * @param platform     the target platform
 * @param home         the user's home folder
 * @param configHome   Linux: {@code $XDG_CONFIG_HOME}, by default {@code ~/.config}
 * @param appData      Windows: {@code %APPDATA%}, by default {@code ~\AppData\Roaming}
 * @param localAppData Windows: {@code %LOCALAPPDATA%}, by default {@code ~\AppData\Local}
 */
record ServiceLocations(Platform platform, Path home, Path configHome, Path appData, Path localAppData) {

    /**
     * The locations for a home folder. The environment ({@code XDG_CONFIG_HOME}, {@code APPDATA},
     * {@code LOCALAPPDATA}) is only consulted for the real home on the platform this runs on: a home folder given
     * for testing, or another platform's layout, always uses the defaults inside {@code home}.
     *
     * @param platform   the target platform
     * @param home       the home folder
     * @param actualHome whether {@code home} is this user's real home on this machine
     * @param env        the environment, usually {@link System#getenv()}
     * @return the locations
     */
    static ServiceLocations of(Platform platform, Path home, boolean actualHome, Map<String, String> env) {
        Path absoluteHome = home.toAbsolutePath().normalize();
        boolean useEnv = actualHome && platform == Platform.current();
        Path configHome = fromEnv(useEnv, env, "XDG_CONFIG_HOME").orElse(absoluteHome.resolve(".config"));
        Path appData = fromEnv(useEnv, env, "APPDATA")
                .orElse(absoluteHome.resolve("AppData").resolve("Roaming"));
        Path localAppData = fromEnv(useEnv, env, "LOCALAPPDATA")
                .orElse(absoluteHome.resolve("AppData").resolve("Local"));
        return new ServiceLocations(platform, absoluteHome, configHome, appData, localAppData);
    }

    private static Optional<Path> fromEnv(boolean useEnv, Map<String, String> env, String variable) {
        String value = useEnv ? env.get(variable) : null;
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        Path path = Path.of(value);
        // The XDG spec says a relative value is to be ignored; the same is sensible for the Windows variables.
        return path.isAbsolute() ? Optional.of(path.normalize()) : Optional.empty();
    }

    /** The systemd user unit's file name, e.g. {@code trainguard-watchdog-train_four_class.service}. */
    static String unitName(String name) {
        return "trainguard-watchdog-" + name + ".service";
    }

    /** The Task Scheduler task's full name, e.g. {@code trainguard\train_four_class}. */
    static String taskName(String name) {
        return "trainguard\\" + name;
    }

    /** The launchd label, e.g. {@code org.trainguard.watchdog.train_four_class}. */
    static String launchdLabel(String name) {
        return "org.trainguard.watchdog." + name;
    }

    /** Linux: {@code ~/.config/systemd/user/trainguard-watchdog-<name>.service}. */
    Path unitFile(String name) {
        return configHome.resolve("systemd").resolve("user").resolve(unitName(name));
    }

    /** Windows: the task definition kept for {@code schtasks /Create /XML} and for reading. */
    Path taskXml(String name) {
        return localAppData.resolve("trainguard").resolve("tasks").resolve("trainguard-watchdog-" + name + ".xml");
    }

    /** Windows: the launcher in the user's Startup folder. */
    Path startupLauncher(String name) {
        return appData.resolve("Microsoft")
                .resolve("Windows")
                .resolve("Start Menu")
                .resolve("Programs")
                .resolve("Startup")
                .resolve("trainguard-watchdog-" + name + ".cmd");
    }

    /** macOS: {@code ~/Library/LaunchAgents/org.trainguard.watchdog.<name>.plist}. */
    Path launchAgent(String name) {
        return home.resolve("Library").resolve("LaunchAgents").resolve(launchdLabel(name) + ".plist");
    }

    /**
     * Every file an install writes for this platform.
     *
     * @param name the service name
     * @return the files, in the order they are written
     */
    List<Path> files(String name) {
        return switch (platform) {
            case LINUX -> List.of(unitFile(name));
            case WINDOWS -> List.of(taskXml(name), startupLauncher(name));
            case MACOS -> List.of(launchAgent(name));
        };
    }
}
