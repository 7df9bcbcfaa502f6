package org.trainguard.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trainguard.testing.Waits.waitFor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.core.checkpoint.CheckpointStore;
import org.trainguard.core.run.SessionState;
import org.trainguard.core.run.SessionStatus;
import org.trainguard.core.run.SessionStore;
import org.trainguard.trainer.eval.MetricsLog;

/**
 * {@code training.on_divergence: rollback} with real trainer processes whose DL4J training really diverges: Adam
 * at a learning rate of 10,000 without gradient clipping gives a NaN loss at step 9.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class DivergenceRollbackIT {

    private static Path config(Path dir, String training) throws IOException {
        Files.createDirectories(dir);
        TrainerFixture.copy("four_class_small/train.jsonl", dir.resolve("train.jsonl"));
        TrainerFixture.copy("four_class_small/val.jsonl", dir.resolve("val.jsonl"));
        Path config = dir.resolve("train.yaml");
        Files.writeString(config, """
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
                  log_every_steps: 1
                  learning_rate: 1.0e4
                  max_grad_norm: null
                  lr_schedule: constant
                  warmup_ratio: 0.0
                  on_divergence: rollback
                %s
                checkpoint:
                  every_steps: 5
                  keep_last: 3
                eval:
                  every_steps: 25
                session:
                  heartbeat_interval: 200ms
                """.formatted("  " + training.strip().replace("\n", "\n  ")));
        return config;
    }

    private static Process start(Path dir, Path config, String log) throws IOException {
        ProcessBuilder pb = TrainerFixture.process(dir, "--config", config.toString());
        pb.redirectErrorStream(true);
        pb.redirectOutput(dir.resolve(log).toFile());
        return pb.start();
    }

    @Test
    void aDivergedRunRollsBackWithALowerLearningRateAndAKilledRolledBackRunResumesExactly(@TempDir Path tmp)
            throws Exception {
        Path a = tmp.resolve("a");
        Path configA = config(a, "rollback_lr_factor: 1.0e-5");
        Process pa = start(a, configA, "trainer.log");
        assertTrue(pa.waitFor(10, TimeUnit.MINUTES));
        assertEquals(0, pa.exitValue(), () -> read(a.resolve("trainer.log")));
        Path outA = a.resolve("run");
        SessionState sa = new SessionStore(outA).read().state().orElseThrow();
        assertEquals(SessionStatus.COMPLETED, sa.status());
        assertEquals(1, sa.rollbacks().size(), sa.rollbacks().toString());
        SessionState.Rollback r = sa.rollbacks().get(0);
        assertEquals(9, r.atStep());
        assertEquals(5, r.toStep());
        assertEquals(1.0e-5, r.lrFactor());
        assertEquals("NaN", r.loss());
        List<Map<String, Object>> lines = MetricsLog.read(outA.resolve("metrics.jsonl"));
        Map<String, Object> logged = lines.stream()
                .filter(l -> "rollback".equals(l.get("type")))
                .findFirst()
                .orElseThrow();
        assertEquals(9, ((Number) logged.get("step")).intValue());
        assertEquals(5, ((Number) logged.get("to_step")).intValue());
        double lrAfter = lines.stream()
                .filter(l -> "train".equals(l.get("type")) && ((Number) l.get("step")).intValue() == 20)
                .mapToDouble(l -> ((Number) l.get("learning_rate")).doubleValue())
                .findFirst()
                .orElseThrow();
        assertEquals(0.1, lrAfter, 1e-9, "the learning rate is lowered for the rest of the run");
        assertTrue(
                read(a.resolve("trainer.log")).contains("rollback 1 of 3, back to checkpoint-5"),
                read(a.resolve("trainer.log")));
        TrainerFixture.CliRun status = TrainerFixture.cli("status", "--config", configA.toString());
        assertTrue(status.out().contains("1, the last at step 9 (loss NaN) back to step 5"), status.out());

        // the same run killed right after its rollback, then resumed: it goes on with the rollback's learning rate
        Path b = tmp.resolve("b");
        Path configB = config(b, "rollback_lr_factor: 1.0e-5");
        Process pb = start(b, configB, "trainer.log");
        SessionStore storeB = new SessionStore(b.resolve("run"));
        waitFor(
                () -> storeB.read().state().map(s -> !s.rollbacks().isEmpty()).orElse(false) || !pb.isAlive(),
                "the rollback");
        pb.destroyForcibly();
        assertTrue(pb.waitFor(1, TimeUnit.MINUTES));
        assertEquals(137, pb.exitValue(), () -> read(b.resolve("trainer.log")));
        // as if killed before the first checkpoint after the rollback: only the session file records the rollback
        CheckpointStore storeCps = new CheckpointStore(b.resolve("run"));
        for (CheckpointStore.Checkpoint c : storeCps.list()) {
            if (c.step() > 5) {
                CheckpointStore.deleteRecursively(c.dir());
            }
        }
        Process resumed = start(b, configB, "trainer2.log");
        assertTrue(resumed.waitFor(10, TimeUnit.MINUTES));
        assertEquals(0, resumed.exitValue(), () -> read(b.resolve("trainer2.log")));
        SessionState sb = storeB.read().state().orElseThrow();
        assertEquals(1, sb.rollbacks().size(), "no second divergence: " + sb.rollbacks());
        assertTrue(
                read(b.resolve("trainer2.log")).contains("continuing the rollback from step 9 to step 5"),
                read(b.resolve("trainer2.log")));
        assertEquals(1, sb.resumes().size());
        assertArrayEquals(
                TrainerFixture.finalParams(outA),
                TrainerFixture.finalParams(b.resolve("run")),
                "a resumed rolled-back run ends with the same model as the rolled-back run that was not killed");
    }

    @Test
    void aRunThatKeepsDivergingGivesUpWithExit4AfterMaxRollbacks(@TempDir Path tmp) throws Exception {
        Path config = config(tmp, "rollback_lr_factor: 0.9\nmax_rollbacks: 2");
        Process p = start(tmp, config, "trainer.log");
        assertTrue(p.waitFor(10, TimeUnit.MINUTES));
        String log = read(tmp.resolve("trainer.log"));
        assertEquals(4, p.exitValue(), log);
        assertTrue(log.contains("gave up after 2 rollbacks (training.max_rollbacks: 2)"), log);
        SessionState s = new SessionStore(tmp.resolve("run")).read().state().orElseThrow();
        assertEquals(4, s.exitInfo().orElseThrow().code());
        assertEquals(2, s.rollbacks().size());
        assertEquals(0.81, s.rollbacks().get(1).lrFactor(), 1e-12, "each rollback lowers it again");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
