package org.trainguard.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.core.run.SessionState;
import org.trainguard.core.run.SessionStatus;
import org.trainguard.core.run.SessionStore;
import org.trainguard.trainer.eval.MetricsLog;

/**
 * {@code training.gradient_accumulation_steps} with real trainer processes: a run killed with SIGKILL and started
 * again ends bit for bit like an uninterrupted one.
 */
class GradientAccumulationIT {

    private static final int EPOCHS = 3; // 3 x 75 batches, 38 steps of 2 batches per epoch

    private static TrainerFixture fixture(Path dir) throws IOException {
        Files.createDirectories(dir);
        return TrainerFixture.create(dir, EPOCHS, "gradient_accumulation_steps: 2", "");
    }

    @Test
    void anAccumulatingRunKilledAndResumedEndsBitwiseEqual(@TempDir Path tmp) throws Exception {
        TrainerFixture straight = fixture(tmp.resolve("straight"));
        Process p = start(straight, "straight");
        assertEquals(0, p.waitFor(), () -> log(straight, "straight"));
        SessionState done = new SessionStore(straight.output).read().state().orElseThrow();
        assertEquals(SessionStatus.COMPLETED, done.status());
        assertEquals(114, done.step(), "optimizer steps");
        assertEquals(3 * 1200, done.samplesSeen());
        assertTrue(log(straight, "straight").contains("2 batches per step"), () -> log(straight, "straight"));
        float[] model = TrainerFixture.finalParams(straight.output);

        TrainerFixture killed = fixture(tmp.resolve("killed"));
        Process first = start(killed, "first");
        waitFor(() -> currentStep(killed) >= 60 || !first.isAlive(), 300, "step 60");
        assertTrue(first.isAlive(), () -> "ended before step 60: " + log(killed, "first"));
        first.destroyForcibly(); // SIGKILL
        assertEquals(137, first.waitFor());
        long killedAt = currentStep(killed);

        Process second = start(killed, "second");
        assertEquals(0, second.waitFor(), () -> log(killed, "second"));
        assertTrue(log(killed, "second").contains("resuming from checkpoint-"), () -> log(killed, "second"));
        assertEquals(114, new SessionStore(killed.output).read().state().orElseThrow().step());
        assertArrayEquals(model, TrainerFixture.finalParams(killed.output), "killed at step " + killedAt);
    }

    private static Process start(TrainerFixture f, String name) throws IOException {
        ProcessBuilder pb = TrainerFixture.process(f.dir, "--config", f.config.toString());
        pb.redirectErrorStream(true);
        pb.redirectOutput(f.dir.resolve(name + ".log").toFile());
        return pb.start();
    }

    private static String log(TrainerFixture f, String name) {
        try {
            return Files.readString(f.dir.resolve(name + ".log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static long currentStep(TrainerFixture f) {
        try {
            List<Map<String, Object>> lines = MetricsLog.read(f.output.resolve("metrics.jsonl"));
            for (int i = lines.size() - 1; i >= 0; i--) {
                if ("train".equals(lines.get(i).get("type"))) {
                    return ((Number) lines.get(i).get("step")).longValue();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not there yet, or being appended
        }
        return 0;
    }

    private static void waitFor(BooleanSupplier condition, int seconds, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + seconds + " s waiting for " + what);
            }
            Thread.sleep(10);
        }
    }
}
