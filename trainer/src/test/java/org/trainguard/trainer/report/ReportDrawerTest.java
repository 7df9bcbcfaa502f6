package org.trainguard.trainer.report;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.trainer.eval.MetricsLog;

class ReportDrawerTest {

    @TempDir
    Path dir;

    @Test
    void aRequestIsDrawnInTheBackgroundAndClosingWaitsForIt() throws Exception {
        Path report = dir.resolve("report");
        try (MetricsLog log = new MetricsLog(dir.resolve("metrics.jsonl"))) {
            log.appendTrain(10, 0, 1.2, 1e-3, 500);
            log.appendEval(ReportWriterTest.evaluation(10));
            ReportDrawer drawer = new ReportDrawer(new ReportWriter(report), log);
            drawer.request();
            drawer.close();
        }
        assertTrue(Files.isRegularFile(report.resolve(ReportWriter.INDEX_HTML)));
        assertTrue(Files.isRegularFile(report.resolve(ReportWriter.CONFUSION_MATRIX_PNG)));
    }

    @Test
    void drawNowShowsEveryLineAppendedWhileBackgroundDrawingsRan() throws Exception {
        Path report = dir.resolve("report");
        try (MetricsLog log = new MetricsLog(dir.resolve("metrics.jsonl"));
                ReportDrawer drawer = new ReportDrawer(new ReportWriter(report), log)) {
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
