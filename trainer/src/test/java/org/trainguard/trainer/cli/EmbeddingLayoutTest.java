package org.trainguard.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.config.EmbeddingLayout;
import org.trainguard.trainer.model.NetworkFactory;

/** The fastText table's layout: sparse by default on the CPU backend, dense kept for runs that have it. */
class EmbeddingLayoutTest {

    private static void setModelKey(TrainerFixture f, String line) throws Exception {
        String yaml = Files.readString(f.config);
        Files.writeString(f.config, yaml.replace("  embedding_dim: 32", line + "  embedding_dim: 32"));
    }

    @Test
    void sparseIsTheDefaultOnTheCpuBackend(@TempDir Path tmp) throws Exception {
        TrainerFixture f = TrainerFixture.create(tmp, 1, "", "");
        TrainerFixture.CliRun r = TrainerFixture.cli("--config", f.config.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(
                Optional.of(EmbeddingLayout.SPARSE),
                NetworkFactory.recordedLayout(f.output.resolve("final/model.zip")));
        String log = Files.readString(f.output.resolve("logs/trainer.log"));
        assertTrue(log.contains("(sparse embedding)"), log);
        // the default fasttext network gets the step of its own
        assertTrue(log.contains("training with the fastText step"), log);
    }

    @Test
    void aDenseRunResumedWithoutTheKeyKeepsDenseAndItsModelPredictsAndEvaluates(@TempDir Path tmp) throws Exception {
        // a run as earlier versions trained it: dense table, checkpoints and final/ of that layout
        TrainerFixture f = TrainerFixture.create(tmp, 1, "", "");
        setModelKey(f, "  embedding: dense\n");
        assertEquals(0, TrainerFixture.cli("--config", f.config.toString()).code());
        assertEquals(
                Optional.of(EmbeddingLayout.DENSE), NetworkFactory.recordedLayout(f.output.resolve("final/model.zip")));

        // the same run continued for a second epoch by a configuration that does not name the layout
        TrainerFixture g = TrainerFixture.create(tmp, 2, "", "");
        TrainerFixture.CliRun r = TrainerFixture.cli("--config", g.config.toString());
        assertEquals(0, r.code(), r.err());
        String log = Files.readString(g.output.resolve("logs/trainer.log"));
        assertTrue(log.contains("holds the dense embedding layout: resuming with it"), log);
        assertTrue(log.contains("starting at step 75"), log);
        assertEquals(
                Optional.of(EmbeddingLayout.DENSE), NetworkFactory.recordedLayout(g.output.resolve("final/model.zip")));

        TrainerFixture.CliRun p = TrainerFixture.cli(
                "predict",
                "--model",
                g.output.resolve("final").toString(),
                "what time does the library open on sunday?");
        assertEquals(0, p.code(), p.err());
        TrainerFixture.CliRun ev = TrainerFixture.cli(
                "evaluate",
                "--model",
                g.output.resolve("final").toString(),
                "--data",
                tmp.resolve("val.jsonl").toString());
        assertEquals(0, ev.code(), ev.err());
        assertTrue(ev.out().contains("accuracy"), ev.out());
    }
}
