package org.trainguard.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rotation, keep-best, verification and the best record of a checkpoint store, on real folders. */
class CheckpointStoreTest {

    private static CheckpointStore.Checkpoint write(CheckpointStore store, long step) throws Exception {
        Path tmp = store.begin(step);
        Files.writeString(tmp.resolve("model.zip"), "weights of step " + step);
        return store.commit(tmp, step, Map.of("session_id", "s1"));
    }

    private static List<Long> steps(CheckpointStore store) {
        return store.list().stream().map(CheckpointStore.Checkpoint::step).toList();
    }

    @Test
    void checkpointsAreListedInStepOrderWhateverTheirNames(@TempDir Path dir) throws Exception {
        CheckpointStore store = new CheckpointStore(dir);
        for (long step : new long[] {100, 9, 1000, 20}) {
            write(store, step);
        }
        assertEquals(List.of(9L, 20L, 100L, 1000L), steps(store));
        assertEquals("checkpoint-20", store.list().get(1).name());
    }

    @Test
    void rotationKeepsTheNewestAndDeletesTheRestOldestFirst(@TempDir Path dir) throws Exception {
        CheckpointStore store = new CheckpointStore(dir);
        for (long step = 10; step <= 50; step += 10) {
            write(store, step);
        }
        List<Path> deleted = store.prune(2, OptionalLong.empty());
        assertEquals(
                List.of(
                        store.dir().resolve("checkpoint-10"),
                        store.dir().resolve("checkpoint-20"),
                        store.dir().resolve("checkpoint-30")),
                deleted);
        assertEquals(List.of(40L, 50L), steps(store));
        assertFalse(Files.exists(store.dir().resolve("checkpoint-10")));
        try (Stream<Path> left = Files.list(store.dir())) {
            assertEquals(2, left.count(), "no half-deleted folder stays behind");
        }
        assertEquals(List.of(), store.prune(2, OptionalLong.empty()), "nothing more to rotate");
    }

    @Test
    void rotationKeepsTheBestHoweverOld(@TempDir Path dir) throws Exception {
        CheckpointStore store = new CheckpointStore(dir);
        for (long step = 10; step <= 50; step += 10) {
            write(store, step);
        }
        store.prune(1, OptionalLong.of(20));
        assertEquals(List.of(20L, 50L), steps(store));
        store.prune(1, Set.of(20L, 50L));
        assertEquals(List.of(20L, 50L), steps(store), "the newest is kept whether or not it is the best");
    }

    @Test
    void rotationNeedsToKeepAtLeastOne(@TempDir Path dir) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new CheckpointStore(dir).prune(0, Set.of()));
        assertEquals("keepLast must be >= 1, found 0", e.getMessage());
    }

    @Test
    void theBestRecordIsWrittenAndReadBackAndAnUnreadableOneIsIgnored(@TempDir Path dir) throws Exception {
        CheckpointStore store = new CheckpointStore(dir);
        assertEquals(Optional.empty(), store.readBest());
        BestCheckpoint best = new BestCheckpoint("f1_macro", 0.75, 30, "checkpoint-30", true);
        store.writeBest(best);
        assertEquals(Optional.of(best), store.readBest());
        Files.writeString(store.dir().resolve(BestCheckpoint.FILE_NAME), "{not json");
        assertEquals(Optional.empty(), store.readBest());
    }

    @Test
    void anAlteredCheckpointDoesNotVerifyAndTheNewestVerifiedOneIsUsed(@TempDir Path dir) throws Exception {
        CheckpointStore store = new CheckpointStore(dir);
        write(store, 10);
        CheckpointStore.Checkpoint newest = write(store, 20);
        assertTrue(store.verify(newest.dir()).ok());
        Files.writeString(newest.dir().resolve("model.zip"), "truncated");
        CheckpointStore.Verification v = store.verify(newest.dir());
        assertFalse(v.ok());
        assertFalse(v.problem().isEmpty());

        StringBuilder broken = new StringBuilder();
        Optional<CheckpointStore.Checkpoint> found = store.newestVerified((c, why) -> broken.append(c.name()));
        assertEquals(10, found.orElseThrow().step());
        assertEquals("checkpoint-20", broken.toString());
        assertEquals(List.of(10L), steps(store), "the broken one was moved aside, not deleted");
        assertTrue(Files.isDirectory(store.dir().resolve(CheckpointStore.BROKEN_DIR_NAME)));
    }

    @Test
    void anUnfinishedWriteIsRemovedAtTheNextStart(@TempDir Path dir) throws Exception {
        CheckpointStore store = new CheckpointStore(dir);
        write(store, 10);
        Path tmp = store.begin(20);
        Files.writeString(tmp.resolve("model.zip"), "half");
        assertEquals(1, store.removeUnfinished());
        assertFalse(Files.exists(tmp));
        assertEquals(List.of(10L), steps(store));
    }
}
