package org.trainguard.watchdog;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainguard.cli.ConfigOption;
import org.trainguard.cli.UsageException;
import org.trainguard.cli.VerboseOption;
import org.trainguard.config.ConfigException;
import org.trainguard.config.Durations;
import org.trainguard.config.TrainguardConfig;
import org.trainguard.config.WatchdogConfig;
import org.trainguard.core.ExitCode;
import org.trainguard.core.io.RunFiles;
import org.trainguard.watchdog.notify.Notifier;
import org.trainguard.watchdog.notify.NotifierSettings;
import org.trainguard.watchdog.notify.WebhookUrls;
import org.trainguard.watchdog.supervise.StopSignals;
import org.trainguard.watchdog.supervise.Supervisor;
import org.trainguard.watchdog.supervise.SupervisorSettings;
import org.trainguard.watchdog.supervise.WatchdogLock;
import org.trainguard.watchdog.supervise.WatchdogLog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code watchdog run --config F}: starts the trainer (or attaches to the one already running) and keeps the run
 * going until it completes, fails in a way restarting cannot fix, loops on crashes, or is stopped on purpose.
 * Options override the config file's {@code watchdog} section.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Start the trainer and supervise it: restart after a crash or hang, notify, log every decision.")
final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger("watchdog");

    @Mixin
    ConfigOption config;

    @Option(
            names = "--log-file",
            paramLabel = "FILE",
            description = "The watchdog's log (default watchdog.log_file: <output_dir>/logs/watchdog.log).")
    Path logFile;

    @Option(
            names = "--check-interval",
            paramLabel = "DURATION",
            description =
                    "How often to check the trainer's liveness and progress (default 60s). Its end is seen at once.")
    String checkInterval;

    @Option(
            names = "--hang-timeout",
            paramLabel = "DURATION",
            description = "No progress for this long means hung: thread dump, SIGTERM, SIGKILL, restart (default 30m).")
    String hangTimeout;

    @Option(
            names = "--startup-timeout",
            paramLabel = "DURATION",
            description =
                    "Time a trainer gets from its start to its first training step before it is hung (default 10m).")
    String startupTimeout;

    @Option(
            names = "--stop-timeout",
            paramLabel = "DURATION",
            description =
                    "Time the trainer gets for its emergency checkpoint after SIGTERM before SIGKILL (default 120s).")
    String stopTimeout;

    @Option(
            names = "--backoff-initial",
            paramLabel = "DURATION",
            description = "Wait before the first restart; doubles after each failure without progress (default 1s).")
    String backoffInitial;

    @Option(
            names = "--backoff-max",
            paramLabel = "DURATION",
            description = "Longest wait between restarts (default 5m).")
    String backoffMax;

    @Option(
            names = "--max-failures",
            paramLabel = "N",
            description = "Failures without progress within --failure-window that stop the restarts (default 5).")
    Integer maxFailures;

    @Option(
            names = "--failure-window",
            paramLabel = "DURATION",
            description = "How far back failures are counted (default 30m).")
    String failureWindow;

    @Option(names = "--no-audio", description = "No sound; notifications go to the log and the webhook only.")
    boolean noAudio;

    @Option(
            names = "--sound",
            paramLabel = "FILE.wav",
            description = "Play this WAV file instead of the built-in tones.")
    Path sound;

    @Option(
            names = "--webhook",
            paramLabel = "URL",
            description = "POST a JSON message for every event to this http(s) URL (Slack, Discord, ...).")
    String webhook;

    @Option(
            names = "--trainer-jar",
            paramLabel = "FILE",
            description = "The trainer (default: trainer.jar beside watchdog.jar).")
    Path trainerJar;

    @Option(
            names = "--java",
            paramLabel = "FILE",
            description = "The java program for the trainer (default: the one running the watchdog).")
    String java;

    @Option(
            names = "--java-opt",
            paramLabel = "OPT",
            description =
                    "A JVM option for the trainer, repeatable, e.g. --java-opt=-Xmx8g; replaces watchdog.java_opts.")
    List<String> javaOpts;

    @Mixin
    VerboseOption verbose;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        TrainguardConfig loaded = config.load();
        WatchdogConfig settings = effectiveSettings(loaded);
        Path outputDir = loaded.training().outputDir().toAbsolutePath().normalize();
        String runName =
                Optional.ofNullable(outputDir.getFileName()).map(Path::toString).orElse("run");
        SupervisorSettings supervision = new SupervisorSettings(
                config.path(), loaded.sha256(), outputDir, runName, settings, trainerJar(), javaBinary());

        // before anything is written there: a file where the folder belongs is the user's to fix (exit 2), not a crash
        RunFiles.prepareOutputDir(outputDir);
        WatchdogLog.toConsoleAndFile(settings.logFile(), verbose.on());
        WatchdogLock lock;
        try {
            lock = WatchdogLock.acquire(outputDir, config.path());
        } catch (WatchdogLock.HeldException held) {
            String who = held.holder()
                    .map(h -> "watchdog pid " + h.pid() + " on " + h.host() + " (since " + h.startedAt() + ")")
                    .orElse("another watchdog");
            LOG.error(
                    "{} already supervises {}; not starting a second one (stop it with `watchdog stop --config {}`)",
                    who,
                    outputDir,
                    config.path().toAbsolutePath());
            return ExitCode.LOCKED.code();
        }
        try (lock;
                Notifier notifier = Notifier.create(
                        new NotifierSettings(settings.audio(), settings.sound(), settings.webhook(), runName))) {
            Supervisor supervisor = new Supervisor(supervision, notifier);
            StopSignals signals = StopSignals.install(supervisor::requestStop);
            try {
                int code = supervisor.run();
                LOG.info("watchdog exits with {}", code);
                return code;
            } finally {
                signals.close();
            }
        }
    }

    /**
     * The config file's {@code watchdog} section with the command-line options applied.
     *
     * @param loaded the run's configuration
     * @return the settings in effect
     * @throws UsageException naming the option and the value when one is wrong
     */
    WatchdogConfig effectiveSettings(TrainguardConfig loaded) {
        WatchdogConfig c = loaded.watchdog();
        Duration check = positive("--check-interval", checkInterval, c.checkInterval());
        Duration hang = positive("--hang-timeout", hangTimeout, c.hangTimeout());
        Duration stop = positive("--stop-timeout", stopTimeout, c.stopTimeout());
        Duration startup = positive("--startup-timeout", startupTimeout, c.startupTimeout());
        Duration initial = positive("--backoff-initial", backoffInitial, c.backoffInitial());
        Duration max = positive("--backoff-max", backoffMax, c.backoffMax());
        Duration window = positive("--failure-window", failureWindow, c.crashLoopWindow());
        if (max.compareTo(initial) < 0) {
            throw new UsageException("--backoff-max must be >= the initial back-off (" + Durations.format(initial)
                    + "), found " + Durations.format(max));
        }
        Duration beat = loaded.session().heartbeatInterval();
        if (hangTimeout != null && hang.compareTo(beat) <= 0) {
            throw new UsageException("--hang-timeout must be longer than session.heartbeat_interval ("
                    + Durations.format(beat) + "), found " + hangTimeout);
        }
        int failures = c.crashLoopFailures();
        if (maxFailures != null) {
            if (maxFailures < 1) {
                throw new UsageException("--max-failures must be >= 1, found " + maxFailures);
            }
            failures = maxFailures;
        }
        if (noAudio && sound != null) {
            throw new UsageException("--no-audio and --sound " + sound + " contradict each other; give one");
        }
        boolean audio = sound != null || (!noAudio && c.audio());
        Optional<Path> soundFile = c.sound();
        if (sound != null) {
            Path abs = sound.toAbsolutePath().normalize();
            if (!Files.isRegularFile(abs)) {
                throw new UsageException("--sound: no such file " + abs);
            }
            soundFile = Optional.of(abs);
        }
        Optional<java.net.URI> hook = c.webhook();
        if (webhook != null) {
            try {
                hook = Optional.of(WatchdogConfig.webhookUrl(webhook));
            } catch (ConfigException e) {
                // The text may hold a secret; show only the start of it.
                throw new UsageException(
                        "--webhook must be an http or https URL with a host, found " + redactText(webhook));
            }
        }
        Path log = logFile == null ? c.logFile() : logFile.toAbsolutePath().normalize();
        List<String> opts = javaOpts == null ? c.javaOpts() : List.copyOf(javaOpts);
        return new WatchdogConfig(
                check, hang, stop, initial, max, failures, window, hook, audio, soundFile, log, opts, startup);
    }

    private static Duration positive(String option, String text, Duration fromConfig) {
        if (text == null) {
            return fromConfig;
        }
        Duration d = Durations.parse(option, text);
        if (d.isZero() || d.isNegative()) {
            throw new UsageException(option + " must be > 0, found " + text);
        }
        return d;
    }

    private static String redactText(String url) {
        try {
            return WebhookUrls.redact(new java.net.URI(url.strip()));
        } catch (URISyntaxException e) {
            return "text that is not a URL";
        }
    }

    private Path trainerJar() {
        if (trainerJar != null) {
            Path abs = trainerJar.toAbsolutePath().normalize();
            if (!Files.isRegularFile(abs)) {
                throw new UsageException("--trainer-jar: no such file " + abs);
            }
            return abs;
        }
        Optional<Path> own = ownJar();
        List<Path> candidates = own.map(RunCommand::trainerJarCandidates).orElse(List.of());
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new UsageException("trainer.jar not found"
                + (candidates.isEmpty()
                        ? ""
                        : " (looked for "
                                + candidates.stream().map(Path::toString).collect(Collectors.joining(" and ")) + ")")
                + "; give its path with --trainer-jar");
    }

    /**
     * Where to look for the trainer when {@code --trainer-jar} is not given, in order: beside watchdog.jar (an
     * installed copy), then, when watchdog.jar is the build's {@code watchdog/target/watchdog.jar}, the build's
     * {@code trainer/target/trainer.jar} of the same source tree.
     *
     * @param watchdogJar the jar the watchdog runs from
     * @return the candidates, absolute
     */
    static List<Path> trainerJarCandidates(Path watchdogJar) {
        Path jar = watchdogJar.toAbsolutePath().normalize();
        List<Path> candidates = new ArrayList<>(List.of(jar.resolveSibling("trainer.jar")));
        Path target = jar.getParent();
        Path module = target == null ? null : target.getParent();
        if (module != null
                && module.getParent() != null
                && target.getFileName().toString().equals("target")
                && module.getFileName().toString().equals("watchdog")) {
            candidates.add(module.resolveSibling("trainer").resolve("target").resolve("trainer.jar"));
        }
        return List.copyOf(candidates);
    }

    private Path javaBinary() {
        if (java != null) {
            Path p = Path.of(java);
            // A bare name ("java") is looked up on the PATH when the trainer starts.
            if (p.getParent() != null && !Files.isExecutable(p)) {
                throw new UsageException("--java: " + p.toAbsolutePath() + " is not an executable file");
            }
            return p;
        }
        Optional<Path> running =
                ProcessHandle.current().info().command().map(Path::of).filter(Files::isExecutable);
        Path home = Path.of(System.getProperty("java.home"), "bin", "java");
        return running.orElse(home);
    }

    private static Optional<Path> ownJar() {
        try {
            CodeSource source = RunCommand.class.getProtectionDomain().getCodeSource();
            if (source == null) {
                return Optional.empty();
            }
            Path p = Path.of(source.getLocation().toURI());
            return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
        } catch (URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
