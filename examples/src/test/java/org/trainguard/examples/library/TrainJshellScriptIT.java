package org.trainguard.examples.library;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.core.checkpoint.CheckpointStore;
import org.trainguard.core.run.SessionState;
import org.trainguard.core.run.SessionStatus;
import org.trainguard.core.run.SessionStore;

/** Runs {@code examples/jshell/train.jsh} in a real {@code jshell}, as the user guide tells people to. */
class TrainJshellScriptIT {

    @Test
    void scriptTrainsAndLeavesVerifiedCheckpointsAndTheSessionFile(@TempDir Path tmp) throws Exception {
        Path script = ChildProcess.moduleDir().resolve("jshell/train.jsh");
        assertTrue(Files.isRegularFile(script), "no script at " + script);
        Path out = tmp.resolve("run");

        ChildProcess jshell = ChildProcess.start(
                List.of(
                        ChildProcess.jdkTool("jshell").toString(),
                        "--class-path",
                        System.getProperty("java.class.path"),
                        "-R-Dtrainguard.out=" + out,
                        script.toString()),
                tmp,
                tmp.resolve("jshell.log"));
        int code = jshell.waitFor(Duration.ofMinutes(3));
        String output = jshell.output();

        assertEquals(0, code, output);
        assertTrue(Files.isRegularFile(out.resolve(SessionStore.FILE_NAME)), output);
        SessionState s = new SessionStore(out).read().state().orElseThrow();
        assertEquals(SessionStatus.COMPLETED, s.status());
        assertEquals(16, s.step(), "2 epochs of 8 batches");

        CheckpointStore store = new CheckpointStore(out);
        List<CheckpointStore.Checkpoint> checkpoints = store.list();
        assertFalse(checkpoints.isEmpty(), output);
        for (CheckpointStore.Checkpoint c : checkpoints) {
            assertTrue(
                    store.verify(c.dir()).ok(),
                    c.name() + ": " + store.verify(c.dir()).problem());
        }
        assertTrue(output.contains("status COMPLETED, step 16/16"), output);
        assertTrue(output.contains("checkpoint-16") && output.contains("verified"), output);
    }
}
