package org.trainguard.watchdog.notify;

import java.net.URI;

/**
 * Webhook URLs as they may appear in logs. Slack, Discord and most chat services put the secret that
 * authorizes a post in the URL's path or query, so a log shows only {@code scheme://host[:port]/...}.
 */
public final class WebhookUrls {

    private WebhookUrls() {
    }

    /**
     * The URL without user info, path, query or fragment.
     *
     * @param url any URL
     * @return e.g. {@code https://hooks.slack.com/...}; {@code <webhook>/...} when the URL has no host
     */
    public static String redact(URI url) {
        String scheme = url.getScheme();
        String host = url.getHost();
        if (scheme == null || host == null) {
            return "<webhook>/...";
        }
        return scheme + "://" + host + (url.getPort() == -1 ? "" : ":" + url.getPort()) + "/...";
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
        if (message == null) {
            return "";
        }
        String clean = message;
        for (String secret : new String[] {url.toString(), url.toASCIIString(), url.getRawPath(),
                url.getRawQuery(), url.getPath(), url.getQuery(), url.getRawUserInfo(), url.getUserInfo()}) {
            // A bare "/" path holds no secret and would wreck every slash in the message.
            if (secret != null && secret.length() > 1) {
                clean = clean.replace(secret, secret.equals(url.toString()) || secret.equals(url.toASCIIString())
                        ? redact(url) : "...");
            }
        }
        return clean;
    }
}
