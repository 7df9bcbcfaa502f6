package org.trainguard.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.core.checkpoint.BestCheckpoint;
import org.trainguard.core.checkpoint.CheckpointStore;
import org.trainguard.core.checkpoint.TrainingState;
import org.trainguard.core.io.Hashing;
import org.trainguard.core.io.Json;
import org.trainguard.core.lock.RunLock;

/** {@code trainer checkpoints prune} on real checkpoint folders: it never deletes a good one for a broken one. */
class CheckpointsPruneTest {

    @TempDir
    Path tmp;

    private TrainerFixture fixture;
    private CheckpointStore store;

    private void checkpoints(long... steps) throws IOException {
        fixture = TrainerFixture.create(tmp, 1, "", "");
        store = new CheckpointStore(fixture.output);
        Random random = new Random(7);
        for (long step : steps) {
            Path dir = store.begin(step);
            byte[] model = new byte[4096];
            random.nextBytes(model);
            Files.write(dir.resolve("model.zip"), model);
            TrainingState state = new TrainingState(
                    1, step, 0, step, step * 16, 42, 0.01, 300, 1.0, "f1_macro", 0.5, steps[0], Map.of(), Map.of());
            Files.write(dir.resolve(TrainingState.FILE_NAME), Json.mapper().writeValueAsBytes(state));
            store.commit(dir, step, Map.of());
        }
    }

    private void corrupt(long step) throws IOException {
        Path zip = store.dir().resolve("checkpoint-" + step).resolve("model.zip");
        byte[] b = Files.readAllBytes(zip);
        b[100] ^= 0x01;
        Files.write(zip, b);
    }

    private TrainerFixture.CliRun prune(String keep) {
        return TrainerFixture.cli("checkpoints", "prune", "--config", fixture.config.toString(), "--keep-last", keep);
    }

    /** Every file under the output folder with its SHA-256. */
    private Map<String, String> snapshot() throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(fixture.output)) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                files.put(fixture.output.relativize(p).toString(), Hashing.sha256(p));
            }
        }
        return files;
    }

    @Test
    void aCorruptedNewestCheckpointIsMovedAsideAndTheGoodOneKept() throws Exception {
        checkpoints(25, 50, 75);
        corrupt(75);
        TrainerFixture.CliRun r = prune("1");
        assertEquals(0, r.code(), r.err() + r.out());
        List<CheckpointStore.Checkpoint> left = store.list();
        // 25 is the best recorded in the newest good checkpoint's state; 50 is the newest that verifies
        assertEquals(
                List.of(25L, 50L),
                left.stream().map(CheckpointStore.Checkpoint::step).toList(),
                r.out());
        left.forEach(c -> assertTrue(store.verify(c.dir()).ok()));
        try (Stream<Path> broken = Files.list(store.dir().resolve(CheckpointStore.BROKEN_DIR_NAME))) {
            List<Path> moved = broken.toList();
            assertEquals(1, moved.size());
            assertTrue(moved.get(0).getFileName().toString().startsWith("checkpoint-75"), moved.toString());
            assertTrue(Files.readString(moved.get(0).resolve("REASON.txt")).contains("model.zip"));
        }
        assertTrue(r.out().contains("moved checkpoint-75"), r.out());
    }

    @Test
    void theBestNamedByBestJsonIsKept() throws Exception {
        checkpoints(25, 50, 75, 100);
        store.writeBest(new BestCheckpoint("f1_macro", 0.9, 50, "checkpoint-50", true));
        TrainerFixture.CliRun r = prune("1");
        assertEquals(0, r.code(), r.err());
        assertEquals(
                List.of(25L, 50L, 100L),
                store.list().stream().map(CheckpointStore.Checkpoint::step).toList(),
                r.out());
    }

    @Test
    void anUnreadableLockRefusesThePruneAndDeletesNothing() throws Exception {
        checkpoints(25, 50, 75);
        Files.createDirectory(fixture.output.resolve(RunLock.FILE_NAME));
        Map<String, String> before = snapshot();
        TrainerFixture.CliRun r = prune("1");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(RunLock.FILE_NAME) && r.err().contains("nothing was pruned"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertEquals(before, snapshot());
    }

    @Test
    void aHeldLockRefusesThePruneWithExitFive() throws Exception {
        checkpoints(25, 50, 75);
        try (RunLock held = RunLock.acquire(fixture.output, "s-1")) {
            Map<String, String> before = snapshot();
            TrainerFixture.CliRun r = prune("1");
            assertEquals(5, r.code(), r.err());
            assertEquals(before, snapshot());
        }
        assertEquals(3, store.list().size());
    }
}
