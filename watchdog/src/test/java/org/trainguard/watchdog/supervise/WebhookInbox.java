package org.trainguard.watchdog.supervise;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.trainguard.core.io.Json;

/** A local HTTP server on 127.0.0.1 that collects the watchdog's webhook messages. */
final class WebhookInbox implements AutoCloseable {

    /** The secret part of the URL, which must never appear in a log. */
    static final String SECRET = "T0KEN-s3cret-abc";

    private final HttpServer server;
    private final List<JsonNode> received = new ArrayList<>();

    WebhookInbox() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            synchronized (received) {
                received.add(Json.mapper().readTree(body));
                received.notifyAll();
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
    }

    /** @return the webhook URL, with a secret in its path and query */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/" + SECRET + "?token=" + SECRET;
    }

    /** Waits for a message with the given {@code event} and returns it; fails the test after a minute. */
    JsonNode await(String event) throws InterruptedException {
        long deadline = System.currentTimeMillis() + WatchdogHarness.LONG.toMillis();
        synchronized (received) {
            while (true) {
                for (JsonNode m : received) {
                    if (event.equals(m.path("event").asText())) {
                        return m;
                    }
                }
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    fail("no '" + event + "' webhook message; received " + received);
                }
                received.wait(left);
            }
        }
    }

    /** @return the {@code event} fields received so far, in order */
    List<String> events() {
        synchronized (received) {
            return received.stream().map(m -> m.path("event").asText()).toList();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
