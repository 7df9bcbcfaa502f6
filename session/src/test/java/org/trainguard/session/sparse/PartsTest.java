package org.trainguard.session.sparse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;

class PartsTest {
    @Test
    void everyPartRunsOnceAndItsWritesAreSeenAfterwards() {
        for (int round = 0; round < 2_000; round++) {
            int[] plain = new int[Parts.COUNT]; // written without synchronization inside the parts
            AtomicIntegerArray runs = new AtomicIntegerArray(Parts.COUNT);
            int r = round;
            Parts.run(k -> {
                runs.incrementAndGet(k);
                plain[k] = r + k;
            });
            for (int k = 0; k < Parts.COUNT; k++) {
                assertEquals(1, runs.get(k), "part " + k + " of round " + round);
                assertEquals(round + k, plain[k], "part " + k + " of round " + round);
            }
        }
    }

    @Test
    void theCallerRunsEveryPartWhileTheHelperIsHeldUp() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch helperBusy = new CountDownLatch(1);
        Parts.HELPER.execute(() -> {
            helperBusy.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        helperBusy.await();
        try {
            AtomicReferenceArray<Thread> ranOn = new AtomicReferenceArray<>(Parts.COUNT);
            Parts.run(k -> ranOn.set(k, Thread.currentThread()));
            for (int k = 0; k < Parts.COUNT; k++) {
                assertSame(Thread.currentThread(), ranOn.get(k), "part " + k);
            }
        } finally {
            release.countDown();
        }
    }

    @Test
    void theLowestFailingPartIsReported() {
        for (int round = 0; round < 200; round++) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> Parts.run(k -> {
                        throw new IllegalArgumentException("part " + k);
                    }));
            assertEquals("part 0", e.getMessage());
        }
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> Parts.run(k -> {
                    if (k == Parts.COUNT - 1) {
                        throw new IllegalStateException("last part");
                    }
                }));
        assertEquals("last part", e.getMessage());
    }
}
