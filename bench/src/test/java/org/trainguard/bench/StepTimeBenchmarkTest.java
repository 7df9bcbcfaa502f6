package org.trainguard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StepTimeBenchmarkTest {

    @BeforeAll
    static void quiet() {
        Logs.quiet(true);
    }

    @Test
    void everyModeTrainsAndIsTimedAgainstThePlainLoop(@TempDir Path dir) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<StepTimeBenchmark.Result> r =
                StepTimeBenchmark.run(1, 20, dir, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String printed = bytes.toString(StandardCharsets.UTF_8);

        assertEquals(
                List.of(
                        StepTimeBenchmark.Mode.PLAIN,
                        StepTimeBenchmark.Mode.SESSION,
                        StepTimeBenchmark.Mode.IDLE_THREAD),
                r.stream().map(StepTimeBenchmark.Result::mode).toList(),
                printed);
        for (StepTimeBenchmark.Result x : r) {
            assertEquals(1, x.medianStepMillis().length, printed);
            assertTrue(x.medianStepMillis()[0] > 0 && x.cpuMillisPerStep()[0] > 0, printed);
        }
        assertTrue(printed.contains("ratio to plain") && printed.contains("TrainingSessionManager.fit"), printed);
        // the session runs' folders are cleaned up
        assertTrue(Files.notExists(dir.resolve("step-time-bench")), printed);
    }

    @Test
    void ratiosAreAgainstThePlainLoopsMedian() {
        List<StepTimeBenchmark.Result> r = List.of(
                new StepTimeBenchmark.Result(
                        StepTimeBenchmark.Mode.PLAIN, new double[] {10, 20, 30}, new double[] {2, 2, 2}),
                new StepTimeBenchmark.Result(
                        StepTimeBenchmark.Mode.SESSION, new double[] {25, 25, 100}, new double[] {1, 1, 1}));
        String t = StepTimeBenchmark.table(r, 3, 50);
        assertTrue(t.contains("20.00 ms") && t.contains("1.000"), t);
        assertTrue(t.contains("25.00 ms") && t.contains("1.250") && t.contains("0.500"), t);
    }
}
