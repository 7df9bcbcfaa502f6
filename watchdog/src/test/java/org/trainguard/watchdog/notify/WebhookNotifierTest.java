package org.trainguard.watchdog.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebhookNotifierTest {

    /** Stands for the token a chat service puts in its webhook URLs; must never reach the log. */
    private static final String SECRET_PATH = "/services/T0001/B0002/SECRETtoken";

    private HttpServer server;
    private LogCapture log;
    private final BlockingQueue<String> bodies = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> contentTypes = new LinkedBlockingQueue<>();
    private final AtomicInteger requests = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        // A thread per request, so a handler that never answers does not hold up the server.
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
        log = new LogCapture();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        log.close();
    }

    private URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + SECRET_PATH + "?token=SECRETquery");
    }

    /** Answers the n-th request (from 1) with {@code statuses[n-1]}, the last status for every later one. */
    private void answer(int... statuses) {
        server.createContext(SECRET_PATH, exchange -> {
            int n = requests.incrementAndGet();
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            contentTypes.add(String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")));
            reply(exchange, statuses[Math.min(n, statuses.length) - 1]);
        });
    }

    private static void reply(HttpExchange exchange, int status) throws IOException {
        byte[] body = (status == 200 ? "ok" : "server error").getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static NotifierSettings webhookOnly(URI url) {
        return new NotifierSettings(false, Optional.empty(), Optional.of(url), "four_class");
    }

    @Test
    void theEventArrivesAsJsonThatSlackAndDiscordCanShow() throws Exception {
        answer(200);
        OffsetDateTime before = OffsetDateTime.now().minusSeconds(1);
        try (Notifier notifier = Notifier.create(webhookOnly(url()))) {
            notifier.notify(new Event(EventKind.FAILED, "four_class", 1458, "data error (exit code 3)"));
        }

        String body = bodies.poll(5, TimeUnit.SECONDS);
        assertNotNull(body, "no request arrived");
        JsonNode json = new ObjectMapper().readTree(body);
        assertEquals("failed", json.get("event").asText());
        assertEquals("four_class", json.get("run").asText());
        assertEquals(1458, json.get("step").asLong());
        assertEquals("data error (exit code 3)", json.get("reason").asText());
        assertFalse(json.get("host").asText().isBlank());
        OffsetDateTime time = OffsetDateTime.parse(json.get("time").asText());
        assertFalse(time.isBefore(before) || time.isAfter(OffsetDateTime.now().plusSeconds(1)), "time " + time);
        String sentence = "trainguard: run four_class failed at step 1458: data error (exit code 3)";
        assertEquals(sentence, json.get("text").asText());
        assertEquals(sentence, json.get("content").asText());
        assertTrue(contentTypes.poll().startsWith("application/json"));
        assertEquals(1, requests.get());
        assertTrue(
                log.text()
                        .contains("webhook http://127.0.0.1:"
                                + server.getAddress().getPort()
                                + "/... accepted the failed event (HTTP 200, attempt 1 of 3)"),
                log.text());
        assertFalse(log.text().contains("SECRET"), log.text());
    }

    @Test
    void twoServerErrorsAreRetriedAndTheThirdAttemptSucceeds() {
        answer(500, 500, 200);
        long start = System.nanoTime();
        try (Notifier notifier = Notifier.create(webhookOnly(url()))) {
            notifier.notify(new Event(EventKind.RESTARTED, "four_class", 2916, "exit code 1"));
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);

        assertEquals(3, requests.get());
        // The documented back-off: 1 s, then 2 s.
        assertTrue(seconds >= 3 && seconds < 10, "took " + seconds + " s");
        List<String> lines = log.lines();
        assertEquals(
                2,
                lines.stream()
                        .filter(l -> l.contains("HTTP 500") && l.contains("retrying"))
                        .count(),
                log.text());
        assertTrue(log.text().contains("accepted the restarted event (HTTP 200, attempt 3 of 3)"), log.text());
        assertFalse(log.text().contains("SECRET"), log.text());
    }

    @Test
    void aServerThatKeepsFailingIsTriedThreeTimesThenGivenUp() {
        answer(503);
        WebhookNotifier notifier = new WebhookNotifier(
                url(),
                "four_class",
                Duration.ofSeconds(5),
                List.of(Duration.ofMillis(10), Duration.ofMillis(10)),
                Duration.ofSeconds(5));
        notifier.notify(new Event(EventKind.HUNG, "", 7, "no progress for 30m"));
        notifier.close();

        assertEquals(3, requests.get());
        assertTrue(
                log.text()
                        .contains(
                                "did not take the hung event after 3 attempts: HTTP 503 server error; " + "giving up"),
                log.text());
    }

    @Test
    void anUnreachableWebhookNeitherBlocksNotifyNorClose() throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        URI unreachable = URI.create("http://127.0.0.1:" + closedPort + SECRET_PATH);
        Notifier notifier = Notifier.create(webhookOnly(unreachable));

        long start = System.nanoTime();
        notifier.notify(new Event(EventKind.STARTED, "four_class", 0, ""));
        long notifyMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        notifier.close();
        long closeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertTrue(notifyMillis < 100, "notify took " + notifyMillis + " ms");
        assertTrue(closeMillis < 12_000, "close took " + closeMillis + " ms");
        assertTrue(
                log.text()
                        .contains("webhook http://127.0.0.1:" + closedPort + "/... did not take the started "
                                + "event: ConnectException"),
                log.text());
        assertFalse(log.text().contains("SECRET"), log.text());
        notifier.notify(new Event(EventKind.STOPPED, "four_class", 0, "after close"));
        assertTrue(log.text().contains("dropped the stopped event"), log.text());
    }

    @Test
    void closeGivesUpOnAServerThatNeverAnswers() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        server.createContext(SECRET_PATH, exchange -> {
            requests.incrementAndGet();
            try {
                release.await(20, TimeUnit.SECONDS);
                reply(exchange, 200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        WebhookNotifier notifier = new WebhookNotifier(
                url(),
                "four_class",
                Duration.ofSeconds(10),
                List.of(Duration.ofSeconds(1), Duration.ofSeconds(2)),
                Duration.ofMillis(500));
        try {
            notifier.notify(new Event(EventKind.COMPLETED, "four_class", 5000, ""));
            long start = System.nanoTime();
            notifier.close();
            long closeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            assertTrue(closeMillis < 3_000, "close took " + closeMillis + " ms");
            assertTrue(log.text().contains("webhook notifier: abandoned 1 notification(s)"), log.text());
        } finally {
            release.countDown();
        }
    }
}
