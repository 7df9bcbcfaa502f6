package org.trainguard.watchdog.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.trainguard.core.io.Json;
import org.trainguard.core.lock.RunLock;
import org.trainguard.core.run.Heartbeat;
import org.trainguard.core.run.SessionState;
import org.trainguard.core.run.SessionStore;
import org.trainguard.testing.Processes;

/**
 * A small run of the real trainer for the watchdog's end-to-end tests: the four-class excerpt (1,200 training
 * rows, 300 validation rows), a 131,000-parameter network, 75 steps of batch 16, a checkpoint every 10 steps and a
 * heartbeat every 200 ms. Starts the real {@code trainer.jar} alone or under the real {@code watchdog.jar}, each in
 * its own JVM, and kills whatever is still running on close.
 */
final class RealRun implements AutoCloseable {

    /** Steps of the whole run: one epoch of 1,200 rows at batch 16. */
    static final int STEPS = 75;

    /** What a trainer logs when it trains the default model with the fastText step (row-sparse table). */
    static final String FAST_STEP = "training with the fastText step";
    /** Generous: the machine these run on is shared, and a JVM with ND4J takes seconds to start there. */
    static final Duration PATIENCE = Duration.ofMinutes(3);

    private static final String CONFIG = """
            labels: [ALLOW, ESCALATION, DENY, REFUSE]
            model:
              embedding_dim: 32
              dropout: 0.2
              features: {buckets: 4096, max_length: 128}
            data:
              train: train.jsonl
              validation: val.jsonl
            training:
              output_dir: run
              epochs: 1
              batch_size: 16
              learning_rate: 0.02
              log_every_steps: 1
            checkpoint:
              every_steps: 10
              keep_last: 3
            eval:
              every_steps: 75
            session:
              heartbeat_interval: 200ms
            """;

    private static Jars jars;
    private static byte[] reference;

    final Path dir;
    final Path config;
    final Path out;
    private final List<Process> processes = new ArrayList<>();
    private final List<Path> outputs = new ArrayList<>();

    private RealRun(Path dir, Path config) {
        this.dir = dir;
        this.config = config;
        this.out = dir.resolve("run");
    }

    /**
     * Writes the data and the config into a folder.
     *
     * @param dir a fresh folder
     * @return the run, not started
     */
    static RealRun create(Path dir) throws IOException {
        return create(dir, CONFIG);
    }

    /**
     * Writes the data and a config into a folder.
     *
     * @param dir  a fresh folder
     * @param yaml the config file's text
     * @return the run, not started
     */
    static RealRun create(Path dir, String yaml) throws IOException {
        Files.createDirectories(dir);
        copyResource("e2e/train.jsonl", dir.resolve("train.jsonl"));
        copyResource("e2e/val.jsonl", dir.resolve("val.jsonl"));
        Path config = dir.resolve("train.yaml");
        Files.writeString(config, yaml);
        return new RealRun(dir, config);
    }

    /** @return the config file's text the runs use, for tests that change one key of it */
    static String standardConfig() {
        return CONFIG;
    }

