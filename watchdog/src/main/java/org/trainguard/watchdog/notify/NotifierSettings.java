package org.trainguard.watchdog.notify;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * How the watchdog tells a person what happened to a run.
 *
 * @param audio   whether to play a sound (false for {@code --no-audio} or {@code watchdog.audio: false})
 * @param sound   a WAV file played for every event instead of the built-in tones; empty for the tones
 * @param webhook an http or https URL that receives a JSON POST per event; empty for none
 * @param runName the run's name, used when an event names no run
 */
public record NotifierSettings(boolean audio, Optional<Path> sound, Optional<URI> webhook, String runName) {

    /** Checks that nothing is missing and the webhook is an http or https URL with a host. */
    public NotifierSettings {
        Objects.requireNonNull(sound, "sound");
        Objects.requireNonNull(webhook, "webhook");
        Objects.requireNonNull(runName, "runName");
        webhook.ifPresent(url -> {
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
                // The URL itself may carry a secret, so the message shows only its redacted form.
                throw new IllegalArgumentException(
                        "webhook must be an http or https URL with a host, found " + WebhookUrls.redact(url));
            }
        });
    }

    /**
     * Settings with no sound and no webhook: events are only logged by the caller.
     *
     * @param runName the run's name
     * @return the silent settings
     */
    public static NotifierSettings silent(String runName) {
        return new NotifierSettings(false, Optional.empty(), Optional.empty(), runName);
    }
}
