package org.trainguard.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How the watchdog supervises the trainer ({@code watchdog}). Paths are absolute.
 *
 * @param checkInterval     time between checks of the trainer process and its session file, &gt; 0
 * @param hangTimeout       no heartbeat for this long means the trainer hangs and is restarted, &gt; 0
 * @param stopTimeout       time the trainer gets to write its emergency checkpoint after a stop request before
 *                          it is killed, &gt; 0
 * @param backoffInitial    wait before the first restart, doubled after each failure, &gt; 0
 * @param backoffMax        longest wait between restarts, &ge; {@code backoffInitial}
 * @param crashLoopFailures this many failures within {@code crashLoopWindow} stop the restarts, &ge; 1
 * @param crashLoopWindow   the window for counting failures, &gt; 0
 * @param webhook           an http or https URL notified of crashes, restarts and completion; empty for none
 * @param audio             whether to play a sound on crashes and completion
 * @param sound             a .wav file played instead of the built-in sound; empty for the built-in one
 * @param logFile           the watchdog's log file (by default {@code <training.output_dir>/logs/watchdog.log})
 * @param javaOpts          extra JVM options for the trainer process, e.g. {@code -Xmx8g}
 * @param startupTimeout    the time a trainer gets from its start to its first training step (JVM, data, ND4J,
 *                          restoring the checkpoint) before it is hung; the hang timeout applies from then, &gt; 0
 */
