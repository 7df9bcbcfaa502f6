package org.trainguard.trainer.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.config.ConfigLoader;
import org.trainguard.config.TrainguardConfig;
import org.trainguard.core.run.SessionState;
import org.trainguard.core.run.SessionStatus;
import org.trainguard.core.run.SessionStore;
import org.trainguard.trainer.eval.MetricsLog;

/**
 * The report page in a real headless browser (Debian's {@code chromium}; skipped where there is none): beside the
 * four plots it shows the run's status, best checkpoint, duration and configuration without the webhook's secret.
 */
class ReportPageBrowserIT {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-05-10T22:28:01Z"), ZoneOffset.UTC);
    private static final int WINDOW_WIDTH = 1600;
    private static final int WINDOW_HEIGHT = 1400;

    @TempDir
    Path dir;

    @Test
    void thePageShowsTheRunBesideItsFourPlots() throws Exception {
        Optional<Path> chromium = Stream.of("chromium", "chromium-browser")
                .flatMap(name -> Stream.of(System.getenv("PATH").split(File.pathSeparator))
                        .map(folder -> Path.of(folder, name)))
                .filter(Files::isExecutable)
                .findFirst();
        Path run = dir.resolve("run");
        Files.createDirectories(run);
        Path metrics = run.resolve("metrics.jsonl");
        try (MetricsLog log = new MetricsLog(metrics, CLOCK)) {
            for (int step = 10; step <= 600; step += 10) {
                double rate = 1e-4 * Math.min(1.0, step / 60.0) * 0.5 * (1 + Math.cos(Math.PI * step / 600.0));
                log.appendTrain(step, step / 300, 1.4 * Math.exp(-step / 200.0) + 0.15, rate, 800);
                if (step % 150 == 0) {
                    log.appendEval(ReportWriterTest.evaluation(step));
                }
            }
        }
        Instant start = Instant.now().minusSeconds(2 * 3600 + 5);
        SessionState s = SessionState.builder("s-1")
                .status(SessionStatus.COMPLETED)
                .startedAt(start)
                .step(600)
                .totalSteps(600)
                .epoch(1)
                .totalEpochs(2)
                .best(new SessionState.Best("f1_macro", 0.9321, 450))
                .exit(new SessionState.Exit(0, "completed 600 steps"))
                .build();
        new SessionStore(run).write(s);
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("data/train.jsonl"), "");
        TrainguardConfig config = ConfigLoader.parse("""
                data:
                  train: data/train.jsonl
                watchdog:
                  webhook: https://hooks.example.com/services/T000/B000/secret-token-123
                """, dir);

        new ReportWriter(run.resolve("report"), CLOCK)
                .withConfig(config.toYaml())
                .writeFrom(metrics);

        String html = Files.readString(run.resolve("report/index.html"));
        assertTrue(html.contains("<td>status</td><td>COMPLETED (exit 0: completed 600 steps)</td>"), html);
        assertTrue(
                html.contains("<td>best checkpoint</td><td>checkpoints/checkpoint-450 (f1_macro 0.9321)</td>"), html);
        assertTrue(html.contains("<td>duration</td><td>2h"), html);
        assertTrue(html.contains("<td>step</td><td>600 of 600, epoch 2 of 2</td>"), html);
        assertTrue(html.contains("<h2>Configuration</h2>"), html);
        assertTrue(html.contains("webhook: https://hooks.example.com/..."), html);
        assertFalse(html.contains("secret-token-123"), "the webhook's secret is not on the page");

        Assumptions.assumeTrue(chromium.isPresent(), "no chromium on the PATH (Debian: apt-get install chromium)");
        Path shot = dir.resolve("page.png");
        Process p = new ProcessBuilder(
                        chromium.get().toString(),
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--hide-scrollbars",
                        "--no-first-run",
                        "--user-data-dir=" + dir.resolve("profile"),
                        "--window-size=" + WINDOW_WIDTH + "," + WINDOW_HEIGHT,
                        "--screenshot=" + shot,
                        run.resolve("report/index.html").toUri().toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("chromium.log").toFile())
                .start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "chromium did not finish");
        assertEquals(0, p.exitValue(), () -> read(dir.resolve("chromium.log")));
        BufferedImage page = ImageIO.read(shot.toFile());
        assertNotNull(page, "the screenshot is a PNG");
        keepIfAsked(shot);

        // The plots fill the left 62% of the page in a 2 x 2 grid of 800 x 500 images scaled to half that width each.
        int left = 16;
        int cell = (int) ((WINDOW_WIDTH - 2 * left) * 0.62 / 2);
        int imageHeight = cell * 500 / 800;
        List<String> blank = new java.util.ArrayList<>();
        for (int row = 0; row < 2; row++) {
            for (int col = 0; col < 2; col++) {
                // the middle of the image below each caption (about 25 px)
                int x0 = left + col * cell + cell / 5;
                int y0 = left + row * (imageHeight + 35) + 35 + imageHeight / 5;
                double ink = ink(page, x0, y0, cell * 3 / 5, imageHeight * 3 / 5);
                int colours = colours(page, x0, y0, cell * 3 / 5, imageHeight * 3 / 5);
                if (ink < 0.004 || colours < 8) {
                    blank.add("plot " + (row * 2 + col + 1) + " at " + x0 + "," + y0 + ": ink " + ink + ", colours "
                            + colours);
                }
            }
        }
        assertTrue(blank.isEmpty(), "blank plot regions in the screenshot: " + blank);
        // and the right-hand side holds the run's text, not a fifth plot
        assertTrue(
                ink(page, (int) (WINDOW_WIDTH * 0.66), 20, (int) (WINDOW_WIDTH * 0.3), 300) > 0.005,
                "the run's summary is beside the plots");
    }

    /** The share of pixels that are not near-white. */
    private static double ink(BufferedImage image, int x0, int y0, int w, int h) {
        long dark = 0;
        long all = 0;
        for (int y = y0; y < Math.min(image.getHeight(), y0 + h); y += 2) {
            for (int x = x0; x < Math.min(image.getWidth(), x0 + w); x += 2) {
                int rgb = image.getRGB(x, y);
                int r = (rgb >> 16) & 0xff;
                int g = (rgb >> 8) & 0xff;
                int b = rgb & 0xff;
                all++;
                if (Math.min(r, Math.min(g, b)) < 230) {
                    dark++;
                }
            }
        }
        return all == 0 ? 0 : (double) dark / all;
    }

    private static int colours(BufferedImage image, int x0, int y0, int w, int h) {
        Set<Integer> seen = new HashSet<>();
        for (int y = y0; y < Math.min(image.getHeight(), y0 + h); y += 2) {
            for (int x = x0; x < Math.min(image.getWidth(), x0 + w); x += 2) {
                seen.add(image.getRGB(x, y));
            }
        }
        return seen.size();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** {@code -Dtrainguard.report.screenshot=FILE} keeps the screenshot for a look. */
    private static void keepIfAsked(Path shot) throws IOException {
        String target = System.getProperty("trainguard.report.screenshot");
        if (target != null && !target.isBlank()) {
            Files.copy(shot, Path.of(target), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
