package org.trainguard.watchdog.supervise;

import java.nio.file.Path;
import java.util.Objects;
import org.slf4j.Logger;
import org.trainguard.config.Durations;
import org.trainguard.config.WatchdogConfig;
import org.trainguard.watchdog.notify.WebhookUrls;

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
public record SupervisorSettings(
        Path configFile,
        String configSha256,
        Path outputDir,
        String runName,
        WatchdogConfig watchdog,
        Path trainerJar,
        Path javaBinary) {

    /** Checks that nothing is missing and makes the paths absolute. */
    public SupervisorSettings {
        configFile = Objects.requireNonNull(configFile, "configFile")
                .toAbsolutePath()
                .normalize();
        Objects.requireNonNull(configSha256, "configSha256");
        outputDir =
                Objects.requireNonNull(outputDir, "outputDir").toAbsolutePath().normalize();
        Objects.requireNonNull(runName, "runName");
        Objects.requireNonNull(watchdog, "watchdog");
        trainerJar = Objects.requireNonNull(trainerJar, "trainerJar")
                .toAbsolutePath()
                .normalize();
        Objects.requireNonNull(javaBinary, "javaBinary");
    }

    /**
     * Logs what is supervised and how, at start-up.
     *
     * @param log the watchdog's log
     * @param classData the class-data archive in use
     */
    void log(Logger log, ClassDataArchive classData) {
        WatchdogConfig config = watchdog;
        log.info(
                "watchdog pid {} supervises run {} in {} (config {})",
                ProcessHandle.current().pid(),
                runName,
                outputDir,
                configFile);
        log.info(
                "settings: check every {}, hung after {} without progress ({} to start), {} to stop, back-off {} to {}, give up "
                        + "after {} failures without progress within {}, audio {}, webhook {}, java opts {}",
                Durations.format(config.checkInterval()),
                Durations.format(config.hangTimeout()),
                Durations.format(config.startupTimeout()),
                Durations.format(config.stopTimeout()),
                Durations.format(config.backoffInitial()),
                Durations.format(config.backoffMax()),
                config.crashLoopFailures(),
                Durations.format(config.crashLoopWindow()),
                config.audio() ? config.sound().map(p -> "on (" + p + ")").orElse("on") : "off",
                config.webhook().map(WebhookUrls::redact).orElse("none"),
                config.javaOpts());
        log.info("trainer: {} with {}", trainerJar, javaBinary);
        log.info("{}", classData.describe());
    }
}
