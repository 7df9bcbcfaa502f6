package org.trainguard.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.config.MirrorConfig;
import org.trainguard.core.checkpoint.CheckpointStore;
import org.trainguard.core.mirror.CheckpointMirror;
import org.trainguard.core.mirror.FolderTarget;
import org.trainguard.core.run.SessionState;

/** The session with {@code checkpoint.mirror}: copies, records, resumes from it when the output folder is lost, and never mixes runs. */
class MirrorSessionTest {

    private static SessionOptions.Builder options(Path dir, Path nas) {
        return SessionOptions.builder(dir)
                .seed(7)
                .epochs(3)
                .checkpointEverySteps(10)
                .keepLast(2)
                .logEverySteps(1)
                .handleSignals(false)
                .mirror(MirrorConfig.folder(nas));
    }

    @Test
    void theMirrorFollowsTheRunAndReplacesALostOutputFolder(@TempDir Path tmp) throws Exception {
        Path nas = tmp.resolve("nas");
        MultiLayerNetwork straight = TinyNetworks.mlp(1);
        try (TrainingSessionManager s = TrainingSessionManager.open(
                straight, options(tmp.resolve("a"), tmp.resolve("nas-a")).build())) {
            assertTrue(s.fit(TinyNetworks.data(200, 16, 3)).completed());
        }

        Path run = tmp.resolve("b");
        try (TrainingSessionManager s = TrainingSessionManager.open(
                TinyNetworks.mlp(1), options(run, nas).build())) {
            s.fit(TinyNetworks.data(200, 16, 3), new TrainingHooks() {
                @Override
                public void onProgress(Progress p) {
                    if (p.step() == 23) {
                        s.requestStop();
                    }
                }
            });
        }
        SessionState stopped =
                new org.trainguard.core.run.SessionStore(run).read().state().orElseThrow();
        assertEquals(
                23,
                stopped.mirrorState().orElseThrow().lastStep(),
                stopped.mirrorState().toString());
        assertEquals(
                List.of(20L, 23L), new CheckpointMirror(new FolderTarget(nas)).steps(), "rotated like the local ones");

        // a new run may not write into a mirror that holds this one
        assertThrows(
                ResumeRefusedException.class,
                () -> TrainingSessionManager.open(
                        TinyNetworks.mlp(1),
                        options(run, nas).resume(ResumeMode.NEVER).build()));
        assertTrue(Files.isDirectory(run.resolve(CheckpointStore.DIR_NAME)), "and nothing was moved");

        CheckpointStore.deleteRecursively(run);
        MultiLayerNetwork resumed = TinyNetworks.mlp(99);
        try (TrainingSessionManager s =
                TrainingSessionManager.open(resumed, options(run, nas).build())) {
            assertEquals(23, s.step(), "resumed from the mirror's newest checkpoint");
            assertTrue(s.fit(TinyNetworks.data(200, 16, 3)).completed());
        }
        assertArrayEquals(straight.params().toFloatVector(), resumed.params().toFloatVector());
    }
}
