package org.trainguard.watchdog.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainguard.core.run.HostName;

/**
 * Posts each event as JSON to a webhook URL, in a shape that Slack ({@code text}) and Discord ({@code content})
 * incoming webhooks show as a message, with the structured fields beside it for anything else:
 *
 * <pre>{@code
 * {"event":"failed","run":"four_class","step":1458,"reason":"data error (exit code 3)","host":"gpu-box",
 *  "time":"2026-11-24T02:28:48Z","text":"trainguard: run four_class failed at step 1458: data error (exit code 3)",
 *  "content":"trainguard: run four_class failed at step 1458: data error (exit code 3)"}
 * }</pre>
 *
 * Each request has a 10 s timeout and is tried 3 times (after 1 s, then 2 s); any status other than 2xx is a
 * failure. Log lines show the URL only as {@code scheme://host[:port]/...}.
 */
final class WebhookNotifier extends BackgroundNotifier {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookNotifier.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final List<Duration> RETRY_DELAYS = List.of(Duration.ofSeconds(1), Duration.ofSeconds(2));
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);
    /** Enough of an error response to see what the service complained about. */
    private static final int MAX_BODY_IN_LOG = 200;

    /** Made on first use (on the worker thread), so that a watchdog with a webhook still starts fast. */
    private static final class Mapper {
        static final ObjectMapper INSTANCE = new ObjectMapper();
    }

    private final URI url;
    private final String shownUrl;
    private final String runName;
    private final Duration timeout;
    private final List<Duration> retryDelays;
    /** Made on first use, on the worker thread: building a client starts threads the watchdog may never need. */
    private HttpClient client;

    WebhookNotifier(URI url, String runName) {
        this(url, runName, TIMEOUT, RETRY_DELAYS, CLOSE_WAIT);
    }

    /**
     * @param timeout     connect and request timeout
     * @param retryDelays the waits before the second, third, ... attempt; its size + 1 is the number of attempts
     * @param closeWait   the longest {@link #close()} waits for queued events
     */
    WebhookNotifier(URI url, String runName, Duration timeout, List<Duration> retryDelays, Duration closeWait) {
        super("webhook", closeWait);
        this.url = url;
        this.shownUrl = WebhookUrls.redact(url);
        this.runName = runName;
        this.timeout = timeout;
        this.retryDelays = List.copyOf(retryDelays);
    }

    @Override
    Runnable prepare(Event event) {
        OffsetDateTime at = OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS);
        return () -> send(event, at);
    }

    /**
     * The JSON body for an event.
     *
     * @param event   what happened
     * @param runName the run name used when the event names none
     * @param at      when it happened
     * @return UTF-8 JSON text
     */
    static String payload(Event event, String runName, OffsetDateTime at) {
        String text = event.text(runName);
        ObjectNode json = Mapper.INSTANCE.createObjectNode();
        json.put("event", event.kind().wireName());
        json.put("run", event.run().isBlank() ? runName : event.run());
        json.put("step", event.step());
        json.put("reason", event.reason());
        json.put("host", HostName.get());
        json.put("time", at.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        json.put("text", text);
        json.put("content", text);
        try {
            return Mapper.INSTANCE.writeValueAsString(json);
        } catch (JsonProcessingException impossible) {
            // A tree of strings and numbers always serializes.
            throw new IllegalStateException(impossible);
        }
    }

    private void send(Event event, OffsetDateTime at) {
        String kind = event.kind().wireName();
        int attempts = retryDelays.size() + 1;
        try {
            HttpRequest request = HttpRequest.newBuilder(url)
                    .timeout(timeout)
                    .header("Content-Type", "application/json; charset=utf-8")
                    .header("User-Agent", "trainguard-watchdog")
                    .POST(HttpRequest.BodyPublishers.ofString(payload(event, runName, at), StandardCharsets.UTF_8))
                    .build();
            for (int attempt = 1; attempt <= attempts; attempt++) {
                String problem;
                try {
                    HttpResponse<String> response = client().send(request, HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() / 100 == 2) {
                        LOG.info(
                                "webhook {} accepted the {} event (HTTP {}, attempt {} of {})",
                                shownUrl,
                                kind,
                                response.statusCode(),
                                attempt,
                                attempts);
                        return;
                    }
                    problem = "HTTP " + response.statusCode() + bodyExcerpt(response.body());
                } catch (IOException failed) {
                    problem = describe(failed);
                }
                if (attempt == attempts) {
                    LOG.warn(
                            "webhook {} did not take the {} event after {} attempts: {}; giving up",
                            shownUrl,
                            kind,
                            attempts,
                            problem);
                    return;
                }
                Duration delay = retryDelays.get(attempt - 1);
                LOG.warn(
                        "webhook {} did not take the {} event: {} (attempt {} of {}); retrying in {} ms",
                        shownUrl,
                        kind,
                        problem,
                        attempt,
                        attempts,
                        delay.toMillis());
                Thread.sleep(delay.toMillis());
            }
        } catch (InterruptedException stopping) {
            LOG.warn("webhook {}: the {} event was not sent; the watchdog is stopping", shownUrl, kind);
            Thread.currentThread().interrupt();
        } catch (RuntimeException unexpected) {
            LOG.warn(
                    "webhook {}: the {} event was not sent: {}",
                    shownUrl,
                    kind,
                    WebhookUrls.scrub(unexpected.toString(), url));
        }
    }

    private HttpClient client() {
        if (client == null) {
            // HTTP/1.1: a plain-http endpoint would otherwise get an h2c upgrade that some small servers mishandle.
            client = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(timeout)
                    .build();
        }
        return client;
    }

    private String describe(IOException failed) {
        String message = WebhookUrls.scrub(failed.getMessage(), url);
        return failed.getClass().getSimpleName() + (message.isBlank() ? "" : ": " + message);
    }

    private String bodyExcerpt(String body) {
        String clean = WebhookUrls.scrub(body, url).strip().replaceAll("\\s+", " ");
        if (clean.isEmpty()) {
            return "";
        }
        return " " + (clean.length() <= MAX_BODY_IN_LOG ? clean : clean.substring(0, MAX_BODY_IN_LOG) + "...");
    }
}
