package org.trainguard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ServeBenchmarkTest {

    @Test
    void percentilesAreNearestRankOverAllClients() {
        long[] a = new long[50];
        long[] b = new long[50];
        for (int i = 0; i < 50; i++) {
            a[i] = (2L * i + 1) * 1_000_000L;
            b[i] = (2L * i + 2) * 1_000_000L;
        }
        ServeBenchmark.Row r = ServeBenchmark.summarize(2, List.of(a, b), 2_000_000_000L);
        assertEquals(100, r.requests());
        assertEquals(50.0, r.perSecond(), 1e-9);
        assertEquals(50.0, r.p50(), 1e-9);
        assertEquals(90.0, r.p90(), 1e-9);
        assertEquals(99.0, r.p99(), 1e-9);
        assertEquals(100.0, r.max(), 1e-9);
    }
}
