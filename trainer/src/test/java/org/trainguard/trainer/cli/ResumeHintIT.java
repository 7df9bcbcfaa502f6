package org.trainguard.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.core.run.SessionStatus;
import org.trainguard.core.run.SessionStore;
import org.trainguard.testing.Processes;

/**
 * A run started with {@code --resume never} and interrupted prints a command that continues it: the
 * same command would archive the interrupted run and start from step 0 again.
 */
class ResumeHintIT {

    private static final Path JAR = Path.of("target", "trainer.jar").toAbsolutePath();

    @Test
    void interruptedRunStartedWithResumeNeverPrintsTheCommandThatResumesIt(@TempDir Path tmp) throws Exception {
        TrainerFixture f = TrainerFixture.create(tmp, 3, "", "");
        Path log = tmp.resolve("first.log");
        Process p = new ProcessBuilder(
                        Processes.java(),
                        "-Xmx1g",
                        "-jar",
                        JAR.toString(),
                        "--config",
                        f.config.toString(),
                        "--resume",
                        "never")
                .directory(tmp.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        SessionStore store = new SessionStore(f.output);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (p.isAlive()
                && store.read()
                        .state()
                        .map(s -> s.pid() != p.pid() || s.step() < 20)
                        .orElse(true)) {
            assertTrue(System.nanoTime() < deadline, "no step 20 within 5 minutes: " + Files.readString(log));
            Thread.sleep(20);
        }
        assertTrue(p.isAlive(), () -> "ended before step 20: " + read(log));
        assertEquals(
                0,
                new ProcessBuilder("kill", "-TERM", Long.toString(p.pid()))
                        .start()
                        .waitFor());
        assertTrue(p.waitFor(5, TimeUnit.MINUTES));
        assertEquals(143, p.exitValue(), () -> read(log));
        long stoppedAt = store.read().state().orElseThrow().step();

        String out = read(log);
        assertFalse(
                out.contains("resume with the same command;")
                        || out.matches("(?s).*resume with the same command\\s*$.*"),
                "the same command (with --resume never) would start over: " + out);
        assertTrue(out.contains("--resume auto"), out);
        String hint = out.lines()
                .filter(l -> l.startsWith("to resume: "))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no resume command printed: " + out))
                .substring("to resume: ".length());
        assertTrue(
                hint.startsWith("java -jar ")
                        && hint.contains(JAR.toString())
                        && hint.endsWith("--config " + f.config.toAbsolutePath()),
                hint);

        Path second = tmp.resolve("second.log");
        Process resumed = new ProcessBuilder("bash", "-c", hint.replaceFirst("^java ", Processes.java() + " "))
                .directory(tmp.toFile())
                .redirectErrorStream(true)
                .redirectOutput(second.toFile())
                .start();
        assertTrue(resumed.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, resumed.exitValue(), () -> read(second));
        assertTrue(read(second).contains("resuming from checkpoint-" + stoppedAt), () -> read(second));
        assertEquals(SessionStatus.COMPLETED, store.read().state().orElseThrow().status());
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
