package org.trainguard.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.core.io.Json;

/** The disk guard's estimate and its choice of what to delete early, on real checkpoint folders. */
class DiskGuardTest {

    private static CheckpointStore.Checkpoint write(CheckpointStore store, long step, int bytes) throws Exception {
        Path tmp = store.begin(step);
        Files.write(tmp.resolve("model.zip"), new byte[bytes]);
        Files.writeString(tmp.resolve("training_state.json"), "{}");
        return store.commit(tmp, step, Map.of());
    }

    private static List<Long> steps(List<CheckpointStore.Checkpoint> cs) {
        return cs.stream().map(CheckpointStore.Checkpoint::step).toList();
    }

    @Test
    void theEstimateIsTheNewestCheckpointOnDiskPlusTheMarginOrTheFirstEstimateBeforeAny(@TempDir Path dir)
            throws Exception {
        CheckpointStore store = new CheckpointStore(dir);
        DiskGuard guard = new DiskGuard(store, dir, 1000);
        DiskGuard.Check before = guard.check(10_000);
        assertEquals(12_288 + 1000, before.neededBytes(), "10,000 bytes take 3 blocks of 4 KiB");
        assertEquals(dir, before.folder());
        assertEquals(Files.getFileStore(dir).getUsableSpace(), before.freeBytes(), 64L << 20);

        write(store, 10, 5000);
        write(store, 20, 100_000);
        long newest = DiskGuard.sizeOnDisk(store.dir().resolve("checkpoint-20"));
        // model.zip (25 blocks) + training_state.json + MANIFEST.json (a block each)
        assertEquals(100_000 / 4096 * 4096 + 4096 + 2 * 4096, newest);
        DiskGuard.Check after = guard.check(10_000);
        assertEquals(newest + 1000, after.neededBytes());
        assertEquals(store.dir(), after.folder());
        assertTrue(after.fits());
        assertEquals(0, after.missingBytes());
        DiskGuard.Check tooMuch = new DiskGuard.Check(dir, 5000, 1000);
        assertFalse(tooMuch.fits());
        assertEquals(4000, tooMuch.missingBytes());
        assertTrue(tooMuch.describe().contains("4000 bytes) missing"), tooMuch.describe());
    }

    @Test
    void onlyWhatRotationWouldDeleteAfterTheNextSaveMayGoEarlyNeverTheBestNorTheNewestThatVerifies(@TempDir Path dir)
            throws Exception {
        CheckpointStore store = new CheckpointStore(dir);
        for (long s : new long[] {10, 20, 30, 40}) {
            write(store, s, 8192);
        }
        DiskGuard guard = new DiskGuard(store, dir, 0);
        // keep_last 3: after the next save rotation keeps it, 40 and 30; 10 and 20 would go
        assertEquals(List.of(10L, 20L), steps(guard.deletableEarly(3, Set.of())));
        assertEquals(List.of(20L), steps(guard.deletableEarly(3, Set.of(10L))), "the best is never deleted early");
        assertEquals(List.of(), steps(guard.deletableEarly(5, Set.of())), "nothing is rotated out yet");
        // keep_last 1: everything older would go, but the newest that verifies stays
        assertEquals(List.of(10L, 20L, 30L), steps(guard.deletableEarly(1, Set.of())));
        Files.write(store.dir().resolve("checkpoint-40/model.zip"), new byte[] {1, 2, 3});
        assertEquals(
                List.of(10L, 20L, 40L),
                steps(guard.deletableEarly(1, Set.of())),
                "checkpoint-40 does not verify, so checkpoint-30 is what a resume needs");
    }

    @Test
    void freeingEarlyDeletesOldestFirstAndOnlyWhileTheNextCheckpointDoesNotFit(@TempDir Path dir) throws Exception {
        CheckpointStore store = new CheckpointStore(dir);
        for (long s : new long[] {10, 20, 30}) {
            write(store, s, 8192);
        }
        DiskGuard.Check fits = new DiskGuard(store, dir, 0).freeEarly(1, Set.of(), 0);
        assertTrue(fits.fits());
        assertEquals(List.of(10L, 20L, 30L), steps(store.list()), "nothing deleted while it fits");

        DiskGuard.Check never = new DiskGuard(store, dir, Long.MAX_VALUE / 4).freeEarly(2, Set.of(10L), 0);
        assertFalse(never.fits());
        assertEquals(List.of(10L, 30L), steps(store.list()), "20 was rotated out; 10 is the best, 30 the newest");
        assertTrue(store.verify(store.dir().resolve("checkpoint-30")).ok());
        try (var left = Files.list(store.dir())) {
            assertTrue(
                    left.noneMatch(p -> p.getFileName().toString().startsWith(".tmp-")),
                    "no half-deleted folder is left");
        }
    }

    @Test
    void aTrainingStateWrittenBeforeRollbacksReadsAsNoRollback(@TempDir Path dir) throws Exception {
        TrainingState with = new TrainingState(
                1, 5, 0, 5, 80, 42, 0.1, 100, 1.0, "loss", Double.NaN, -1, Map.of(), Map.of(), 0.25, 2);
        Path f = dir.resolve("state.json");
        Json.mapper().writeValue(f.toFile(), with);
        TrainingState back = Json.mapper().readValue(f.toFile(), TrainingState.class);
        assertEquals(0.25, back.lrFactor());
        assertEquals(2, back.rollbacks());
        String old = Files.readString(f)
                .replaceAll(",\\s*\"lr_factor\"\\s*:\\s*[^,}]+", "")
                .replaceAll(",\\s*\"rollbacks\"\\s*:\\s*\\d+", "");
        assertFalse(old.contains("lr_factor"), old);
        Files.writeString(f, old);
        TrainingState legacy = Json.mapper().readValue(f.toFile(), TrainingState.class);
        assertEquals(1.0, legacy.lrFactor());
        assertEquals(0, legacy.rollbacks());
    }
}
