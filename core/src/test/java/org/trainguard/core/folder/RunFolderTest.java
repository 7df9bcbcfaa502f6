package org.trainguard.core.folder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.core.checkpoint.CheckpointStore;
import org.trainguard.core.run.SessionStore;

/** Reading a run folder: the newest checkpoint and the roll-back target, on real checkpoint folders. */
class RunFolderTest {

    private static CheckpointStore.Checkpoint write(CheckpointStore store, long step) throws Exception {
        Path tmp = store.begin(step);
        Files.writeString(tmp.resolve("model.zip"), "weights of step " + step);
        return store.commit(tmp, step, Map.of());
    }

    @Test
    void anEmptyFolderHasNoCheckpointsNoSessionAndNoHeartbeat(@TempDir Path dir) {
        RunFolder run = new RunFolder(dir);
        assertEquals(Optional.empty(), run.newestCheckpoint());
        assertEquals(Optional.empty(), run.rollbackTarget());
        assertTrue(run.session().state().isEmpty());
        assertTrue(run.heartbeat().isEmpty());
        assertEquals(dir.resolve(SessionStore.FILE_NAME), run.sessionFile());
    }

    @Test
    void theRollbackTargetIsTheNewestVerifiedCheckpointBeforeTheNewestVerifiedOne(@TempDir Path dir) throws Exception {
        CheckpointStore store = new CheckpointStore(dir);
        write(store, 10);
        write(store, 20);
        CheckpointStore.Checkpoint c30 = write(store, 30);
        RunFolder run = new RunFolder(dir);
        assertEquals(30, run.newestCheckpoint().orElseThrow().step());
        assertEquals(20, run.rollbackTarget().orElseThrow().step());

        // a checkpoint that no longer verifies is passed over, whether it is the newest or the one before
        Files.writeString(c30.dir().resolve("model.zip"), "altered");
        assertEquals(30, run.newestCheckpoint().orElseThrow().step(), "the newest is listed, not verified");
        assertEquals(10, run.rollbackTarget().orElseThrow().step());
    }

    @Test
    void withOneVerifiedCheckpointThereIsNothingToRollBackTo(@TempDir Path dir) throws Exception {
        write(new CheckpointStore(dir), 5);
        assertEquals(Optional.empty(), new RunFolder(dir).rollbackTarget());
    }
}
