package org.trainguard.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trainguard.testing.Waits.waitFor;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.core.checkpoint.CheckpointStore;
import org.trainguard.core.run.SessionStatus;
import org.trainguard.core.run.SessionStore;
import org.trainguard.session.ModelReader;
import org.trainguard.testing.Processes;
import org.trainguard.trainer.train.FinalBundle;

/**
 * A completed run always ends with a {@code final/} that verifies: real trainer processes killed in
 * the window between the last checkpoint and {@code final/}, a deleted or damaged {@code final/},
 * and a stop signal while {@code final/} is written.
 */
class FinalBundleIT {

    @Test
    void aDeletedOrDamagedFinalIsRebuiltFromTheLastCheckpointAtTheNextStart(@TempDir Path tmp) throws Exception {
        TrainerFixture f = TrainerFixture.create(tmp, 1, "", "");
        Path fin = f.output.resolve(FinalBundle.DIR_NAME);
        Process p = start(f, "first", List.of());
        assertEquals(0, p.waitFor(), () -> log(f, "first"));
        assertEquals(FinalBundle.State.OK, FinalBundle.check(fin).state(), () -> FinalBundle.check(fin)
                .problem());
        float[] trained = params(fin);

        CheckpointStore.deleteRecursively(fin);
        assertEquals(
                1,
                TrainerFixture.cli("checkpoints", "verify", "--config", f.config.toString())
                        .code(),
                "a completed run without final/ fails verification");
        p = start(f, "deleted", List.of());
        assertEquals(0, p.waitFor(), () -> log(f, "deleted"));
        assertTrue(log(f, "deleted").contains("rebuilding it from checkpoint-75"), () -> log(f, "deleted"));
        assertEquals(FinalBundle.State.OK, FinalBundle.check(fin).state(), () -> FinalBundle.check(fin)
                .problem());
        assertArrayEquals(trained, params(fin), "the rebuilt model is the trained one");
        assertTrue(Files.exists(fin.resolve(FinalBundle.METRICS_JSON)), "metrics.json is rebuilt from metrics.jsonl");

        byte[] zip = Files.readAllBytes(fin.resolve(FinalBundle.MODEL_ZIP));
        zip[zip.length / 2] ^= 0x01;
        Files.write(fin.resolve(FinalBundle.MODEL_ZIP), zip);
        TrainerFixture.CliRun verify = TrainerFixture.cli("checkpoints", "verify", "--config", f.config.toString());
        assertEquals(1, verify.code(), verify.out());
        assertTrue(verify.out().contains("final/     BROKEN (model.zip has sha256"), verify.out());
        p = start(f, "damaged", List.of());
        assertEquals(0, p.waitFor(), () -> log(f, "damaged"));
        assertTrue(log(f, "damaged").contains("does not verify (model.zip"), () -> log(f, "damaged"));
        assertEquals(FinalBundle.State.OK, FinalBundle.check(fin).state(), () -> FinalBundle.check(fin)
                .problem());
        assertArrayEquals(trained, params(fin));
        assertEquals(
                0,
                TrainerFixture.cli("checkpoints", "verify", "--config", f.config.toString())
                        .code());
    }

