package org.trainguard.trainer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainguard.cli.UsageException;
import org.trainguard.core.io.Json;
import org.trainguard.core.signal.SignalHandlers;
import org.trainguard.trainer.infer.InferenceModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code trainer serve --model DIR --port N}: a small local HTTP endpoint. {@code POST /predict} with
 * {@code {"text": ...}} or {@code {"texts": [...]}} answers labels and probabilities; {@code GET /health}
 * says the model is loaded. SIGTERM or SIGINT stops it after the requests in flight.
 */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description =
                "Serve a model over HTTP: POST /predict {\"text\": ...} or {\"texts\": [...]}, GET /health. Listens on 127.0.0.1 unless --host "
                        + "says otherwise; SIGTERM or Ctrl+C stops it.")
final class ServeCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);
    /** The largest request body accepted. */
    static final int MAX_BODY_BYTES = 1 << 20;
    /** The most texts in one request. */
    static final int MAX_TEXTS = 1000;

    @Mixin
    ModelOption model;

    @Option(
            names = "--port",
            required = true,
            paramLabel = "N",
            description = "The TCP port; 0 picks a free one (printed at start).")
    int port;

    @Option(
            names = "--host",
            paramLabel = "ADDRESS",
            defaultValue = "127.0.0.1",
            description = "The address to listen on (default: ${DEFAULT-VALUE}, this machine only).")
    String host;

    @Option(
            names = "--threads",
            paramLabel = "N",
            defaultValue = "4",
            description = "Threads that handle requests (default: ${DEFAULT-VALUE}).")
    int threads;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) {
            throw new UsageException("--port must be between 0 and 65535, found " + port);
        }
        if (threads < 1) {
            throw new UsageException("--threads must be >= 1, found " + threads);
        }
        InferenceModel m = InferenceModel.load(model.dir);
        CountDownLatch stop = new CountDownLatch(1);
        Server server = start(m, host, port, threads);
        onStopSignals(stop::countDown);
        var out = spec.commandLine().getOut();
        out.println("serving " + model.dir + " (step " + m.description().step() + ", labels "
                + String.join(", ", m.labels()) + ") on http://" + host + ":" + server.port()
                + " (POST /predict, GET /health); SIGTERM or Ctrl+C stops it");
        out.flush();
        stop.await();
        server.close();
        out.println("stopped");
        out.flush();
        return 0;
    }

    /**
     * SIGTERM and SIGINT end the server normally (exit 0) rather than the JVM. The JDK's signal API
     * is reached through core's SignalHandlers, by reflection; where it is missing, a signal ends the JVM as usual.
     */
    private static void onStopSignals(Runnable stop) {
        try {
            SignalHandlers.install("trainguard serve stop handler", List.of("TERM", "INT"), name -> stop.run(), LOG);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn(
                    "signal handling is not available on this JVM ({}); SIGTERM ends the server without a clean stop",
                    e.toString());
        }
    }

    /** A running endpoint. */
    static final class Server implements AutoCloseable {
        private final HttpServer http;
        private final ExecutorService pool;

        private Server(HttpServer http, ExecutorService pool) {
            this.http = http;
            this.pool = pool;
        }

        /** @return the port it listens on */
        int port() {
            return http.getAddress().getPort();
        }

        /** Stops accepting, lets requests in flight finish (up to 2 s), and ends the threads. */
        @Override
        public void close() {
            http.stop(2);
            pool.shutdown();
            try {
                pool.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Starts serving a model (also used in-process by the load benchmark).
     *
     * @param m the model
     * @param host the address to listen on
     * @param port the port, 0 for any free one
     * @param threads request threads
     * @return the running server
     * @throws UsageException when the port is taken or the address is not this machine's
     * @throws IOException when the server cannot start
     */
    static Server start(InferenceModel m, String host, int port, int threads) throws IOException {
        // headers and body go out in two writes: without TCP_NODELAY, Nagle's algorithm and the
        // client's delayed ACK add about 40 ms to every answer (read once, when the server classes load)
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(host, port), 128);
        } catch (BindException e) {
            throw new UsageException(
                    "cannot listen on " + host + ":" + port + " (" + e.getMessage() + "): the port is taken or "
                            + "the address is not this machine's; choose another --port or --host");
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "serve");
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(pool);
        http.createContext("/health", x -> handle(x, "GET", () -> health(m)));
        http.createContext("/predict", x -> handle(x, "POST", () -> predict(m, x.getRequestBody())));
        http.start();
        return new Server(http, pool);
    }

    /** A request's answer, or a client error. */
    private interface Answer {
        Object get() throws IOException;
    }

    /** A request that cannot be answered: its HTTP status and why. */
    private static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;

        BadRequest(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private static void handle(HttpExchange x, String method, Answer answer) throws IOException {
        int status = 200;
        Object body;
        try {
            if (!x.getRequestURI().getPath().equals(x.getHttpContext().getPath())) {
                throw new BadRequest(
                        404, "no such path: " + x.getRequestURI().getPath() + " (POST /predict, GET /health)");
            }
            if (!x.getRequestMethod().equals(method)) {
                x.getResponseHeaders().set("Allow", method);
                throw new BadRequest(
                        405, x.getRequestURI().getPath() + " takes " + method + ", found " + x.getRequestMethod());
            }
            body = answer.get();
        } catch (BadRequest e) {
            status = e.status;
            body = Map.of("error", e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("request {} {} failed: {}", x.getRequestMethod(), x.getRequestURI(), e.toString());
            status = 500;
            body = Map.of("error", "the model failed on this request: " + e);
        }
        byte[] bytes = Json.mapper()
                .writer()
                .without(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsBytes(body);
        x.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        x.sendResponseHeaders(status, bytes.length);
        try (OutputStream os = x.getResponseBody()) {
            os.write(bytes);
        }
    }

    private static Object health(InferenceModel m) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("status", "ok");
        o.put("labels", m.labels());
        o.put("step", m.description().step());
        o.put("source", m.description().source());
        return o;
    }

    private static Object predict(InferenceModel m, InputStream in) throws IOException {
        byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
            throw new BadRequest(413, "the request body is larger than " + MAX_BODY_BYTES + " bytes");
        }
        JsonNode node;
        try {
            node = Json.mapper().readTree(body);
        } catch (IOException e) {
            throw new BadRequest(
                    400, "the body is not valid JSON: expected {\"text\": \"...\"} or {\"texts\": [\"...\"]}");
        }
        if (node != null && node.path("text").isTextual()) {
            return one(m.predict(List.of(node.get("text").asText())).get(0));
        }
        if (node != null && node.path("texts").isArray()) {
            List<String> texts = new ArrayList<>();
            for (JsonNode t : node.get("texts")) {
                if (!t.isTextual()) {
                    throw new BadRequest(
                            400,
                            "texts[" + texts.size() + "] must be a string, found "
                                    + t.getNodeType().name().toLowerCase());
                }
                texts.add(t.asText());
            }
            if (texts.size() > MAX_TEXTS) {
                throw new BadRequest(413, "at most " + MAX_TEXTS + " texts per request, found " + texts.size());
            }
            List<Object> out = new ArrayList<>();
            for (InferenceModel.Prediction p : m.predict(texts)) {
                out.add(one(p));
            }
            return Map.of("predictions", out);
        }
        throw new BadRequest(400, "expected {\"text\": \"...\"} or {\"texts\": [\"...\"]}");
    }

    private static Map<String, Object> one(InferenceModel.Prediction p) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("label", p.label());
        o.put("probabilities", p.probabilities());
        return o;
    }
}
