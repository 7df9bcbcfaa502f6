package org.trainguard.examples.library;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.core.run.SessionState;
import org.trainguard.core.run.SessionStatus;
import org.trainguard.core.run.SessionStore;

/**
 * The example as a real program: started in its own JVM, sent SIGTERM mid-run, started again.
 */
class EmbedInYourAppSignalIT {

    // 4 epochs of 19 steps: the signal goes out once step 10 is recorded, leaving 66 steps of room
    private static final int EPOCHS = 4;
    private static final long STEPS = 76;

    @Test
    void sigtermMidRunCheckpointsAndTheNextRunEndsBitwiseEqualToAnUninterruptedOne(@TempDir Path tmp) throws Exception {
        float[] straight = EmbedInYourApp.run(tmp.resolve("straight"), EPOCHS, NetworkType.COMPUTATION_GRAPH)
                .network()
                .params()
                .toFloatVector();

        Path dir = tmp.resolve("signalled");
        ChildProcess child = ChildProcess.start(
                List.of(
                        ChildProcess.jdkTool("java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        EmbedInYourApp.class.getName(),
                        dir.toString(),
                        "--epochs",
                        String.valueOf(EPOCHS),
                        "--graph"),
                tmp,
                tmp.resolve("child.log"));
        awaitStep(child, dir, 10, Duration.ofMinutes(2));
        child.process.destroy(); // SIGTERM on Linux and macOS
        int code = child.waitFor(Duration.ofMinutes(1));

        String output = child.output();
        assertEquals(143, code, output);
        SessionState s = session(dir).orElseThrow();
        assertEquals(SessionStatus.INTERRUPTED, s.status());
        assertEquals(143, s.exitInfo().orElseThrow().code());
        long stoppedAt = s.step();
        assertTrue(stoppedAt >= 10 && stoppedAt < STEPS, "stopped at step " + stoppedAt);
        assertTrue(
                Files.isDirectory(dir.resolve("checkpoints/checkpoint-" + stoppedAt)),
                "a checkpoint at the step where it stopped");
        assertTrue(output.contains("run the same command again to resume from step " + stoppedAt), output);

        EmbedInYourApp.Result resumed = EmbedInYourApp.run(dir, EPOCHS, NetworkType.COMPUTATION_GRAPH);
        assertTrue(resumed.completed(), resumed.reason());
        assertEquals(stoppedAt, resumed.startedAtStep(), "no step is lost");
        assertEquals(STEPS, resumed.steps());
        assertArrayEquals(straight, resumed.network().params().toFloatVector());
    }

    // the session file is rewritten (atomically) at each checkpoint, on the training thread
    private static void awaitStep(ChildProcess child, Path dir, long step, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!child.process.isAlive()) {
                throw new AssertionError("the program ended (" + child.process.exitValue() + ") before step " + step
                        + ":\n" + child.output());
            }
            if (session(dir).map(SessionState::step).orElse(0L) >= step) {
                return;
            }
            Thread.sleep(5);
        }
        child.process.destroyForcibly().waitFor();
        throw new AssertionError("no step " + step + " within " + timeout + ":\n" + child.output());
    }

    private static Optional<SessionState> session(Path dir) {
        return new SessionStore(dir).read().state();
    }
}