    @Test
    void sigkillAfterTheLastCheckpointAndBeforeFinalIsCommittedIsRepairedAtTheNextStart(@TempDir Path tmp)
            throws Exception {
        TrainerFixture f = TrainerFixture.create(tmp, 1, "", "");
        Path fin = f.output.resolve(FinalBundle.DIR_NAME);
        Path pause = tmp.resolve("pause");
        Process p = start(f, "killed", List.of("-D" + FinalBundle.PAUSE_PROPERTY + "=" + pause));
        waitFor(() -> Files.exists(pause) || !p.isAlive(), 600, "the trainer to reach the final/ write");
        assertTrue(p.isAlive(), () -> log(f, "killed"));
        p.destroyForcibly(); // SIGKILL
        assertEquals(137, p.waitFor());
        assertFalse(Files.exists(fin), "final/ is not committed before the pause");
        assertEquals(
                SessionStatus.COMPLETED,
                new SessionStore(f.output).read().state().orElseThrow().status());
        assertTrue(unfinished(f.output), "the unfinished final/ write is there");

        Process again = start(f, "after", List.of());
        assertEquals(0, again.waitFor(), () -> log(f, "after"));
        assertTrue(log(f, "after").contains("is missing"), () -> log(f, "after"));
        assertEquals(FinalBundle.State.OK, FinalBundle.check(fin).state(), () -> FinalBundle.check(fin)
                .problem());
        assertFalse(unfinished(f.output), "leftovers of the killed write are removed");
        Path last = new CheckpointStore(f.output)
                .list()
                .get(new CheckpointStore(f.output).list().size() - 1)
                .dir();
        assertArrayEquals(
                ModelReader.readMultiLayerNetwork(last.resolve("model.zip"), false)
                        .params()
                        .toFloatVector(),
                params(fin));
        TrainerFixture.CliRun predict = TrainerFixture.cli("predict", "--model", fin.toString(), "hello");
        assertEquals(0, predict.code(), predict.err());
    }

    @Test
    void sigtermWhileFinalIsWrittenFinishesItAndEndsCompleted(@TempDir Path tmp) throws Exception {
        TrainerFixture f = TrainerFixture.create(tmp, 1, "", "");
        Path fin = f.output.resolve(FinalBundle.DIR_NAME);
        Path pause = tmp.resolve("pause");
        Process p = start(f, "term", List.of("-D" + FinalBundle.PAUSE_PROPERTY + "=" + pause));
        waitFor(() -> Files.exists(pause) || !p.isAlive(), 600, "the trainer to reach the final/ write");
        assertTrue(p.isAlive(), () -> log(f, "term"));
        assertEquals(
                0,
                new ProcessBuilder("kill", "-TERM", Long.toString(p.pid()))
                        .start()
                        .waitFor());
        waitFor(
                () -> log(f, "term").contains("SIGTERM received") || !p.isAlive(),
                300,
                "the trainer to take the signal");
        Files.delete(pause);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the trainer ends once final/ is written");
        assertEquals(0, p.exitValue(), () -> log(f, "term"));
        assertTrue(log(f, "term").contains("SIGTERM arrived after the last step"), () -> log(f, "term"));
        assertEquals(FinalBundle.State.OK, FinalBundle.check(fin).state(), () -> FinalBundle.check(fin)
                .problem());
        assertEquals(
                SessionStatus.COMPLETED,
                new SessionStore(f.output).read().state().orElseThrow().status());
    }

    // ------------------------------------------------------------------ helpers

    private static float[] params(Path bundle) throws IOException {
        return ModelReader.readMultiLayerNetwork(bundle.resolve(FinalBundle.MODEL_ZIP), false)
                .params()
                .toFloatVector();
    }

    private static boolean unfinished(Path output) throws IOException {
        try (Stream<Path> s = Files.list(output)) {
            return s.anyMatch(x -> x.getFileName().toString().startsWith(".final."));
        }
    }

    private static Process start(TrainerFixture f, String name, List<String> jvmOptions) throws IOException {
        List<String> cmd = new ArrayList<>();
        // A JVM started from a non-interactive shell may inherit SIGINT as ignored; env resets it.
        if (new File("/usr/bin/env").canExecute()) {
            cmd.addAll(List.of("/usr/bin/env", "--default-signal=INT"));
        }
        cmd.add(Processes.java());
        cmd.add("-Xmx1g");
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                TrainerCli.class.getName(),
                "--config",
                f.config.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(f.dir.toFile());
        pb.redirectErrorStream(true);
        pb.redirectOutput(f.dir.resolve(name + ".log").toFile());
        return pb.start();
    }

    private static String log(TrainerFixture f, String name) {
        try {
            return Files.readString(f.dir.resolve(name + ".log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
