package org.trainguard.config;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Redaction of the one secret a configuration holds: the webhook URL. Slack, Discord and most chat services put
 * the token that authorizes a post in the URL's path or query, so everything a run writes or prints shows only
 * {@code scheme://host[:port]/...}: logs, status, error messages, checkpoint manifests and {@code final/config.yaml}.
 */
public final class Secrets {

    private Secrets() {}

    /**
     * The URL without user info, path, query or fragment.
     *
     * @param url any URL
     * @return e.g. {@code https://hooks.slack.com/...}; {@code <webhook>/...} when the URL has no scheme or host
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
     * A webhook URL as written by a person, redacted; text that does not parse as a URL shows only its scheme
     * ({@code http:...}).
     *
     * @param text the text as written
     * @return the redacted form, safe to print
     */
    public static String redact(String text) {
        try {
            return redact(new URI(text.strip()));
        } catch (URISyntaxException e) {
            int colon = text.indexOf(':');
            String scheme = colon > 0 && text.substring(0, colon).matches("[A-Za-z][A-Za-z0-9+.-]*")
                    ? text.substring(0, colon + 1) + "..."
                    : "...";
            return scheme;
        }
    }

    /**
     * A message (usually from an exception) with every part of the URL that could hold a secret replaced by the
     * redacted form: some HTTP errors quote the request URI.
     *
     * @param message the text to clean; null reads as an empty message
     * @param url     the webhook URL
     * @return the message, safe to log
     */
    public static String scrub(String message, URI url) {
        if (message == null) {
            return "";
        }
        String clean = message;
        for (String secret : new String[] {
            url.toString(),
            url.toASCIIString(),
            url.getRawPath(),
            url.getRawQuery(),
            url.getPath(),
            url.getQuery(),
            url.getRawUserInfo(),
            url.getUserInfo()
        }) {
            // A bare "/" path holds no secret and would wreck every slash in the message.
            if (secret != null && secret.length() > 1) {
                clean = clean.replace(
                        secret,
                        secret.equals(url.toString()) || secret.equals(url.toASCIIString()) ? redact(url) : "...");
            }
        }
        return clean;
    }
}
