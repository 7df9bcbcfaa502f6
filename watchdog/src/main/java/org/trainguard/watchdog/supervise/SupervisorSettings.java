package org.trainguard.watchdog.supervise;

import java.nio.file.Path;
import java.util.Objects;
import org.trainguard.core.config.WatchdogConfig;

/**
 * Everything the supervisor needs, resolved: the config file's {@code watchdog} section with the command-line
 * options applied, and where the trainer and Java are.
 *
 * @param configFile   the run's YAML configuration, absolute
 * @param configSha256 the SHA-256 of that file, to tell whether a completed run is the same run
 * @param outputDir    the run's output folder ({@code training.output_dir}), absolute
 * @param runName      the run's name in notifications (the output folder's name)
 * @param watchdog     the supervision settings in effect
 * @param trainerJar   the trainer's jar, absolute
 * @param javaBinary   the {@code java} program that runs the trainer
 */
public record SupervisorSettings(Path configFile, String configSha256, Path outputDir, String runName,
                                 WatchdogConfig watchdog, Path trainerJar, Path javaBinary) {

    /** Checks that nothing is missing and makes the paths absolute. */
    public SupervisorSettings {
        configFile = Objects.requireNonNull(configFile, "configFile").toAbsolutePath().normalize();
        Objects.requireNonNull(configSha256, "configSha256");
        outputDir = Objects.requireNonNull(outputDir, "outputDir").toAbsolutePath().normalize();
        Objects.requireNonNull(runName, "runName");
        Objects.requireNonNull(watchdog, "watchdog");
        trainerJar = Objects.requireNonNull(trainerJar, "trainerJar").toAbsolutePath().normalize();
        Objects.requireNonNull(javaBinary, "javaBinary");
    }
}
