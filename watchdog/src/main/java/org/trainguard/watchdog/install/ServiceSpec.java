package org.trainguard.watchdog.install;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything a service definition needs, as text in the target platform's terms.
 *
 * @param name             the sanitized service name, e.g. {@code train_four_class}
 * @param java             absolute path of the java executable that runs the watchdog
 * @param watchdogJar      absolute path of watchdog.jar
 * @param config           absolute path of the run's config file
 * @param workingDirectory the config file's folder
 * @param logsDirectory    the run's logs folder ({@code <training.output_dir>/logs})
 * @param stopTimeout      {@code watchdog.stop_timeout}: how long the trainer gets for its emergency checkpoint
 * @param javaOpts         JVM options for the trainer, passed on as {@code run --java-opt=...}
 * @param user             the account the Windows task runs as, e.g. {@code PC\ada}
 */
record ServiceSpec(
        String name,
        String java,
        String watchdogJar,
        String config,
        String workingDirectory,
        String logsDirectory,
        Duration stopTimeout,
        List<String> javaOpts,
        String user) {

    /** Time the watchdog itself needs to stop on top of the trainer's stop timeout. */
    static final Duration WATCHDOG_STOP_MARGIN = Duration.ofSeconds(30);

    ServiceSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(java, "java");
        Objects.requireNonNull(watchdogJar, "watchdogJar");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(workingDirectory, "workingDirectory");
        Objects.requireNonNull(logsDirectory, "logsDirectory");
        Objects.requireNonNull(stopTimeout, "stopTimeout");
        javaOpts = List.copyOf(javaOpts);
        Objects.requireNonNull(user, "user");
    }

    /**
     * The watchdog's arguments after the java executable:
     * {@code -jar <watchdog.jar> run --config <config> [--java-opt=OPT ...]}.
     */
    List<String> arguments() {
        List<String> args = new ArrayList<>(List.of("-jar", watchdogJar, "run", "--config", config));
        // "--java-opt=-Xmx8g" in one word, so an option that starts with "-" is never read as a watchdog option.
        javaOpts.forEach(opt -> args.add("--java-opt=" + opt));
        return args;
    }

    /** The whole command: java first, then {@link #arguments()}. */
    List<String> commandLine() {
        List<String> all = new ArrayList<>();
        all.add(java);
        all.addAll(arguments());
        return all;
    }

    /** The same java and jar running {@code status --config <config>}, for checking the installed service. */
    List<String> statusCommand() {
        return List.of(java, "-jar", watchdogJar, "status", "--config", config);
    }

    /** How long a service manager must wait after asking the watchdog to stop before it kills it. */
    Duration serviceStopTimeout() {
        return stopTimeout.plus(WATCHDOG_STOP_MARGIN);
    }

    /** Whether the word at {@code index} of {@link #commandLine()} is a path (quoted even when plain). */
    boolean isPath(int index) {
        return index == 0 || index == 2 || index == 5;
    }
}