public record WatchdogConfig(
        Duration checkInterval,
        Duration hangTimeout,
        Duration stopTimeout,
        Duration backoffInitial,
        Duration backoffMax,
        int crashLoopFailures,
        Duration crashLoopWindow,
        Optional<URI> webhook,
        boolean audio,
        Optional<Path> sound,
        Path logFile,
        List<String> javaOpts,
        Duration startupTimeout) {

    static final String SECTION = "watchdog";
    /** {@code watchdog.check_interval}. */
    public static final Key<Duration> CHECK_INTERVAL =
            Key.duration(SECTION, "check_interval", Duration.ofSeconds(60)).checked(Checks::positive);
    /** {@code watchdog.hang_timeout}. */
    public static final Key<Duration> HANG_TIMEOUT =
            Key.duration(SECTION, "hang_timeout", Duration.ofMinutes(30)).checked(Checks::positive);
    /** {@code watchdog.stop_timeout}. */
    public static final Key<Duration> STOP_TIMEOUT =
            Key.duration(SECTION, "stop_timeout", Duration.ofSeconds(120)).checked(Checks::positive);
    /** {@code watchdog.backoff_initial}. */
    public static final Key<Duration> BACKOFF_INITIAL =
            Key.duration(SECTION, "backoff_initial", Duration.ofSeconds(1)).checked(Checks::positive);
    /** {@code watchdog.backoff_max}. */
    public static final Key<Duration> BACKOFF_MAX =
            Key.duration(SECTION, "backoff_max", Duration.ofMinutes(5)).checked(Checks::positive);
    /** {@code watchdog.crash_loop_failures}. */
    public static final Key<Integer> CRASH_LOOP_FAILURES =
            Key.integer(SECTION, "crash_loop_failures", 5).checked(Checks::positive);
    /** {@code watchdog.crash_loop_window}. */
    public static final Key<Duration> CRASH_LOOP_WINDOW =
            Key.duration(SECTION, "crash_loop_window", Duration.ofMinutes(30)).checked(Checks::positive);
    /** {@code watchdog.webhook}: none by default. */
    public static final Key<String> WEBHOOK = Key.text(SECTION, "webhook", null).typed("URL");
    /** {@code watchdog.audio}. */
    public static final Key<Boolean> AUDIO = Key.bool(SECTION, "audio", true);
    /** {@code watchdog.sound}: the built-in sound by default. */
    public static final Key<Path> SOUND = Key.path(SECTION, "sound");
    /** {@code watchdog.log_file}: {@code logs/watchdog.log} in the run folder by default. */
    public static final Key<Path> LOG_FILE =
            Key.path(SECTION, "log_file").documented("<training.output_dir>/logs/watchdog.log");
    /** {@code watchdog.java_opts}. */
    public static final Key<List<String>> JAVA_OPTS = Key.texts(SECTION, "java_opts", List.of());
    /** {@code watchdog.startup_timeout}. */
    public static final Key<Duration> STARTUP_TIMEOUT =
            Key.duration(SECTION, "startup_timeout", Duration.ofMinutes(10)).checked(Checks::positive);

    static final Keys KEYS = Keys.of(
            SECTION,
            CHECK_INTERVAL,
            HANG_TIMEOUT,
            STOP_TIMEOUT,
            BACKOFF_INITIAL,
            BACKOFF_MAX,
            CRASH_LOOP_FAILURES,
            CRASH_LOOP_WINDOW,
            WEBHOOK,
            AUDIO,
            SOUND,
            LOG_FILE,
            JAVA_OPTS,
            STARTUP_TIMEOUT);

    /** The default {@code watchdog.startup_timeout}: generous, since a first start featurizes all the data. */
    public static final Duration DEFAULT_STARTUP_TIMEOUT = STARTUP_TIMEOUT.fallback();

    /** The settings with the default start-up timeout (see the canonical constructor for the others). */
    public WatchdogConfig(
            Duration checkInterval,
            Duration hangTimeout,
            Duration stopTimeout,
            Duration backoffInitial,
            Duration backoffMax,
            int crashLoopFailures,
            Duration crashLoopWindow,
            Optional<URI> webhook,
            boolean audio,
            Optional<Path> sound,
            Path logFile,
            List<String> javaOpts) {
        this(
                checkInterval,
                hangTimeout,
                stopTimeout,
                backoffInitial,
                backoffMax,
                crashLoopFailures,
                crashLoopWindow,
                webhook,
                audio,
                sound,
                logFile,
                javaOpts,
                DEFAULT_STARTUP_TIMEOUT);
    }

    /** Checks every interval, the back-off order and the webhook's scheme, and makes paths absolute. */
    public WatchdogConfig {
        CHECK_INTERVAL.check(checkInterval);
        HANG_TIMEOUT.check(hangTimeout);
        STOP_TIMEOUT.check(stopTimeout);
        BACKOFF_INITIAL.check(backoffInitial);
        BACKOFF_MAX.check(backoffMax);
        if (backoffMax.compareTo(backoffInitial) < 0) {
            throw new ConfigException(
                    "watchdog.backoff_max",
                    "watchdog.backoff_max must be >= "
                            + "watchdog.backoff_initial (" + Durations.format(backoffInitial) + "), found "
                            + Durations.format(backoffMax));
        }
        CRASH_LOOP_FAILURES.check(crashLoopFailures);
        CRASH_LOOP_WINDOW.check(crashLoopWindow);
        Checks.notNull(WEBHOOK.path(), webhook).ifPresent(WatchdogConfig::requireHttpUrl);
        sound = SOUND.checkPresent(sound).map(p -> Checks.absolute(SOUND.path(), p));
        logFile = Checks.absolute(LOG_FILE.path(), logFile);
        javaOpts = List.copyOf(JAVA_OPTS.check(javaOpts));
        STARTUP_TIMEOUT.check(startupTimeout);
    }

    private static void requireHttpUrl(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
            throw new ConfigException(
                    "watchdog.webhook",
                    "watchdog.webhook must be an http or https URL, found " + Checks.quote(Secrets.redact(url))
                            + " (shown redacted: the URL may hold a secret)");
        }
    }

    /**
     * Reads a webhook URL as written in the config.
     *
     * @param text the URL text
     * @return the URL, checked to be http or https with a host
     * @throws ConfigException naming {@code watchdog.webhook} and the text when it is not such a URL
     */
    public static URI webhookUrl(String text) {
        URI url;
        try {
            url = new URI(text.strip());
        } catch (URISyntaxException notUrl) {
            // not the cause: its message quotes the whole text, secret included
            throw new ConfigException(
                    "watchdog.webhook",
                    "watchdog.webhook must be an http or https URL, found "
                            + Checks.quote(Secrets.redact(text)) + " (not a URL: " + notUrl.getReason()
                            + (notUrl.getIndex() >= 0 ? " at character " + (notUrl.getIndex() + 1) : "")
                            + "; shown redacted: the URL may hold a secret)");
        }
        requireHttpUrl(url);
        return url;
    }

    /**
     * The documented defaults for a run in {@code outputDir}: check every 60s, a hang after 30m without a
     * heartbeat (10m to start), 120s to stop, back-off from 1s to 5m, give up after 5 failures in 30m, audio on, no webhook, log
     * in {@code <outputDir>/logs/watchdog.log}.
     *
     * @param outputDir the run folder ({@link TrainingConfig#outputDir()})
     * @return the default watchdog settings
     */
    public static WatchdogConfig defaults(Path outputDir) {
        return new WatchdogConfig(
                CHECK_INTERVAL.fallback(),
                HANG_TIMEOUT.fallback(),
                STOP_TIMEOUT.fallback(),
                BACKOFF_INITIAL.fallback(),
                BACKOFF_MAX.fallback(),
                CRASH_LOOP_FAILURES.fallback(),
                CRASH_LOOP_WINDOW.fallback(),
                Optional.empty(),
                AUDIO.fallback(),
                Optional.empty(),
                defaultLogFile(outputDir),
                JAVA_OPTS.fallback(),
                STARTUP_TIMEOUT.fallback());
    }

    private static Path defaultLogFile(Path outputDir) {
        return outputDir.toAbsolutePath().normalize().resolve("logs/watchdog.log");
    }

    static WatchdogConfig read(YamlSection section, Path outputDir) {
        return new WatchdogConfig(
                section.get(CHECK_INTERVAL),
                section.get(HANG_TIMEOUT),
                section.get(STOP_TIMEOUT),
                section.get(BACKOFF_INITIAL),
                section.get(BACKOFF_MAX),
                section.get(CRASH_LOOP_FAILURES),
                section.get(CRASH_LOOP_WINDOW),
                section.optional(WEBHOOK).map(WatchdogConfig::webhookUrl),
                section.get(AUDIO),
                section.optional(SOUND),
                section.optional(LOG_FILE).orElse(defaultLogFile(outputDir)),
                section.get(JAVA_OPTS),
                section.get(STARTUP_TIMEOUT));
    }

    /** @param redactSecrets whether the webhook URL shows only {@code scheme://host/...} */
    Map<String, Object> toMap(boolean redactSecrets) {
        Map<String, Object> map = new LinkedHashMap<>();
        CHECK_INTERVAL.put(map, checkInterval);
        HANG_TIMEOUT.put(map, hangTimeout);
        STOP_TIMEOUT.put(map, stopTimeout);
        BACKOFF_INITIAL.put(map, backoffInitial);
        BACKOFF_MAX.put(map, backoffMax);
        CRASH_LOOP_FAILURES.put(map, crashLoopFailures);
        CRASH_LOOP_WINDOW.put(map, crashLoopWindow);
        WEBHOOK.put(
                map,
                webhook.map(u -> redactSecrets ? Secrets.redact(u) : u.toString())
                        .orElse(null));
        AUDIO.put(map, audio);
        SOUND.put(map, sound.orElse(null));
        LOG_FILE.put(map, logFile);
        JAVA_OPTS.put(map, javaOpts);
        STARTUP_TIMEOUT.put(map, startupTimeout);
        return map;
    }
}
