package org.trainguard.core.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.core.checkpoint.CheckpointStore;

/** The second copy in a folder: copied and read back, rotated like the local one, restored when the local one is lost. */
class CheckpointMirrorTest {

    @TempDir
    Path tmp;

    private CheckpointStore.Checkpoint commit(CheckpointStore store, long step) throws Exception {
        Path t = store.begin(step);
        Files.writeString(t.resolve("model.zip"), "weights of step " + step, StandardCharsets.UTF_8);
        Files.writeString(t.resolve("training_state.json"), "{\"step\": " + step + "}", StandardCharsets.UTF_8);
        return store.commit(t, step, Map.of());
    }

    @Test
    void copiesVerifiesRotatesAndKeepsTheBest() throws Exception {
        CheckpointStore local = new CheckpointStore(tmp.resolve("run"));
        CheckpointMirror mirror = new CheckpointMirror(new FolderTarget(tmp.resolve("nas")));
        for (long step = 10; step <= 50; step += 10) {
            mirror.copy(commit(local, step));
            mirror.rotate(2, OptionalLong.of(20));
        }
        assertEquals(List.of(20L, 40L, 50L), mirror.steps());
        assertEquals(Optional.empty(), mirror.verify(50));
        assertFalse(Files.exists(tmp.resolve("nas/checkpoints/checkpoint-10")), "rotated-out folders are removed");
    }

    @Test
    void filesOfACopyOrRotationCutShortAreRemovedAtTheNextRotation() throws Exception {
        CheckpointStore local = new CheckpointStore(tmp.resolve("run"));
        CheckpointMirror mirror = new CheckpointMirror(new FolderTarget(tmp.resolve("nas")));
        mirror.copy(commit(local, 10));
        mirror.copy(commit(local, 20));
        // a rotation of 10 killed after deleting its manifest: its model is left without one
        Files.delete(tmp.resolve(
                "nas/checkpoints/checkpoint-10/" + org.trainguard.core.checkpoint.CheckpointManifest.FILE_NAME));
        mirror.copy(commit(local, 30));
        assertEquals(List.of(20L, 30L), mirror.steps());
        assertTrue(Files.exists(tmp.resolve("nas/checkpoints/checkpoint-10/model.zip")));

        List<Long> removed = mirror.rotate(5, OptionalLong.empty());

        assertEquals(List.of(10L), removed);
        assertFalse(Files.exists(tmp.resolve("nas/checkpoints/checkpoint-10")), "the leftover files are gone");
        assertEquals(List.of(20L, 30L), mirror.steps());
        assertEquals(Optional.empty(), mirror.verify(30));
    }

    @Test
    void aDamagedCopyDoesNotVerifyAndRestoreTakesTheNewestThatDoes() throws Exception {
        CheckpointStore local = new CheckpointStore(tmp.resolve("run"));
        CheckpointMirror mirror = new CheckpointMirror(new FolderTarget(tmp.resolve("nas")));
        mirror.copy(commit(local, 10));
        mirror.copy(commit(local, 20));
        Path copy = tmp.resolve("nas/checkpoints/checkpoint-20/model.zip");
        byte[] b = Files.readAllBytes(copy);
        b[3] ^= 0x10;
        Files.write(copy, b);
        assertTrue(
                mirror.verify(20).orElseThrow().startsWith("model.zip has sha256"),
                mirror.verify(20).toString());

        // the local folder is lost
        CheckpointStore.deleteRecursively(tmp.resolve("run"));
        List<Long> skipped = new ArrayList<>();
        CheckpointStore fresh = new CheckpointStore(tmp.resolve("run"));
        CheckpointStore.Checkpoint restored =
                mirror.restoreNewest(fresh, (step, why) -> skipped.add(step)).orElseThrow();
        assertEquals(10, restored.step());
        assertEquals(List.of(20L), skipped);
        assertTrue(fresh.verify(restored.dir()).ok());
        assertEquals("weights of step 10", Files.readString(restored.dir().resolve("model.zip")));
        assertTrue(Files.exists(copy), "a broken copy in the mirror is left for a person to look at");
    }

    @Test
    void anEmptyMirrorRestoresNothing() throws Exception {
        CheckpointMirror mirror = new CheckpointMirror(new FolderTarget(tmp.resolve("nas")));
        assertEquals(Optional.empty(), mirror.restoreNewest(new CheckpointStore(tmp.resolve("run")), (s, w) -> {}));
    }
}
