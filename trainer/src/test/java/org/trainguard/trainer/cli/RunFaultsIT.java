package org.trainguard.trainer.cli;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.core.checkpoint.BestCheckpoint;
import org.trainguard.core.checkpoint.CheckpointStore;
import org.trainguard.core.checkpoint.TrainingState;
import org.trainguard.core.lock.RunLock;
import org.trainguard.core.run.HostName;
import org.trainguard.core.run.SessionState;
import org.trainguard.core.run.SessionStatus;
import org.trainguard.core.run.SessionStore;

/**
 * Real trainer processes meeting faults in their run folder: a deleted lock file, a full disk, a
 * checkpoints folder that cannot be written, every checkpoint broken, a stale best.json and a
 * deleted session file.
 */
class RunFaultsIT {

    @Test
    void aDeletedLockFileDoesNotLetASecondTrainerTakeTheRunOver(@TempDir Path tmp) throws Exception {
        TrainerFixture f = TrainerFixture.create(tmp, 200, "", "");
        Process first = start(f, "first");
        Process second = null;
        try {
            waitFor(() -> ownSession(f, first) || !first.isAlive(), 300, "the first trainer's session file");
            assertTrue(first.isAlive(), () -> log(f, "first"));
            Files.delete(f.output.resolve(RunLock.FILE_NAME));
            second = start(f, "second");
            assertTrue(
                    second.waitFor(300, TimeUnit.SECONDS),
                    () -> "the second trainer trains beside the first: " + log(f, "second"));
            String log = log(f, "second");
            assertEquals(5, second.exitValue(), log);
            assertTrue(log.contains("pid " + first.pid() + " on " + HostName.get()), log);
            assertFalse(log.contains("ended without a clean stop"), log);
            assertTrue(first.isAlive(), "the first trainer trains on");
            assertEquals(first.pid(), session(f).pid(), "the second trainer did not write the session file");
        } finally {
            if (second != null) {
                second.destroyForcibly();
            }
            first.destroy();
            first.waitFor(120, TimeUnit.SECONDS);
        }
        assertEquals(143, first.exitValue(), () -> log(f, "first"));
    }

    @Test
    void aFullDiskStopsTheRunAtTheThirdFailedSaveAndRecordsFailed(@TempDir Path tmp) throws Exception {
        // without the disk guard, which would stop the run before the first save that cannot fit (DiskGuardIT)
        TrainerFixture f = TrainerFixture.create(tmp, 200, "", "disk_guard: false");
        mount(f.output, "size=12m");
        try {
            Process p = start(f, "full");
            waitFor(
                    () -> new CheckpointStore(f.output).list().size() >= 1 || !p.isAlive(),
                    300,
                    "the first checkpoint");
            assertTrue(p.isAlive(), () -> log(f, "full"));
            CheckpointStore.Checkpoint good =
                    new CheckpointStore(f.output).list().get(0);
            try (var out = Files.newOutputStream(f.output.resolve("filler"))) {
                byte[] chunk = new byte[1 << 16];
                while (true) {
                    out.write(chunk);
                }
            } catch (IOException expected) {
                // no space left on the device
            }
            assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the run stops by itself");
            String log = log(f, "full");
            assertEquals(1, p.exitValue(), log);
            List<Long> failed = new ArrayList<>();
            Matcher m = Pattern.compile("checkpoint at step (\\d+) failed").matcher(log);
            while (m.find()) {
                failed.add(Long.parseLong(m.group(1)));
            }
            assertEquals(3, failed.size(), "3 failed saves in a row stop the run: " + failed + "\n" + log);
            SessionState s = session(f);
            assertEquals(SessionStatus.FAILED, s.status(), "the end is recorded on the full disk");
            assertEquals(1, s.exitInfo().orElseThrow().code());
            assertTrue(
                    s.exitInfo().orElseThrow().reason().contains("3 checkpoint writes in a row failed"),
                    s.exitInfo().toString());
            assertEquals(failed.get(2), s.step(), "the run stopped at the third failed save, not a checkpoint later");
            assertTrue(new CheckpointStore(f.output).verify(good.dir()).ok(), "the older checkpoint is intact");
        } finally {
            unmount(f.output);
        }
    }

    @Test
    void aRunWhoseLastCheckpointCannotBeWrittenIsNotCompleted(@TempDir Path tmp) throws Exception {
        TrainerFixture f = TrainerFixture.create(
                tmp, 1, "max_steps: 40", "disk_guard: false"); // 1 MiB free: the guard would refuse it
        Path checkpoints = f.output.resolve(CheckpointStore.DIR_NAME);
        Files.createDirectories(checkpoints);
        mount(checkpoints, "ro,size=1m");
        try {
            Process p = start(f, "readonly");
            assertTrue(p.waitFor(300, TimeUnit.SECONDS));
            String log = log(f, "readonly");
            assertEquals(1, p.exitValue(), log);
            SessionState s = session(f);
            assertEquals(SessionStatus.FAILED, s.status(), log);
            assertEquals(40, s.step());
            assertTrue(
                    s.exitInfo()
                            .orElseThrow()
                            .reason()
                            .contains("the checkpoint of the last step, 40, could not be written"),
                    s.exitInfo().toString());
            assertTrue(log.contains("Read-only file system"), log);
            assertFalse(Files.exists(f.output.resolve("final")), "no final model for a run that is not complete");
        } finally {
            unmount(checkpoints);
        }
    }

