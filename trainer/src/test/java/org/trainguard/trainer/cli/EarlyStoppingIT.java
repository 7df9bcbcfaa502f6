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
 * {@code eval.early_stopping} with real trainer processes: the run ends as completed before its last step, and a run
 * killed with SIGKILL and started again stops at the same step with the same model.
 */
class EarlyStoppingIT {

    private static final int EPOCHS = 3; // 3 x 75 = 225 steps

    private static TrainerFixture fixture(Path dir) throws IOException {
        Files.createDirectories(dir);
        TrainerFixture f = TrainerFixture.create(dir, EPOCHS, "", "");
        String yaml = Files.readString(f.config);
        String eval = "eval:\n  every_steps: 75\n";
        assertTrue(yaml.contains(eval), yaml);
        Files.writeString(f.config, yaml.replace(eval, """
                eval:
                  every_steps: 20
                  early_stopping: {patience: 4, min_delta: 1.0}
                """));
        return f;
    }

    @Test
    void theRunStopsEarlyAtTheSameStepAfterSigkillAndResume(@TempDir Path tmp) throws Exception {
        TrainerFixture straight = fixture(tmp.resolve("straight"));
        Process p = straight.start("straight");
        assertEquals(0, p.waitFor(), () -> straight.log("straight"));
        SessionState done = new SessionStore(straight.output).read().state().orElseThrow();
        long stop = done.step();
        assertEquals(SessionStatus.COMPLETED, done.status());
        // macro-F1 cannot improve by more than 1.0: the evaluations after the first (20) count, 40 to 100
        assertEquals(100, stop, () -> straight.log("straight"));
        assertEquals(
                new SessionState.EarlyStopping(4, 1.0, 4, true),
                done.earlyStoppingState().orElseThrow());
        assertTrue(
                done.exitInfo()
                        .orElseThrow()
                        .reason()
                        .contains("stopped early at step 100 of 225: f1_macro has not improved"),
                done.exitInfo().toString());
        String out = straight.log("straight");
        assertTrue(out.contains("early stopping: stopped early at step " + stop), out);
        assertTrue(out.contains("training completed: " + stop + " steps"), out);
        float[] model = TrainerFixture.finalParams(straight.output);

        // killed after the checkpoint of step 75 (two evaluations without improvement) and the evaluation of step 80,
        // before the stop, then started again
        TrainerFixture killed = fixture(tmp.resolve("killed"));
        Process first = killed.start("first");
        long target = 82;
        waitFor(() -> killed.currentStep() >= target || !first.isAlive(), 300, "step " + target);
        assertTrue(first.isAlive(), () -> "ended before step " + target + ": " + killed.log("first"));
        first.destroyForcibly(); // SIGKILL
        assertEquals(137, first.waitFor());
        long killedAt = killed.currentStep();
        assertTrue(killedAt < stop, "killed at " + killedAt + ", after the stop at " + stop);

        Process second = killed.start("second");
        assertEquals(0, second.waitFor(), () -> killed.log("second"));
        SessionState resumed = new SessionStore(killed.output).read().state().orElseThrow();
        assertEquals(SessionStatus.COMPLETED, resumed.status());
        assertEquals(stop, resumed.step(), "killed at step " + killedAt);
        assertTrue(killed.log("second").contains("resuming from checkpoint-"), () -> killed.log("second"));
        assertArrayEquals(model, TrainerFixture.finalParams(killed.output), "killed at step " + killedAt);

        // started once more, the completed run trains no further
        Process third = killed.start("third");
        assertEquals(0, third.waitFor(), () -> killed.log("third"));
        assertTrue(
                killed.log("third")
                        .contains("already completed " + stop + " steps (the run stopped early at step " + stop),
                () -> killed.log("third"));
        assertEquals(
                stop,
                new SessionStore(killed.output).read().state().orElseThrow().step());
    }
}
