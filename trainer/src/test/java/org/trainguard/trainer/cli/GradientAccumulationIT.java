package org.trainguard.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trainguard.testing.Waits.waitFor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.core.run.SessionState;
import org.trainguard.core.run.SessionStatus;
import org.trainguard.core.run.SessionStore;

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
        Process p = straight.start("straight");
        assertEquals(0, p.waitFor(), () -> straight.log("straight"));
        SessionState done = new SessionStore(straight.output).read().state().orElseThrow();
        assertEquals(SessionStatus.COMPLETED, done.status());
        assertEquals(114, done.step(), "optimizer steps");
        assertEquals(3 * 1200, done.samplesSeen());
        assertTrue(straight.log("straight").contains("2 batches per step"), () -> straight.log("straight"));
        float[] model = TrainerFixture.finalParams(straight.output);

        TrainerFixture killed = fixture(tmp.resolve("killed"));
        Process first = killed.start("first");
        waitFor(() -> killed.currentStep() >= 60 || !first.isAlive(), 300, "step 60");
        assertTrue(first.isAlive(), () -> "ended before step 60: " + killed.log("first"));
        first.destroyForcibly(); // SIGKILL
        assertEquals(137, first.waitFor());
        long killedAt = killed.currentStep();

        Process second = killed.start("second");
        assertEquals(0, second.waitFor(), () -> killed.log("second"));
        assertTrue(killed.log("second").contains("resuming from checkpoint-"), () -> killed.log("second"));
        assertEquals(
                114,
                new SessionStore(killed.output).read().state().orElseThrow().step());
        assertArrayEquals(model, TrainerFixture.finalParams(killed.output), "killed at step " + killedAt);
    }
}
