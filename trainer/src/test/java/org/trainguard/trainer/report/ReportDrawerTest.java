package org.trainguard.trainer.report;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.testing.Waits;
import org.trainguard.trainer.eval.MetricsLog;

class ReportDrawerTest {

    @TempDir
    Path dir;

    @Test
    void aRequestAfterTheIntervalIsDrawnInTheBackground() throws Exception {
        Path report = dir.resolve("report");
        try (MetricsLog log = new MetricsLog(dir.resolve("metrics.jsonl"));
                ReportDrawer drawer = new ReportDrawer(new ReportWriter(report), log, Duration.ZERO)) {
            log.appendTrain(10, 0, 1.2, 1e-3, 500);
            log.appendEval(ReportWriterTest.evaluation(10));
            drawer.request();
            Waits.waitFor(() -> Files.isRegularFile(report.resolve(ReportWriter.INDEX_HTML)), 60, "the report page");
            assertTrue(Files.isRegularFile(report.resolve(ReportWriter.CONFUSION_MATRIX_PNG)));
        }
    }

    @Test
    void aRequestWithinTheIntervalWaitsAndClosingDrawsIt() throws Exception {
        Path report = dir.resolve("report");
        try (MetricsLog log = new MetricsLog(dir.resolve("metrics.jsonl"))) {
            ReportDrawer drawer = new ReportDrawer(new ReportWriter(report), log, Duration.ofHours(1));
            log.appendTrain(10, 0, 1.2, 1e-3, 500);
            log.appendEval(ReportWriterTest.evaluation(10));
            drawer.request();
            Thread.sleep(500);
            assertFalse(Files.exists(report.resolve(ReportWriter.INDEX_HTML)), "nothing drawn within the interval");
            // a run stopped early still leaves the report of its last evaluation
            drawer.close();
        }
        assertTrue(Files.isRegularFile(report.resolve(ReportWriter.INDEX_HTML)));
    }

    @Test
    void drawNowShowsEveryLineAppendedWhileBackgroundDrawingsRan() throws Exception {
        Path report = dir.resolve("report");
        try (MetricsLog log = new MetricsLog(dir.resolve("metrics.jsonl"));
                ReportDrawer drawer = new ReportDrawer(new ReportWriter(report), log, Duration.ZERO)) {
            for (int step = 10; step <= 400; step += 10) {
                log.appendTrain(step, 0, 1.0 / step, 1e-3, 500);
                if (step % 50 == 0) {
                    log.appendEval(ReportWriterTest.evaluation(step));
                    drawer.request();
                }
            }
            drawer.drawNow();
        }
        String page = Files.readString(report.resolve(ReportWriter.INDEX_HTML));
        String evaluation = page.substring(page.indexOf("<h2>Latest evaluation</h2>"));
        assertTrue(evaluation.contains("step 400 "), "the page shows the last evaluation: " + evaluation);
        assertFalse(page.contains("No evaluation yet"));
    }
}
