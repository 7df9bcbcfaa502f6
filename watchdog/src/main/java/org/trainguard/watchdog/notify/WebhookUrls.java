package org.trainguard.watchdog.notify;

import java.net.URI;
import org.trainguard.config.Secrets;

/**
 * Webhook URLs as they may appear in logs ({@link Secrets} does the work, shared with the configuration). Slack, Discord and most chat services put the secret that
 * authorizes a post in the URL's path or query, so a log shows only {@code scheme://host[:port]/...}.
 */
public final class WebhookUrls {

    private WebhookUrls() {}

    /**
     * The URL without user info, path, query or fragment.
     *
     * @param url any URL
     * @return e.g. {@code https://hooks.slack.com/...}; {@code <webhook>/...} when the URL has no host
     */
    public static String redact(URI url) {
        return Secrets.redact(url);
    }

    /**
     * A message (usually from an exception) with every part of the URL that could hold a secret replaced by
     * the redacted form: some HTTP errors quote the request URI.
     *
     * @param message the text to clean; null reads as an empty message
     * @param url     the webhook URL
     * @return the message, safe to log
     */
    static String scrub(String message, URI url) {
        return Secrets.scrub(message, url);
    }
}
