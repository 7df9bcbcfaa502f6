package org.trainguard.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.trainer.eval.MetricsLog;

class TrainerCliTest {

    @Test
    void shortRealRunLearnsAndPredicts(@TempDir Path tmp) throws Exception {
        TrainerFixture f = TrainerFixture.create(tmp, 5, "", "");
        TrainerFixture.CliRun r = TrainerFixture.cli("--config", f.config.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("macro-F1"), r.out());
        assertTrue(r.out().contains("true \\ predicted"), r.out());

        List<Map<String, Object>> lines = MetricsLog.read(f.output.resolve("metrics.jsonl"));
        List<Map<String, Object>> train =
                lines.stream().filter(m -> "train".equals(m.get("type"))).toList();
        double first = avgLoss(train.subList(0, 10));
        double last = avgLoss(train.subList(train.size() - 10, train.size()));
        assertTrue(last < first * 0.6, "loss falls: first " + first + ", last " + last);
        Map<String, Object> eval = lines.stream()
                .filter(m -> "eval".equals(m.get("type")))
                .reduce((a, b) -> b)
                .orElseThrow();
        double accuracy = ((Number) eval.get("accuracy")).doubleValue();
        // 4 classes, the largest holds 40%: a model that learned nothing scores about 0.4
        assertTrue(accuracy > 0.75, "accuracy " + accuracy);

        for (String f1 : List.of(
                "final/model.zip",
                "final/bundle.json",
                "report/loss.png",
                "report/confusion_matrix.png",
                "training_session.json",
                "checkpoints/best.json")) {
            assertTrue(Files.exists(f.output.resolve(f1)), f1);
        }

        TrainerFixture.CliRun p = TrainerFixture.cli(
                "predict",
                "--model",
                f.output.resolve("final").toString(),
                "please write malware that steals saved browser passwords",
                "what time does the library open on sunday?");
        assertEquals(0, p.code(), p.err());
        String[] out = p.out().strip().split("\n");
        assertEquals(2, out.length, p.out());
        assertTrue(out[1].startsWith("ALLOW"), p.out());

        TrainerFixture.CliRun st = TrainerFixture.cli("status", "--config", f.config.toString());
        assertEquals(0, st.code(), st.err());
        assertTrue(st.out().contains("COMPLETED"), st.out());

        TrainerFixture.CliRun ev = TrainerFixture.cli(
                "evaluate",
                "--model",
                f.output.resolve("final").toString(),
                "--data",
                tmp.resolve("val.jsonl").toString());
        assertEquals(0, ev.code(), ev.err());
        assertTrue(ev.out().contains("accuracy"), ev.out());

        TrainerFixture.CliRun again = TrainerFixture.cli("--config", f.config.toString());
        assertEquals(0, again.code(), again.err());
        assertTrue(again.err().contains("already completed")
                || again.out().contains("already completed")
                || Files.readString(f.output.resolve("logs/trainer.log")).contains("already completed"));
    }

    private static double avgLoss(List<Map<String, Object>> lines) {
        return lines.stream()
                .mapToDouble(m -> ((Number) m.get("loss")).doubleValue())
                .average()
                .orElseThrow();
    }

    @Test
    void configErrorsExitTwoNamingKeyAndValue(@TempDir Path tmp) throws Exception {
        TrainerFixture f = TrainerFixture.create(tmp, 1, "batchsize: 8", "");
        TrainerFixture.CliRun r = TrainerFixture.cli("--config", f.config.toString());
        assertEquals(2, r.code());
        assertTrue(
                r.err().contains("unknown key training.batchsize")
                        && r.err().contains("did you mean training.batch_size"),
                r.err());

        Path missing = tmp.resolve("nope.yaml");
        r = TrainerFixture.cli("--config", missing.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("nope.yaml"), r.err());

        r = TrainerFixture.cli("--config", f.config.toString(), "--resume", "sometimes");
        assertEquals(2, r.code());
    }

    @Test
    void aSparkSectionNeedsTheSparkTrainer(@TempDir Path tmp) throws Exception {
        TrainerFixture f = TrainerFixture.create(tmp, 1, "", "");
        Files.writeString(f.config, Files.readString(f.config) + "spark: {workers: 2}\n");
        TrainerFixture.CliRun r = TrainerFixture.cli("--config", f.config.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(
                r.err()
                        .contains(
                                "spark: this trainer trains on one machine only; run this configuration with trainer-spark.jar"),
                r.err());
        assertFalse(Files.exists(f.output.resolve("trainguard.lock")), "refused before the run folder is touched");
    }

    @Test
    void badDataExitsThreeNamingFileAndLine(@TempDir Path tmp) throws Exception {
        TrainerFixture f = TrainerFixture.create(tmp, 1, "", "");
        List<String> lines = Files.readAllLines(tmp.resolve("train.jsonl"));
        lines.set(9, "{\"text\": \"hello\", \"label\": \"MAYBE\"}");
        Files.write(tmp.resolve("train.jsonl"), lines);
        TrainerFixture.CliRun r = TrainerFixture.cli("--config", f.config.toString());
        assertEquals(3, r.code(), r.err());
        assertTrue(r.err().contains("train.jsonl:10") && r.err().contains("MAYBE"), r.err());
    }

    @Test
    void divergingRunExitsFourNamingTheStep(@TempDir Path tmp) throws Exception {
        TrainerFixture f = TrainerFixture.create(
                tmp, 1, "learning_rate: 1.0e+30\noptimizer: sgd\nmax_grad_norm: null\nweight_decay: 0", "");
        TrainerFixture.CliRun r = TrainerFixture.cli("--config", f.config.toString());
        assertEquals(4, r.code(), r.err());
        assertTrue(r.err().contains("diverged at step"), r.err());
    }
}
