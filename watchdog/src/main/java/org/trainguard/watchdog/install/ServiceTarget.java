package org.trainguard.watchdog.install;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The options {@code install} and {@code uninstall} share: which run, which platform, which service name. */
public final class ServiceTarget {

    @Option(
            names = "--config",
            required = true,
            paramLabel = "FILE",
            description = "The run's config file, e.g. train_four_class.yaml.")
    Path config;

    @Option(
            names = "--platform",
            paramLabel = "linux|windows|macos",
            converter = Platform.Converter.class,
            description = "The service manager to write for (default: this machine's).")
    Platform platform;

    @Option(
            names = "--name",
            paramLabel = "NAME",
            description = "The service's name (default: the config file's name without extension).")
    String name;

    @Option(names = "--dry-run", description = "Print every file and command instead of writing or running anything.")
    boolean dryRun;

    /**
     * Another home folder, so that tests and previews never touch the real one: files of any platform are written
     * there and the service manager's commands are printed, not run. Not for normal use.
     */
    @Option(names = "--home", hidden = true, paramLabel = "DIR")
    Path home;

    /** Creates the options (picocli does). */
    public ServiceTarget() {}

    /** @return the chosen platform, by default this machine's */
    Platform platform() {
        return platform == null ? Platform.current() : platform;
    }

    /** @return the config file as an absolute path */
    Path config() {
        return config.toAbsolutePath().normalize();
    }

    /** @return whether this is a dry run */
    boolean dryRun() {
        return dryRun;
    }

    /** @return the home folder given with {@code --home}, empty for the real one */
    Optional<Path> homeOverride() {
        return Optional.ofNullable(home);
    }

    /**
     * The service name: {@code --name} or the config file's base name, sanitized. Says so on {@code out} when
     * sanitizing changed a name the user gave.
     *
     * @param out where to say it
     * @return the name
     */
    String serviceName(PrintWriter out) {
        if (name == null) {
            return ServiceName.fromConfig(config());
        }
        String clean = ServiceName.sanitize(name);
        if (!clean.equals(name)) {
            out.println("Service name '" + name + "' contains characters service managers do not accept; using '"
                    + clean + "'.");
        }
        return clean;
    }

    /**
     * What runs the service manager's commands: nothing for another platform's commands or when {@code --home}
     * points away from the real home (the service manager would not see those files), else {@code preferred} or
     * the programs on the PATH.
     *
     * @param preferred a runner chosen by a test
     * @return the runner, or empty when the commands are only printed
     */
    Optional<CommandRunner> commandRunner(Optional<CommandRunner> preferred) {
        if (platform() != Platform.current()) {
            return Optional.empty();
        }
        if (preferred.isPresent()) {
            return preferred;
        }
        return home == null ? Optional.of(CommandRunner.system()) : Optional.empty();
    }

    /** @return why {@link #commandRunner} runs nothing, as the heading of the commands to run by hand */
    String notRunHeading() {
        return platform() != Platform.current()
                ? "Not run, because these are " + platform().id() + " commands; on that machine run:"
                : "Not run, because --home points away from your home folder; with the real one run:";
    }

    /**
     * Where the files go on the chosen platform.
     *
     * @return the locations inside the real home folder, or inside {@code --home}
     */
    ServiceLocations locations() {
        Path folder = home != null ? home : Path.of(System.getProperty("user.home"));
        return ServiceLocations.of(platform(), folder, home == null, System.getenv());
    }
}
