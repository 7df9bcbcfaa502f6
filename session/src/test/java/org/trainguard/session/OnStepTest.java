package org.trainguard.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.core.ExitCode;
import org.trainguard.core.run.SessionStatus;

/** The onStep event: called after every step with its figures, and able to stop the run at a step. */
class OnStepTest {

    @Test
    void everyStepIsReportedAndAStopRequestedAtAStepEndsTheRunThereWithACheckpoint(@TempDir Path tmp) throws Exception {
        List<TrainingHooks.StepEvent> seen = new ArrayList<>();
        TrainingHooks stopAt5 = new TrainingHooks() {
            @Override
            public void onStep(StepEvent e) {
                seen.add(e);
                if (e.step() == 5) {
                    e.requestStop();
                }
            }
        };
        SessionOptions options = SessionOptions.builder(tmp)
                .epochs(2)
                .checkpointEverySteps(100)
                .handleSignals(false)
                .build();
        try (TrainingSessionManager s = TrainingSessionManager.open(TinyNetworks.mlp(3), options)) {
            TrainingSessionManager.Outcome o = s.fit(TinyNetworks.data(96, 16, 3), stopAt5);
            assertFalse(o.completed());
            assertEquals(5, o.step());
            assertEquals(ExitCode.TERMINATED.code(), o.exitCode());
            assertEquals(SessionStatus.INTERRUPTED, s.state().status());
        }
        assertEquals(
                List.of(1L, 2L, 3L, 4L, 5L),
                seen.stream().map(TrainingHooks.StepEvent::step).toList());
        for (TrainingHooks.StepEvent e : seen) {
            assertEquals(12, e.totalSteps());
            assertEquals(0, e.epoch());
            assertEquals(16 * e.step(), e.samplesSeen());
            assertTrue(Double.isFinite(e.loss()) && e.loss() > 0, "loss " + e.loss());
            assertTrue(e.learningRate() > 0, "learning rate " + e.learningRate());
        }
        assertTrue(
                Files.isDirectory(tmp.resolve("checkpoints").resolve("checkpoint-5")),
                "the emergency checkpoint of step 5");

        List<Long> resumed = new ArrayList<>();
        try (TrainingSessionManager s = TrainingSessionManager.open(TinyNetworks.mlp(3), options)) {
            TrainingSessionManager.Outcome o = s.fit(TinyNetworks.data(96, 16, 3), new TrainingHooks() {
                @Override
                public void onStep(StepEvent e) {
                    resumed.add(e.step());
                }
            });
            assertTrue(o.completed());
        }
        assertEquals(List.of(6L, 7L, 8L, 9L, 10L, 11L, 12L), resumed, "a resumed run reports the steps it trains");
    }
}