    @Test
    void everyCheckpointBrokenStopsWithExitSixAndResumeNeverStartsOver(@TempDir Path tmp) throws Exception {
        TrainerFixture f = TrainerFixture.create(tmp, 1, "", "");
        Process p = start(f, "first");
        assertEquals(0, p.waitFor(), () -> log(f, "first"));
        List<CheckpointStore.Checkpoint> all = new CheckpointStore(f.output).list();
        assertEquals(3, all.size());
        for (CheckpointStore.Checkpoint c : all) {
            Path zip = c.dir().resolve("model.zip");
            byte[] b = Files.readAllBytes(zip);
            b[b.length / 2] ^= 0x10;
            Files.write(zip, b);
        }
        Process again = start(f, "again");
        assertTrue(again.waitFor(300, TimeUnit.SECONDS));
        String log = log(f, "again");
        assertEquals(6, again.exitValue(), log);
        assertTrue(
                log.contains("had reached step 75, but no checkpoint verifies") && log.contains("--resume never"), log);
        SessionState s = session(f);
        assertEquals(SessionStatus.FAILED, s.status());
        assertEquals(6, s.exitInfo().orElseThrow().code());
        assertEquals(
                3,
                f.output.resolve("checkpoints/broken").toFile().listFiles().length,
                "the broken checkpoints are kept aside");

        Process over = startWith(f, "over", "--resume", "never");
        assertEquals(0, over.waitFor(), () -> log(f, "over"));
        assertEquals(SessionStatus.COMPLETED, session(f).status());
        assertEquals(75, session(f).step());
    }

    @Test
    void aStaleBestJsonAndADeletedSessionFileAreRebuiltWithALogLine(@TempDir Path tmp) throws Exception {
        TrainerFixture f = TrainerFixture.create(tmp, 3, "", "");
        Process p = start(f, "first");
        // the evaluation at step 75 is best so far; kill once a later checkpoint is committed
        waitFor(
                () -> new CheckpointStore(f.output).list().stream().anyMatch(c -> c.step() >= 100) || !p.isAlive(),
                300,
                "checkpoint-100");
        assertTrue(p.isAlive(), () -> log(f, "first"));
        p.destroyForcibly();
        p.waitFor();
        CheckpointStore store = new CheckpointStore(f.output);
        store.writeBest(new BestCheckpoint("f1_macro", 0.999, 9999, "checkpoint-9999", true));
        Files.delete(f.output.resolve(SessionStore.FILE_NAME));

        Process resumed = start(f, "resumed");
        assertEquals(0, resumed.waitFor(), () -> log(f, "resumed"));
        String log = log(f, "resumed");
        assertTrue(
                log.contains("training_session.json is missing, but")
                        && log.contains("rebuilding it from the checkpoints"),
                log);
        assertTrue(log.contains("best.json names checkpoint-9999 (step 9999), which does not exist; rebuilt it"), log);
        BestCheckpoint best = store.readBest().orElseThrow();
        CheckpointStore.Checkpoint kept = store.list().stream()
                .filter(c -> c.step() == best.step())
                .findFirst()
                .orElseThrow(() ->
                        new AssertionError("the best checkpoint " + best.path() + " was rotated out: " + store.list()));
        TrainingState ts = store.readTrainingState(kept);
        assertEquals(
                best.value(),
                ((Number) ts.metrics().get("f1_macro")).doubleValue(),
                "best.json holds the checkpoint's own value");
        assertEquals(best.step(), session(f).best().step(), "the session reports the same best");
        assertEquals(best.value(), session(f).best().value());
    }

    // ------------------------------------------------------------------ helpers

    private static void mount(Path at, String options) throws Exception {
        Files.createDirectories(at);
        Process m = new ProcessBuilder("mount", "-t", "tmpfs", "-o", options, "tmpfs", at.toString())
                .redirectErrorStream(true)
                .start();
        boolean mounted = m.waitFor(30, TimeUnit.SECONDS) && m.exitValue() == 0;
        Assumptions.assumeTrue(
                mounted,
                "needs permission to mount a tmpfs (root): "
                        + new String(m.getInputStream().readAllBytes()));
    }

    private static void unmount(Path at) throws Exception {
        new ProcessBuilder("umount", "-l", at.toString()).start().waitFor(30, TimeUnit.SECONDS);
    }

    private static SessionState session(TrainerFixture f) {
        return new SessionStore(f.output).read().state().orElseThrow();
    }

    private static Process start(TrainerFixture f, String name) throws IOException {
        return startWith(f, name);
    }

    private static Process startWith(TrainerFixture f, String name, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("--config", f.config.toString()));
        args.addAll(List.of(extra));
        ProcessBuilder pb = TrainerFixture.process(f.dir, args.toArray(String[]::new));
        List<String> cmd = new ArrayList<>(pb.command());
        if (new File("/usr/bin/env").canExecute()) {
            cmd.addAll(0, List.of("/usr/bin/env", "--default-signal=INT"));
        }
        pb.command(cmd);
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

    private static boolean ownSession(TrainerFixture f, Process p) {
        return new SessionStore(f.output)
                .read()
                .state()
                .map(s -> s.pid() == p.pid() && s.status() == SessionStatus.RUNNING)
                .orElse(false);
    }
}