    private static void copyResource(String name, Path target) throws IOException {
        try (InputStream in = RealRun.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new NoSuchFileException("test resource " + name + " (watchdog/src/test/resources/" + name + ")");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    // ------------------------------------------------------------------ the two programs

    /** The real jars, copied once per test JVM. */
    record Jars(Path trainer, Path watchdog) {}

    /**
     * The trainer and watchdog jars this module's build made, copied aside: other builds on the same checkout
     * rewrite {@code target/*.jar} in place, and a JVM whose jar changes under it fails at its next class load.
     *
     * @return the copies
     * @throws IOException when a jar is missing (the message says how to build it) or cannot be copied
     */
    static synchronized Jars jars() throws IOException {
        if (jars != null) {
            return jars;
        }
        Path trainer = Path.of("..", "trainer", "target", "trainer.jar")
                .toAbsolutePath()
                .normalize();
        Path watchdog = Path.of("target", "watchdog.jar").toAbsolutePath().normalize();
        for (Path jar : List.of(trainer, watchdog)) {
            if (!Files.isRegularFile(jar)) {
                throw new NoSuchFileException(
                        jar.toString(),
                        null,
                        "the end-to-end tests run the real jar; build both first: "
                                + "cd .. && mvn -o -q install -DskipTests (the working folder is "
                                + Path.of("").toAbsolutePath() + ")");
            }
        }
        Files.createDirectories(Path.of("target"));
        Path copies = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "e2e-jars-");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(copies)));
        jars = new Jars(
                Files.copy(trainer, copies.resolve("trainer.jar")),
                Files.copy(watchdog, copies.resolve("watchdog.jar")));
        return jars;
    }

    private static String java() {
        return Processes.java();
    }

    /**
     * The final parameters of an uninterrupted run of the standard config, computed once per test JVM.
     *
     * @return the bytes of {@code coefficients.bin} in its {@code final/model.zip}
     */
    static synchronized byte[] referenceCoefficients() throws Exception {
        if (reference != null) {
            return reference;
        }
        Path tmp = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "e2e-reference-");
        try (RealRun run = create(tmp)) {
            Process trainer = run.trainerAlone();
            int code = run.awaitExit(trainer, PATIENCE);
            if (code != 0) {
                fail("the uninterrupted reference run ended with exit " + code + ":\n" + run.output(trainer));
            }
            assertTrue(
                    run.output(trainer).contains(FAST_STEP),
                    "the reference run trains the default model with the fastText step:\n" + run.output(trainer));
            reference = coefficients(run.out);
        } finally {
            deleteTree(tmp);
        }
        return reference;
    }

    /**
     * Starts {@code java -jar trainer.jar --config F} on its own, as a user would.
     *
     * @return the trainer process; its output goes to a file, see {@link #output}
     */
    Process trainerAlone() throws IOException {
        return start(List.of(java(), "-jar", jars().trainer().toString(), "--config", config.toString()), "trainer");
    }

    /**
     * Starts {@code java -jar watchdog.jar run --config F --no-audio --trainer-jar trainer.jar <extra>} in its own JVM.
     *
     * @param extra more options of {@code watchdog run}
     * @return the watchdog process
     */
    Process watchdogRun(String... extra) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                java(),
                "-jar",
                jars().watchdog().toString(),
                "run",
                "--config",
                config.toString(),
                "--no-audio",
                "--trainer-jar",
                jars().trainer().toString()));
        cmd.addAll(List.of(extra));
        return start(cmd, "watchdog");
    }

    private Process start(List<String> cmd, String name) throws IOException {
        Path output = dir.resolve(name + "-" + (outputs.size() + 1) + ".out");
        Process p = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        p.getOutputStream().close();
        processes.add(p);
        outputs.add(output);
        return p;
    }

    /** @return what a process started here printed so far */
    String output(Process p) {
        int i = processes.indexOf(p);
        try {
            return i < 0 ? "" : Files.readString(outputs.get(i), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read its output: " + e + ")";
        }
    }

    /**
     * Waits for a process to end; fails the test, with what the run wrote, if it does not.
     *
     * @return its exit status
     */
    int awaitExit(Process p, Duration limit) throws InterruptedException {
        if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            fail("process " + p.pid() + " did not end within " + limit + "; it printed:\n" + output(p)
                    + "\nwatchdog log:\n" + log());
        }
        return p.exitValue();
    }

    /**
     * Waits until a condition holds; fails the test with the watchdog log if it does not in time.
     *
     * @param what the condition in words, for the failure message
     */
    void await(BooleanSupplier condition, Duration limit, String what) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + limit + " waiting for " + what + "; watchdog log:\n" + log());
            }
            Thread.sleep(20);
        }
    }

    // ------------------------------------------------------------------ what the run wrote

    /** @return the watchdog's log so far, or a note that there is none */
    String log() {
        return read(out.resolve("logs/watchdog.log")).orElse("(no watchdog log)");
    }

    /** @return the trainers' console output collected by the watchdog so far */
    String trainerConsole() {
        return read(out.resolve("logs/trainer-console.log")).orElse("(no trainer console log)");
    }

    private static Optional<String> read(Path file) {
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** @return the session file, when it exists and reads */
    Optional<SessionState> session() {
        return new SessionStore(out).read().state();
    }

    /**
     * The live trainer of the run: the process named in {@code trainguard.lock} that is alive, and that the session
     * file names while live (RUNNING, or STARTING, CHECKPOINTING, EVALUATING around the steps). The lock file is read,
     * not probed: probing takes the lock for an instant, and a trainer the watchdog starts in that instant would find
     * the run locked and exit 5.
     *
     * @return its process id, empty while none is (or between two trainers)
     */
    OptionalLong runningTrainer() {
        OptionalLong holder = lockHolder();
        if (holder.isEmpty()
                || !ProcessHandle.of(holder.getAsLong())
                        .map(ProcessHandle::isAlive)
                        .orElse(false)) {
            return OptionalLong.empty();
        }
        boolean named = session()
                .map(s -> s.pid() == holder.getAsLong() && s.status().live())
                .orElse(false);
        return named ? holder : OptionalLong.empty();
    }

    /**
     * The furthest step of a trainer that the watchdog can know of: what its heartbeat or its session file says. The
     * watchdog judges progress by these (not by {@code metrics.jsonl}), and a failure without progress counts against
     * its crash-loop budget.
     *
     * @param pid a trainer's process id
     * @return the step, 0 when neither file names that trainer
     */
    long visibleStep(long pid) {
        long beat = Heartbeat.read(out)
                .filter(b -> b.pid() == pid)
                .map(Heartbeat::step)
                .orElse(0L);
        long recorded =
                session().filter(s -> s.pid() == pid).map(SessionState::step).orElse(0L);
        return Math.max(beat, recorded);
    }

    private OptionalLong lockHolder() {
        try {
            byte[] bytes = Files.readAllBytes(out.resolve(RunLock.FILE_NAME));
            if (bytes.length == 0) {
                return OptionalLong.empty();
            }
            return OptionalLong.of(
                    Json.mapper().readValue(bytes, RunLock.LockInfo.class).pid());
        } catch (IOException e) {
            return OptionalLong.empty(); // not there yet, or being rewritten
        }
    }

    /**
     * Where the next trainer's lines of {@code metrics.jsonl} will begin: just after the last complete line (a
     * trainer killed mid-line leaves half a line, which the next one cuts off before appending).
     *
     * @return a byte offset into the file, 0 when it does not exist yet
     */
    long metricsEnd() {
        byte[] bytes = metricsBytes();
        int i = bytes.length;
        while (i > 0 && bytes[i - 1] != '\n') {
            i--;
        }
        return i;
    }

    /**
     * @param from a byte offset from {@link #metricsEnd()}
     * @return the highest training step among the complete lines after that offset, 0 when there are none
     */
    long highestStepSince(long from) {
        byte[] bytes = metricsBytes();
        long highest = 0;
        int start = (int) Math.min(from, bytes.length);
        for (int i = start; i < bytes.length; i++) {
            if (bytes[i] != '\n') {
                continue;
            }
            String line = new String(bytes, start, i - start, StandardCharsets.UTF_8);
            start = i + 1;
            try {
                JsonNode node = Json.mapper().readTree(line);
                if (node != null && "train".equals(node.path("type").asText())) {
                    highest = Math.max(highest, node.path("step").asLong());
                }
            } catch (IOException e) {
                // a line cut by a killed trainer and not yet cut off by the next one
            }
        }
        return highest;
    }

    private byte[] metricsBytes() {
        try {
            return Files.readAllBytes(out.resolve("metrics.jsonl"));
        } catch (NoSuchFileException e) {
            return new byte[0];
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The final parameters of a run, bit for bit: DL4J stores them as the {@code coefficients.bin} entry of the
     * model zip, so equal bytes mean bitwise equal parameters (the watchdog module has no DL4J to load the model).
     *
     * @param outputDir a run's output folder
     * @return the entry's bytes
     */
    static byte[] coefficients(Path outputDir) throws IOException {
        Path model = outputDir.resolve("final/model.zip");
        try (ZipFile zip = new ZipFile(model.toFile())) {
            ZipEntry entry = zip.getEntry("coefficients.bin");
            if (entry == null) {
                throw new IOException(model + " has no coefficients.bin entry");
            }
            try (InputStream in = zip.getInputStream(entry)) {
                return in.readAllBytes();
            }
        }
    }

    /**
     * Sends a signal with the system's {@code kill}: Java can send only TERM and KILL.
     *
     * @param signal e.g. {@code STOP}
     * @param pid    the process
     */
    static void signal(String signal, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                .redirectErrorStream(true)
                .start();
        if (kill.waitFor() != 0) {
            fail("kill -" + signal + " " + pid + " failed: "
                    + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** Kills everything still running: the watchdogs and trainers started here and a trainer they started. */
    @Override
    public void close() {
        for (Process p : processes) {
            p.destroyForcibly();
        }
        // SIGKILL also ends a trainer frozen with SIGSTOP
        List<Long> named = new ArrayList<>();
        lockHolder().ifPresent(named::add);
        session().map(SessionState::pid).ifPresent(named::add);
        // the files may name a process long gone whose pid was reused: only a trainer is killed
        named.stream()
                .map(ProcessHandle::of)
                .flatMap(Optional::stream)
                .filter(h -> h.info().commandLine().orElse("").contains("trainer.jar"))
                .forEach(ProcessHandle::destroyForcibly);
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (var files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a leftover folder under target/ is harmless
        }
    }
}
