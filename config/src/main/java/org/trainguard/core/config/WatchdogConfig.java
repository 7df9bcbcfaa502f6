package org.trainguard.core.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
public record WatchdogConfig(Duration checkInterval, Duration hangTimeout, Duration stopTimeout,
                             Duration backoffInitial, Duration backoffMax, int crashLoopFailures,
                             Duration crashLoopWindow, Optional<URI> webhook, boolean audio, Optional<Path> sound,
                             Path logFile, List<String> javaOpts, Duration startupTimeout) {

    /** The default {@code watchdog.startup_timeout}: generous, since a first start featurizes all the data. */
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofMinutes(10);

    /** The settings with the default start-up timeout (see the canonical constructor for the others). */
    public WatchdogConfig(Duration checkInterval, Duration hangTimeout, Duration stopTimeout, Duration backoffInitial,
                          Duration backoffMax, int crashLoopFailures, Duration crashLoopWindow, Optional<URI> webhook,
                          boolean audio, Optional<Path> sound, Path logFile, List<String> javaOpts) {
        this(checkInterval, hangTimeout, stopTimeout, backoffInitial, backoffMax, crashLoopFailures, crashLoopWindow,
                webhook, audio, sound, logFile, javaOpts, DEFAULT_STARTUP_TIMEOUT);
    }

    /** Checks every interval, the back-off order and the webhook's scheme, and makes paths absolute. */
    public WatchdogConfig {
        Checks.positive("watchdog.check_interval", checkInterval);
        Checks.positive("watchdog.hang_timeout", hangTimeout);
        Checks.positive("watchdog.stop_timeout", stopTimeout);
        Checks.positive("watchdog.backoff_initial", backoffInitial);
        Checks.positive("watchdog.backoff_max", backoffMax);
        if (backoffMax.compareTo(backoffInitial) < 0) {
            throw new ConfigException("watchdog.backoff_max", "watchdog.backoff_max must be >= "
                    + "watchdog.backoff_initial (" + Durations.format(backoffInitial) + "), found "
                    + Durations.format(backoffMax));
        }
        Checks.positive("watchdog.crash_loop_failures", crashLoopFailures);
        Checks.positive("watchdog.crash_loop_window", crashLoopWindow);
        Checks.notNull("watchdog.webhook", webhook).ifPresent(WatchdogConfig::requireHttpUrl);
        sound = Checks.notNull("watchdog.sound", sound).map(p -> Checks.absolute("watchdog.sound", p));
        logFile = Checks.absolute("watchdog.log_file", logFile);
        javaOpts = List.copyOf(Checks.notNull("watchdog.java_opts", javaOpts));
        Checks.positive("watchdog.startup_timeout", startupTimeout);
    }

    private static void requireHttpUrl(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
            throw new ConfigException("watchdog.webhook", "watchdog.webhook must be an http or https URL, found "
                    + Checks.quote(Secrets.redact(url)) + " (shown redacted: the URL may hold a secret)");
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
            throw new ConfigException("watchdog.webhook", "watchdog.webhook must be an http or https URL, found "
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
        return new WatchdogConfig(Duration.ofSeconds(60), Duration.ofMinutes(30), Duration.ofSeconds(120),
                Duration.ofSeconds(1), Duration.ofMinutes(5), 5, Duration.ofMinutes(30), Optional.empty(), true,
                Optional.empty(), outputDir.toAbsolutePath().normalize().resolve("logs/watchdog.log"), List.of());
    }

    /** @param redactSecrets whether the webhook URL shows only {@code scheme://host/...} */
    Map<String, Object> toMap(boolean redactSecrets) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("check_interval", Durations.format(checkInterval));
        map.put("hang_timeout", Durations.format(hangTimeout));
        map.put("stop_timeout", Durations.format(stopTimeout));
        map.put("backoff_initial", Durations.format(backoffInitial));
        map.put("backoff_max", Durations.format(backoffMax));
        map.put("crash_loop_failures", crashLoopFailures);
        map.put("crash_loop_window", Durations.format(crashLoopWindow));
        map.put("webhook", webhook.map(u -> redactSecrets ? Secrets.redact(u) : u.toString()).orElse(null));
        map.put("audio", audio);
        map.put("sound", sound.map(Path::toString).orElse(null));
        map.put("log_file", logFile.toString());
        map.put("java_opts", new ArrayList<>(javaOpts));
        map.put("startup_timeout", Durations.format(startupTimeout));
        return map;
    }
}
