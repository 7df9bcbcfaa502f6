package org.trainguard.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An application's own step trainer replaces {@code fit} for every step, and the run ends as with {@code fit}. */
class StepTrainerTest {

    @Test
    void theApplicationsStepTrainerTrainsEveryStep(@TempDir Path tmp) throws Exception {
        MultiLayerNetwork plain = TinyNetworks.mlp(5);
        try (TrainingSessionManager s = TrainingSessionManager.open(
                plain,
                SessionOptions.builder(tmp.resolve("plain"))
                        .epochs(2)
                        .checkpointEverySteps(7)
                        .build())) {
            assertTrue(s.fit(TinyNetworks.data(96, 16, 3)).completed());
        }
        MultiLayerNetwork own = TinyNetworks.mlp(5);
        AtomicInteger calls = new AtomicInteger();
        TrainingHooks hooks = new TrainingHooks() {
            @Override
            public Optional<StepTrainer> stepTrainer(Model model) {
                MultiLayerNetwork net = (MultiLayerNetwork) model;
                return Optional.of(batch -> {
                    calls.incrementAndGet();
                    net.fit(batch);
                });
            }
        };
        try (TrainingSessionManager s = TrainingSessionManager.open(
                own,
                SessionOptions.builder(tmp.resolve("own"))
                        .epochs(2)
                        .checkpointEverySteps(7)
                        .build())) {
            TrainingSessionManager.Outcome o = s.fit(TinyNetworks.data(96, 16, 3), hooks);
            assertTrue(o.completed());
            assertEquals(12, o.step());
        }
        assertEquals(12, calls.get(), "one call per step: 2 epochs of 6 batches");
        assertArrayEquals(plain.params().toFloatVector(), own.params().toFloatVector(), "the same steps as fit");
    }
}
