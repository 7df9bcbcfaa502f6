package org.trainguard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointBenchmarkTest {

    private static final CheckpointBenchmark.ModelSize TINY =
            new CheckpointBenchmark.ModelSize("tiny", 512, 8, 6, 10, 1);

    @BeforeAll
    static void quiet() {
        Logs.quiet(true);
    }

    @Test
    void measuresSavesOfBothSystemsAndThroughputOnATinyNetwork(@TempDir Path dir) {
        CheckpointBenchmark.Options o =
                new CheckpointBenchmark.Options(List.of(TINY), dir, 8, 2, 2, OptionalInt.empty(), OptionalInt.empty());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CheckpointBenchmark.Report r = CheckpointBenchmark.run(o, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String printed = bytes.toString(StandardCharsets.UTF_8);

        assertEquals(2, r.saves().size(), printed);
        CheckpointBenchmark.SaveResult tg = r.saves().get(0);
        CheckpointBenchmark.SaveResult dl4j = r.saves().get(1);
        assertEquals("trainguard", tg.system());
        assertEquals("DL4J CheckpointListener", dl4j.system());
        assertEquals(512 * 8 + 8 * 4 + 4, tg.parameters());
        assertEquals(2, tg.blockedMillis().length, printed);
        assertEquals(2, tg.reportedMillis().length, printed);
        assertTrue(tg.reportedMillis()[1] > 0, printed);
        assertTrue(dl4j.blockedMillis().length >= 1, printed);
        // a checkpoint is on disk only after it was written: the write time cannot be below zero
        for (double w : tg.writeMillis()) {
            assertTrue(w > 0, printed);
        }
        assertTrue(tg.bytesOnDisk() > 0 && dl4j.bytesOnDisk() > 0, printed);
        assertEquals(1, r.throughput().size());
        CheckpointBenchmark.ThroughputResult t = r.throughput().get(0);
        assertEquals(10, t.steps());
        assertTrue(t.plain()[0] > 0 && t.session()[0] > 0 && t.plainCpu()[0] > 0 && t.sessionCpu()[0] > 0, printed);
        assertTrue(
                t.plainStepMillis()[0] > 0 && t.sessionStepMillis()[0] > 0 && t.sessionAfterMicros()[0] > 0, printed);
        assertEquals(t.session()[0] / t.plain()[0], t.ratio(), 1e-12);
        assertTrue(printed.contains("target <= 1/50") && printed.contains("target < 1%"), printed);
        // the same saves with checkpoint.mirror to a folder
        assertEquals(1, r.mirrored().size(), printed);
        assertEquals("trainguard + mirror", r.mirrored().get(0).system());
        assertEquals(2, r.mirrored().get(0).blockedMillis().length, printed);
        assertTrue(printed.contains("The mirror's cost to training"), printed);
        // the checkpoints it wrote are gone again
        assertFalse(Files.exists(dir.resolve("checkpoint-bench/tiny")), printed);
    }

    @Test
    void sizesAreChosenByName() {
        assertEquals(List.of(CheckpointBenchmark.SIZES.get(1)), CheckpointBenchmark.sizes("16M"));
        BenchmarkException e = assertThrows(BenchmarkException.class, () -> CheckpointBenchmark.sizes("1M,64M"));
        assertTrue(e.getMessage().contains("64M") && e.getMessage().contains("1M, 16M"), e.getMessage());
    }

    @Test
    void theNamedSizesHaveAboutOneAndSixteenMillionParameters() {
        CheckpointBenchmark.ModelSize small = CheckpointBenchmark.SIZES.get(0);
        CheckpointBenchmark.ModelSize large = CheckpointBenchmark.SIZES.get(1);
        assertEquals(1 << 20, (long) small.buckets() * small.embeddingDim());
        assertEquals(1 << 24, (long) large.buckets() * large.embeddingDim());
    }

    @Test
    void savesMustComeAfterTheWarmUp(@TempDir Path dir) {
        BenchmarkException e = assertThrows(
                BenchmarkException.class,
                () -> new CheckpointBenchmark.Options(
                        List.of(TINY), dir, 8, 2, 6, OptionalInt.of(10), OptionalInt.empty()));
        assertTrue(e.getMessage().contains("saves every 6 steps"), e.getMessage());
    }
}
