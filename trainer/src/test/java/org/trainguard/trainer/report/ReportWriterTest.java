package org.trainguard.trainer.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.trainer.eval.EvalAccumulator;
import org.trainguard.trainer.eval.EvalResult;
import org.trainguard.trainer.eval.Evaluator;
import org.trainguard.trainer.eval.MetricsLog;

class ReportWriterTest {

    /** Set (e.g. {@code -Dtrainguard.report.sample=/tmp/report-sample}) to keep a copy for viewing. */
    private static final String SAMPLE_PROPERTY = "trainguard.report.sample";

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-05-10T22:28:01Z"), ZoneOffset.UTC);
    private static final List<String> LABELS = List.of("ALLOW", "ESCALATION", "DENY", "REFUSE");
    private static final Evaluator EVALUATOR = new Evaluator(LABELS, 0, new int[] {2, 3});

    @TempDir
    Path dir;

    /**
     * Writes a small run to metrics.jsonl: train lines every 10 steps to step 600 and an evaluation
     * every 150 steps, with a crash after step 480 and a resume from step 450.
     */
    private Path syntheticRun() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        try (MetricsLog log = new MetricsLog(file, CLOCK)) {
            for (int step = 10; step <= 480; step += 10) {
                logStep(log, step);
            }
            // resumed from the checkpoint at step 450: steps 460..480 are logged again
            for (int step = 460; step <= 600; step += 10) {
                logStep(log, step);
            }
        }
        return file;
    }

    private static void logStep(MetricsLog log, int step) throws IOException {
        double warmup = Math.min(1.0, step / 60.0);
        double rate = 1e-4 * warmup * 0.5 * (1 + Math.cos(Math.PI * step / 600.0));
        double loss = 1.4 * Math.exp(-step / 200.0) + 0.15 + 0.05 * Math.sin(step);
        log.appendTrain(step, step / 200, loss, rate, 800 + 20 * Math.sin(step / 50.0));
        if (step % 150 == 0) {
            log.appendEval(evaluation(step));
        }
    }

    /** An evaluation whose quality grows with the step. */
    static EvalResult evaluation(int step) {
        EvalAccumulator acc = EVALUATOR.accumulator();
        int wrongPerHundred = Math.max(3, 40 - step / 20);
        for (int i = 0; i < 400; i++) {
            int truth = i % 7 < 4 ? 0 : i % 7 < 5 ? 1 : i % 7 < 6 ? 2 : 3;
            int predicted = (i * 37) % 100 < wrongPerHundred ? (truth + 1 + i % 3) % 4 : truth;
            acc.add(truth, predicted);
        }
        return acc.addLoss(400 * (0.3 + 1.0 / (1 + step / 100.0)), 400).result(step);
    }

    @Test
    void writesEveryPlotAsAValidPngAndAPageThatShowsThem() throws IOException {
        Path file = syntheticRun();
        Path reportDir = dir.resolve("report");

        List<Path> written = new ReportWriter(reportDir, CLOCK).writeFrom(file);

        assertEquals(
                List.of("loss.png", "learning_rate.png", "eval_metrics.png", "confusion_matrix.png", "index.html"),
                names(written));
        for (Path png : written.subList(0, 4)) {
            BufferedImage image = ImageIO.read(png.toFile());
            assertNotNull(image, png + " must be a readable image");
            assertEquals(ReportWriter.WIDTH, image.getWidth());
            assertEquals(ReportWriter.HEIGHT, image.getHeight());
            assertTrue(distinctColours(image) > 20, png + " looks blank");
        }
        String html = Files.readString(reportDir.resolve("index.html"));
        assertTrue(html.contains("<img src=\"loss.png?v="), html);
        assertTrue(html.contains("<img src=\"confusion_matrix.png?v="), html);
        assertTrue(html.contains("Updated 2024-05-10T22:28:01Z"), html);
        // epoch 3 in metrics.jsonl (from 0) is the fourth epoch
        assertTrue(html.contains("step 600  epoch 4"), html);
        assertTrue(html.contains("true \\ predicted  ALLOW  ESCALATION  DENY  REFUSE"), html);
        assertTrue(html.contains("step 600  loss "), html);
        assertEquals(
                names(written).stream().sorted().toList(),
                onlyFilesIn(reportDir),
                "no temporary files are left behind");
        keepSampleIfAsked(reportDir);
    }

    @Test
    void beforeTheFirstEvaluationOnlyTrainingPlotsAreDrawn() throws IOException {
        List<Map<String, Object>> lines = new ArrayList<>();
        lines.add(Map.of("type", "train", "step", 10, "loss", 1.3, "learning_rate", 1e-5));
        lines.add(Map.of("type", "train", "step", 20, "loss", Double.NaN, "learning_rate", 2e-5));

        List<Path> written = new ReportWriter(dir, CLOCK).write(lines, Optional.empty());

        assertEquals(List.of("loss.png", "learning_rate.png", "index.html"), names(written));
        assertNotNull(ImageIO.read(dir.resolve("loss.png").toFile()), "a single drawable point still plots");
        assertTrue(Files.readString(dir.resolve("index.html")).contains("No evaluation yet."));
    }

    @Test
    void noMetricsAtAllGivesJustThePage() throws IOException {
        List<Path> written = new ReportWriter(dir, CLOCK).write(List.of(), Optional.empty());

        assertEquals(List.of("index.html"), names(written));
        assertTrue(Files.readString(dir.resolve("index.html")).contains("No metrics to plot yet."));
    }

    @Test
    void redrawingReplacesTheFiles() throws IOException {
        ReportWriter writer = new ReportWriter(dir, CLOCK);
        List<Map<String, Object>> lines = List.of(evaluation(150).toMap());
        writer.write(lines, Optional.of(evaluation(150)));
        byte[] before = Files.readAllBytes(dir.resolve("confusion_matrix.png"));

        writer.write(List.of(evaluation(150).toMap(), evaluation(600).toMap()), Optional.of(evaluation(600)));

        byte[] after = Files.readAllBytes(dir.resolve("confusion_matrix.png"));
        assertFalse(java.util.Arrays.equals(before, after), "the heat map shows the newest evaluation");
        assertEquals(List.of("confusion_matrix.png", "eval_metrics.png", "index.html", "loss.png"), onlyFilesIn(dir));
    }

    private static List<String> names(List<Path> paths) {
        return paths.stream().map(p -> p.getFileName().toString()).toList();
    }

    /** File names in the folder, sorted by name. */
    private static List<String> onlyFilesIn(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static int distinctColours(BufferedImage image) {
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 3) {
            for (int x = 0; x < image.getWidth(); x += 3) {
                colours.add(image.getRGB(x, y));
            }
        }
        return colours.size();
    }

    private static void keepSampleIfAsked(Path reportDir) throws IOException {
        String target = System.getProperty(SAMPLE_PROPERTY);
        if (target == null || target.isBlank()) {
            return;
        }
        Path sample = Path.of(target);
        Files.createDirectories(sample);
        try (Stream<Path> files = Files.list(reportDir)) {
            for (Path file : files.toList()) {
                Files.copy(file, sample.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
