package org.trainguard.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.core.run.SessionStatus;
import org.trainguard.core.run.SessionStore;

/** A real SIGTERM to this JVM after {@code open} and before {@code fit}. */
class StopBeforeFitTest {

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void aSigtermBetweenOpenAndFitStopsBeforeTheFirstStep(@TempDir Path tmp) throws Exception {
        PrintStream err = System.err;
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        System.setErr(new PrintStream(seen, true, StandardCharsets.UTF_8));
        try (TrainingSessionManager s = TrainingSessionManager.open(
                TinyNetworks.mlp(1),
                SessionOptions.builder(tmp).epochs(1).checkpointEverySteps(10).build())) {
            Process kill = new ProcessBuilder(
                            "kill",
                            "-TERM",
                            Long.toString(ProcessHandle.current().pid()))
                    .start();
            assertTrue(kill.waitFor(60, TimeUnit.SECONDS) && kill.exitValue() == 0);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (!seen.toString(StandardCharsets.UTF_8).contains("SIGTERM received")
                    && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            TrainingSessionManager.Outcome o = s.fit(TinyNetworks.data(200, 16, 3));
            assertFalse(o.completed());
            assertEquals(143, o.exitCode());
            assertEquals(0, o.step(), "no step after the stop request");
        } finally {
            System.setErr(err);
        }
        assertEquals(
                SessionStatus.INTERRUPTED,
                new SessionStore(tmp).read().state().orElseThrow().status());
    }
}
