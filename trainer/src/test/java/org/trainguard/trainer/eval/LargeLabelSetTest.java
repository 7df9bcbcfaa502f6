package org.trainguard.trainer.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.trainer.report.ReportWriter;

/**
 * Thousands of labels are a valid configuration: the evaluation table, the metrics line and the report summarize
 * instead of printing, writing and drawing every cell of the confusion matrix (10,000 labels made a 690 MB table,
 * a 200 MB line and a heat map that ran out of memory, so such a run could never complete).
 */
class LargeLabelSetTest {

    private static final int LABELS = 2_000;

    @TempDir
    Path dir;

    private static EvalResult result() {
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < LABELS; i++) {
            labels.add("label_" + i);
        }
        EvalAccumulator acc = new EvalAccumulator(labels, 0, new int[] {1, 2});
        Random random = new Random(3);
        for (int i = 0; i < 40_000; i++) {
            int truth = random.nextInt(LABELS);
            acc.add(truth, random.nextInt(4) == 0 ? random.nextInt(LABELS) : truth);
        }
        acc.add(7, 9)
                .add(7, 9)
                .add(7, 9)
                .add(7, 9)
                .add(7, 9)
                .add(7, 9)
                .add(7, 9)
                .add(7, 9);
        return acc.addLoss(1234.5, 40_008).result(100);
    }

    @Test
    void theTableShowsTheWorstLabelsAndTheMostFrequentConfusions() {
        EvalResult r = result();
        String table = EvalTables.format(r);
        assertTrue(table.length() < 10_000, "a summary, not " + table.length() + " characters");
        assertTrue(table.contains("2000 labels: the 20 with the lowest F1"), table);
        assertTrue(
                table.contains("most frequent confusions (true -> predicted: examples)\n  label_7 -> label_9: 8"),
                table);
    }

    @Test
    void theMetricsLineHoldsTopConfusionsAndReadsBack() throws Exception {
        EvalResult r = result();
        String line = r.toJson();
        assertTrue(line.length() < 400_000, "line of " + line.length() + " characters");
        assertFalse(line.contains("\"confusion\""), "no full matrix");
        Map<String, Object> map = MetricsJson.readObject(line);
        EvalResult back = EvalResult.fromMap(map);
        assertEquals(r.f1Macro(), back.f1Macro());
        assertEquals(r.topConfusions(EvalResult.METRICS_CONFUSIONS), back.topConfusions(EvalResult.METRICS_CONFUSIONS));
    }

    @Test
    void theReportIsWrittenWithoutAHeatMap() throws Exception {
        EvalResult r = result();
        List<Path> written = new ReportWriter(dir).write(List.of(r.toMap()), Optional.of(r));
        assertFalse(Files.exists(dir.resolve(ReportWriter.CONFUSION_MATRIX_PNG)));
        assertTrue(
                Files.readString(dir.resolve("index.html")).contains("label_7 -&gt; label_9: 8"), written.toString());
    }
}
