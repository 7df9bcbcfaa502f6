package org.trainguard.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.core.run.SessionState;
import org.trainguard.core.run.SessionStatus;
import org.trainguard.core.run.SessionStore;

/**
 * Real trainer processes on Spark in {@code local[2]}: seeded runs are equal bit for bit, whether they run straight
 * through, lose their driver to SIGKILL and resume, stop on SIGTERM and resume, or have a task fail and retried.
 */
class SparkTrainingIT {

    private static final Path DATA = Path.of("..", "trainer", "src", "test", "resources", "four_class_small")
            .toAbsolutePath()
            .normalize();
    private static final int STEPS = 75; // 1,200 examples, 16 per step (2 workers x 8)

    @TempDir
    static Path shared;

    private static byte[] straight;

    @BeforeAll
    static void trainStraightThrough() throws Exception {
        Path dir = fixture(shared.resolve("straight"), "");
        Process p = start(dir, "run");
        assertEquals(0, p.waitFor(), () -> log(dir, "run"));
        assertTrue(log(dir, "run").contains("training on Spark"), () -> log(dir, "run"));
        SessionState done = new SessionStore(dir.resolve("run")).read().state().orElseThrow();
        assertEquals(SessionStatus.COMPLETED, done.status());
        assertEquals(STEPS, done.step());
        straight = finalParams(dir);
    }

    @Test
    void twoSeededRunsEndBitwiseEqual(@TempDir Path tmp) throws Exception {
        Path dir = fixture(tmp, "");
        Process p = start(dir, "run");
        assertEquals(0, p.waitFor(), () -> log(dir, "run"));
        assertArrayEquals(straight, finalParams(dir));
    }

    @Test
    void aDriverKilledWithSigkillResumesToTheSameModel(@TempDir Path tmp) throws Exception {
        Path dir = fixture(tmp, "");
        Process first = startAndPassCheckpoint25(dir);
        first.destroyForcibly(); // SIGKILL
        assertEquals(137, first.waitFor());

        Process second = start(dir, "second");
        assertEquals(0, second.waitFor(), () -> log(dir, "second"));
        assertTrue(log(dir, "second").contains("resuming from checkpoint-"), () -> log(dir, "second"));
        assertArrayEquals(straight, finalParams(dir));
    }

    @Test
    void sigtermWritesACheckpointAfterTheRoundInFlightAndTheRunResumesToTheSameModel(@TempDir Path tmp)
            throws Exception {
        Path dir = fixture(tmp, "");
        Process first = startAndPassCheckpoint25(dir);
        first.destroy(); // SIGTERM
        assertEquals(143, first.waitFor(), () -> log(dir, "first"));
        SessionState stopped =
                new SessionStore(dir.resolve("run")).read().state().orElseThrow();
        assertTrue(stopped.step() > 25 && stopped.step() < STEPS, "stopped at " + stopped.step());
        assertTrue(
                Files.isDirectory(dir.resolve("run/checkpoints/checkpoint-" + stopped.step())),
                () -> "no emergency checkpoint at step " + stopped.step() + ": " + log(dir, "first"));

        Process second = start(dir, "second");
        assertEquals(0, second.waitFor(), () -> log(dir, "second"));
        assertTrue(log(dir, "second").contains("resuming from checkpoint-" + stopped.step()), () -> log(dir, "second"));
        assertArrayEquals(straight, finalParams(dir));
    }

    @Test
    void aTaskThatFailsOnceIsRetriedBySparkAndTheModelIsTheSame(@TempDir Path tmp) throws Exception {
        Path dir = fixture(tmp, "  master: local[2,3]\n");
        Path marker = tmp.resolve("failed-once");
        Process p = start(dir, "run", "-D" + RoundSeeds.FAIL_TASK_ONCE + "=20:" + marker);
        assertEquals(0, p.waitFor(), () -> log(dir, "run"));
        assertTrue(Files.exists(marker), "the task failed");
        assertTrue(log(dir, "run").contains("task failed on purpose at step 20"), () -> log(dir, "run"));
        assertArrayEquals(straight, finalParams(dir));
    }

    @Test
    void aBadKeyInTheSparkSectionExitsWith2NamingIt(@TempDir Path tmp) throws Exception {
        Path dir = fixture(tmp, "  wokers: 2\n");
        Process p = start(dir, "run");
        assertEquals(2, p.waitFor(), () -> log(dir, "run"));
        assertTrue(
                log(dir, "run").contains("unknown key spark.wokers; did you mean spark.workers?"),
                () -> log(dir, "run"));
    }

    /** Starts a run (its log is first.log) and returns once it trains the rounds after checkpoint-25. */
    private static Process startAndPassCheckpoint25(Path dir) throws Exception {
        Process p = start(dir, "first");
        waitFor(
                () -> Files.isDirectory(dir.resolve("run/checkpoints/checkpoint-25")) || !p.isAlive(),
                300,
                "checkpoint-25");
        Thread.sleep(500);
        assertTrue(p.isAlive(), () -> "ended before it was stopped: " + log(dir, "first"));
        return p;
    }

    /** A small real job: the trainer tests' excerpt of the demo data, one epoch, a checkpoint every 25 steps. */
    private static Path fixture(Path dir, String extraSpark) throws IOException {
        Files.createDirectories(dir);
        Files.copy(DATA.resolve("train.jsonl"), dir.resolve("train.jsonl"));
        Files.copy(DATA.resolve("val.jsonl"), dir.resolve("val.jsonl"));
        Files.writeString(dir.resolve("train.yaml"), """
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
                  log_every_steps: 5
                checkpoint:
                  every_steps: 25
                eval:
                  every_steps: 75
                session:
                  heartbeat_interval: 200ms
                spark:
                  workers: 2
                  batch_per_worker: 8
                """ + extraSpark);
        return dir;
    }

    /** The trainer of trainer-spark.jar, started from this module's class path with Spark's JVM flags. */
    private static Process start(Path dir, String name, String... jvmArgs) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx1g");
        for (String module : System.getProperty("spark.add-opens").trim().split("\\s+")) {
            cmd.add("--add-opens=" + module + "=ALL-UNNAMED");
        }
        cmd.addAll(Arrays.asList(jvmArgs));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(SparkTrainer.class.getName());
        cmd.add("--config");
        cmd.add(dir.resolve("train.yaml").toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.redirectErrorStream(true);
        pb.redirectOutput(dir.resolve(name + ".log").toFile());
        return pb.start();
    }

    private static String log(Path dir, String name) {
        try {
            return Files.readString(dir.resolve(name + ".log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** The final model's parameters as stored: {@code coefficients.bin} of {@code final/model.zip}. */
    private static byte[] finalParams(Path dir) throws IOException {
        try (ZipFile zip = new ZipFile(dir.resolve("run/final/model.zip").toFile())) {
            ZipEntry e = zip.getEntry("coefficients.bin");
            try (InputStream in = zip.getInputStream(e)) {
                return in.readAllBytes();
            }
        }
    }

    private static void waitFor(BooleanSupplier condition, int seconds, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + seconds + " s waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
