package org.trainguard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo benchmark reads the trainer's metrics, the JVM's GC log and {@code /usr/bin/time} right. */
class DemoJobBenchmarkTest {

    @Test
    void readsThroughputF1HeapAndRssFromTheRunsFiles(@TempDir Path tmp) throws Exception {
        Path metrics = tmp.resolve("metrics.jsonl");
        Files.writeString(metrics, """
                {"type":"train","time":"2026-12-05T13:37:58.852Z","step":100,"epoch":0,"loss":4.2,"learning_rate":0.0017,"samples_per_second":148.0}
                {"type":"train","time":"2026-12-05T13:38:58.852Z","step":200,"epoch":0,"loss":1.2,"learning_rate":0.0017,"samples_per_second":300.0}
                {"type":"eval","time":"2026-12-05T13:39:00.000Z","step":200,"loss":0.5,"accuracy":0.9,"f1_macro":0.91}
                {"type":"train","time":"2026-12-05T13:39:58.852Z","step":300,"epoch":0,"loss":0.2,"learning_rate":0.0017,"samples_per_second":250.0}
                {"type":"eval","time":"2026-12-05T13:40:00.000Z","step":300,"loss":0.4,"accuracy":0.94,"f1_macro":0.947}
                """);
        assertEquals(250.0, DemoJobBenchmark.samplesPerSecond(metrics), "the median");
        assertEquals(0.947, DemoJobBenchmark.macroF1(metrics), "the last evaluation");

        Path gc = tmp.resolve("gc.log");
        Files.writeString(gc, """
                [0.020s][info][gc] Using G1
                [0.946s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 27M->10M(388M) 18.022ms
                [9.100s][info][gc] GC(7) Pause Young (Concurrent Start) (G1 Humongous Allocation) 161M->40M(388M) 5.1ms
                [9.500s][info][gc] GC(8) Pause Remark 60M->60M(388M) 1.0ms
                """);
        assertEquals(161, DemoJobBenchmark.peakHeap(gc));
        assertEquals(593748, DemoJobBenchmark.lastNumber(List.of("Command exited with non-zero status 1", "593748")));
    }
}
