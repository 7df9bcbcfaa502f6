package org.trainguard.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.core.io.Hashing;

/** A resume refused for a changed setting names the setting with its old and new value. */
class FingerprintsTest {

    private static SessionOptions.Builder options(Path dir, String batching) {
        return SessionOptions.builder(dir)
                .seed(7)
                .epochs(2)
                .checkpointEverySteps(5)
                .logEverySteps(1000)
                .handleSignals(false)
                .fingerprint("batching", batching)
                .fingerprint("data", Hashing.sha256("the data"));
    }

    private static void trainUntilStopped(Path dir, String batching) throws Exception {
        try (TrainingSessionManager s = TrainingSessionManager.open(
                TinyNetworks.mlp(1), options(dir, batching).logEverySteps(1).build())) {
            s.fit(TinyNetworks.data(64, 8, 3), new TrainingHooks() {
                @Override
                public void onProgress(Progress p) {
                    if (p.step() == 6) {
                        s.requestStop();
                    }
                }
            });
        }
    }

    @Test
    void aChangedReadableSettingIsRefusedWithItsOldAndNewValue(@TempDir Path tmp) throws Exception {
        trainUntilStopped(tmp, "batch_size=8|seed=7");
        ResumeRefusedException e = assertThrows(ResumeRefusedException.class, () -> TrainingSessionManager.open(
                        TinyNetworks.mlp(1),
                        options(tmp, "batch_size=16|seed=7").build())
                .close());
        assertTrue(
                e.getMessage()
                        .contains(
                                "batching changed from batch_size=8|seed=7 to batch_size=16|seed=7 since the checkpoint was written"),
                e.getMessage());
    }

    @Test
    void aCheckpointThatRecordedTheSettingAsAHashStillResumes(@TempDir Path tmp) throws Exception {
        // how earlier versions recorded it
        trainUntilStopped(tmp, Hashing.sha256("batch_size=8|seed=7"));
        try (TrainingSessionManager s = TrainingSessionManager.open(
                TinyNetworks.mlp(1), options(tmp, "batch_size=8|seed=7").build())) {
            assertEquals(6, s.step());
        }
        ResumeRefusedException e = assertThrows(ResumeRefusedException.class, () -> TrainingSessionManager.open(
                        TinyNetworks.mlp(1),
                        options(tmp, "batch_size=16|seed=7").build())
                .close());
        assertTrue(e.getMessage().contains(": batching changed"), e.getMessage());
    }
}
