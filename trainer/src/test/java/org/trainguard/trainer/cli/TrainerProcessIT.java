package org.trainguard.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trainguard.testing.Waits.waitFor;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.core.checkpoint.CheckpointStore;
import org.trainguard.core.lock.RunLock;
import org.trainguard.core.run.SessionState;
import org.trainguard.core.run.SessionStatus;
import org.trainguard.core.run.SessionStore;
import org.trainguard.testing.Processes;

/**
 * Real trainer processes, real signals, real files: the run survives SIGKILL, SIGTERM, SIGINT,
 * broken checkpoints, a broken session file, a second trainer and a full disk.
 */
class TrainerProcessIT {

    private static final int EPOCHS = 3; // 3 x 75 = 225 steps
    private static float[] uninterrupted;

    @TempDir
    static Path shared;

    @BeforeAll
    static void uninterruptedRun() throws Exception {
        TrainerFixture f = TrainerFixture.create(shared, EPOCHS, "", "");
        Process p = f.start("straight");
        assertEquals(0, p.waitFor(), () -> f.log("straight"));
        uninterrupted = TrainerFixture.finalParams(f.output);
    }

    @Test
    void killedWithSigkillAtFiveRandomStepsEndsBitwiseEqual(@TempDir Path tmp) throws Exception {
        TrainerFixture f = TrainerFixture.create(tmp, EPOCHS, "", "");
        Random random = new Random();
        long seed = random.nextLong();
        random.setSeed(seed);
        List<Integer> targets = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            targets.add(10 + random.nextInt(200));
        }
        targets.sort(null);
        List<Long> killedAt = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            long target = Math.max(targets.get(i), killedAt.isEmpty() ? 0 : killedAt.get(killedAt.size() - 1) + 5);
            String name = "kill" + i;
            Process p = f.start(name);
            // this process's own progress: its session file, then a step past the target
            waitFor(() -> (ownSession(f, p) && f.currentStep() >= target) || !p.isAlive(), 120, "step " + target);
            assertTrue(p.isAlive(), () -> "trainer ended before step " + target + ": " + f.log(name));
            p.destroyForcibly(); // SIGKILL
            assertEquals(137, p.waitFor());
            killedAt.add(f.currentStep());
        }
        SessionState afterKill = new SessionStore(f.output).read().state().orElseThrow();
        assertTrue(afterKill.status().live(), "SIGKILL leaves the session marked live: " + afterKill.status());

        Process last = f.start("last");
        assertEquals(0, last.waitFor(), () -> f.log("last"));
        assertTrue(f.log("last").contains("ended without a clean stop"), () -> f.log("last"));
        SessionState s = new SessionStore(f.output).read().state().orElseThrow();
        assertEquals(SessionStatus.COMPLETED, s.status());
        assertTrue(s.restarts() >= 5, "restarts " + s.restarts());
        assertArrayEquals(
                uninterrupted,
                TrainerFixture.finalParams(f.output),
                "killed at steps " + killedAt + " (random seed " + seed + ")");
    }

    @Test
    void sigtermWritesEmergencyCheckpointAndResumeLosesNoStep(@TempDir Path tmp) throws Exception {
        stopWithSignal(tmp, "TERM", 143);
    }

    @Test
    void sigintWritesEmergencyCheckpointAndResumeLosesNoStep(@TempDir Path tmp) throws Exception {
        stopWithSignal(tmp, "INT", 130);
    }

    private void stopWithSignal(Path tmp, String signal, int expectedCode) throws Exception {
        TrainerFixture f = TrainerFixture.create(tmp, EPOCHS, "", "");
        Process p = f.start("signal");
        waitFor(() -> f.currentStep() >= 60 || !p.isAlive(), 120, "step 60");
        Processes.signal(signal, p.pid());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(expectedCode, p.exitValue(), () -> f.log("signal"));
        SessionState s = new SessionStore(f.output).read().state().orElseThrow();
        assertEquals(SessionStatus.INTERRUPTED, s.status());
        long stoppedAt = s.step();
        assertTrue(stoppedAt >= 60, "stopped at " + stoppedAt);
        assertEquals(
                stoppedAt,
                s.lastCheckpointRef().orElseThrow().step(),
                "the emergency checkpoint holds the current step");
        assertTrue(Files.isDirectory(f.output.resolve("checkpoints/checkpoint-" + stoppedAt)));
        assertTrue(f.log("signal").contains("SIG" + signal), () -> f.log("signal"));

        Process resumed = f.start("resumed");
        assertEquals(0, resumed.waitFor(), () -> f.log("resumed"));
        assertTrue(
                f.log("resumed").contains("resuming from checkpoint-" + stoppedAt + " (step " + stoppedAt + ","),
                () -> f.log("resumed"));
        assertArrayEquals(uninterrupted, TrainerFixture.finalParams(f.output));
    }

    @Test
    void brokenNewestCheckpointAndTruncatedSessionFileAreSurvived(@TempDir Path tmp) throws Exception {
        TrainerFixture f = TrainerFixture.create(tmp, EPOCHS, "", "");
        Process p = f.start("first");
        waitFor(() -> new CheckpointStore(f.output).list().size() >= 3 || !p.isAlive(), 120, "three checkpoints");
        p.destroyForcibly();
        p.waitFor();
        List<CheckpointStore.Checkpoint> cps = new CheckpointStore(f.output).list();
        CheckpointStore.Checkpoint newest = cps.get(cps.size() - 1);
        CheckpointStore.Checkpoint previous = cps.get(cps.size() - 2);
        // flip one byte of the newest model, truncate the one before
        Path zip = newest.dir().resolve("model.zip");
        byte[] b = Files.readAllBytes(zip);
        b[b.length / 3] ^= 0x10;
        Files.write(zip, b);
        try (FileChannel ch = FileChannel.open(previous.dir().resolve("model.zip"), StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() / 2);
        }
        Path session = f.output.resolve(SessionStore.FILE_NAME);
        Files.write(session, java.util.Arrays.copyOf(Files.readAllBytes(session), 40));

        Process resumed = f.start("resumed");
        assertEquals(0, resumed.waitFor(), () -> f.log("resumed"));
        String log = f.log("resumed");
        assertTrue(log.contains("checkpoint-" + newest.step() + " does not verify"), log);
        assertTrue(log.contains("checkpoint-" + previous.step() + " does not verify"), log);
        assertTrue(log.contains("rebuilding it from the checkpoints"), log);
        assertTrue(
                log.contains(
                        "resuming from checkpoint-" + cps.get(cps.size() - 3).step()),
                log);
        File[] broken = f.output.resolve("checkpoints/broken").toFile().listFiles();
        assertEquals(2, broken.length, "both broken checkpoints are kept aside, not deleted");
        assertTrue(Files.readString(broken[0].toPath().resolve("REASON.txt")).contains("model.zip"));
        assertEquals(
                SessionStatus.COMPLETED,
                new SessionStore(f.output).read().state().orElseThrow().status());
        assertArrayEquals(uninterrupted, TrainerFixture.finalParams(f.output));
    }

    @Test
    void secondTrainerOnTheSameFolderExitsFive(@TempDir Path tmp) throws Exception {
        TrainerFixture f = TrainerFixture.create(tmp, 200, "", "");
        Process first = f.start("first");
        try {
            waitFor(() -> RunLock.holder(f.output).isPresent() || !first.isAlive(), 120, "the run lock");
            Process second = f.start("second");
            assertEquals(5, second.waitFor(), () -> f.log("second"));
            assertTrue(
                    f.log("second").contains("another trainer holds")
                            && f.log("second").contains("pid " + first.pid()),
                    () -> f.log("second"));
        } finally {
            first.destroy();
            first.waitFor(60, TimeUnit.SECONDS);
        }
        assertEquals(143, first.exitValue());
    }

    @Test
    void fullDiskGivesClearErrorAndKeepsOlderCheckpoints(@TempDir Path tmp) throws Exception {
        Path mount = tmp.resolve("small-disk");
        Files.createDirectories(mount);
        Process m = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", mount.toString())
                .redirectErrorStream(true)
                .start();
        boolean mounted = m.waitFor(10, TimeUnit.SECONDS) && m.exitValue() == 0;
        Assumptions.assumeTrue(
                mounted,
                "needs permission to mount a tmpfs (root); "
                        + new String(m.getInputStream().readAllBytes()));
        try {
            // the disk guard would refuse to start on 12 MB (DiskGuardIT); this is the failed save without it
            TrainerFixture f = TrainerFixture.create(mount, 200, "", "disk_guard: false");
            Process p = f.start("full");
            waitFor(
                    () -> new CheckpointStore(f.output).list().size() >= 1 || !p.isAlive(),
                    120,
                    "the first checkpoint");
            assertTrue(p.isAlive(), () -> f.log("full"));
            CheckpointStore.Checkpoint good =
                    new CheckpointStore(f.output).list().get(0);
            // fill the disk
            Path filler = mount.resolve("filler");
            try (var out = Files.newOutputStream(filler)) {
                byte[] mb = new byte[1 << 16];
                while (true) {
                    out.write(mb);
                }
            } catch (IOException expected) {
                // no space left
            }
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the run stops by itself");
            assertEquals(1, p.exitValue(), () -> f.log("full"));
            String log = f.log("full");
            assertTrue(log.contains("No space left on device") || log.contains("no space"), log);
            assertTrue(log.contains("checkpoint writes in a row failed"), log);
            assertTrue(new CheckpointStore(f.output).verify(good.dir()).ok(), "the older checkpoint is intact");
        } finally {
            new ProcessBuilder("umount", "-l", mount.toString()).start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    // ------------------------------------------------------------------ helpers

    private static boolean ownSession(TrainerFixture f, Process p) {
        return new SessionStore(f.output)
                .read()
                .state()
                .map(s -> s.pid() == p.pid() && s.status() == SessionStatus.RUNNING)
                .orElse(false);
    }
}
