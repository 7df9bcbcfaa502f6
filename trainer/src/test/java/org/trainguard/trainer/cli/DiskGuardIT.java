package org.trainguard.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trainguard.testing.Waits.waitFor;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.core.checkpoint.CheckpointStore;
import org.trainguard.core.checkpoint.DiskGuard;
import org.trainguard.core.run.SessionState;
import org.trainguard.core.run.SessionStatus;
import org.trainguard.core.run.SessionStore;
import org.trainguard.trainer.train.TrainingRun;

/**
 * The disk-space guard with real trainer processes writing to a small tmpfs mounted by the test (skipped where
 * mounting is not allowed).
 */
@EnabledOnOs(OS.LINUX)
class DiskGuardIT {

    private Path mounted;

    /** Mounts a tmpfs of {@code size} on the run's output folder, or skips the test. */
    private void mountTmpfs(Path at, String size) throws Exception {
        Files.createDirectories(at);
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", at.toString())
                .redirectErrorStream(true)
                .start();
        String said = new String(p.getInputStream().readAllBytes());
        boolean ok = p.waitFor(1, TimeUnit.MINUTES) && p.exitValue() == 0;
        Assumptions.assumeTrue(ok, () -> "cannot mount a tmpfs here: " + said.strip());
        mounted = at;
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted != null) {
            new ProcessBuilder("umount", "-l", mounted.toString())
                    .inheritIO()
                    .start()
                    .waitFor(1, TimeUnit.MINUTES);
        }
    }

    @Test
    void aFullDiskStopsTheRunBeforeTheNextCheckpointWithExit7AfterDeletingWhatRotationWouldDelete(@TempDir Path tmp)
            throws Exception {
        TrainerFixture f = TrainerFixture.create(tmp, 4, "", "disk_margin_mb: 4"); // keep_last 3, every 25 steps
        mountTmpfs(f.output, "48m");
        ProcessBuilder pb = TrainerFixture.process(f.dir, "--config", f.config.toString());
        // the trainer waits after step 101 (checkpoint-100 handed to the writer) while the disk is filled, however
        // fast it trains
        Path paused = tmp.resolve("paused-after-101");
        pb.command().add(1, "-D" + TrainingRun.STEP_PAUSE_PROPERTY + "=101:" + paused);
        pb.redirectErrorStream(true);
        pb.redirectOutput(tmp.resolve("trainer.log").toFile());
        Process p = pb.start();
        Path cps = f.output.resolve(CheckpointStore.DIR_NAME);
        waitFor(() -> Files.exists(paused) || !p.isAlive(), "the pause after step 101");
        waitFor(() -> Files.isDirectory(cps.resolve("checkpoint-100")) || !p.isAlive(), "checkpoint-100");
        assertTrue(p.isAlive(), () -> log(tmp));
        long size;
        try {
            // leave half a checkpoint free
            size = DiskGuard.sizeOnDisk(cps.resolve("checkpoint-100"));
            long free = Files.getFileStore(f.output).getUsableSpace();
            try (RandomAccessFile filler =
                    new RandomAccessFile(f.output.resolve("filler.bin").toFile(), "rw")) {
                byte[] block = new byte[1 << 20];
                long want = free - size / 2;
                for (long written = 0; written < want; written += block.length) {
                    filler.write(block, 0, (int) Math.min(block.length, want - written));
                }
            }
        } finally {
            Files.deleteIfExists(paused);
        }
        assertTrue(p.waitFor(5, TimeUnit.MINUTES));
        assertEquals(7, p.exitValue(), () -> log(tmp));

        String log = log(tmp);
        // checkpoint-75 is the best (the evaluation at step 75), checkpoint-100 the newest; rotation after
        // checkpoint-125 would delete checkpoint-50
        assertTrue(log.contains("deleted checkpoint-50 now, which rotation would delete after the next save"), log);
        assertTrue(log.contains("not enough disk space for the checkpoint at step 125"), log);
        assertFalse(Files.exists(cps.resolve("checkpoint-50")), "rotated out early");
        assertTrue(
                new CheckpointStore(f.output)
                        .verify(cps.resolve("checkpoint-75"))
                        .ok(),
                "the best is kept");
        assertTrue(
                new CheckpointStore(f.output)
                        .verify(cps.resolve("checkpoint-100"))
                        .ok(),
                "the last good checkpoint is kept");
        assertFalse(Files.exists(cps.resolve("checkpoint-125")));
        try (var left = Files.list(cps)) {
            assertTrue(left.noneMatch(x -> x.getFileName().toString().startsWith(".tmp-")), "nothing half written");
        }
        SessionState s = new SessionStore(f.output).read().state().orElseThrow();
        assertEquals(SessionStatus.FAILED, s.status());
        assertEquals(7, s.exitInfo().orElseThrow().code());
        assertNotNull(s.disk(), "the session file says how much is missing");
        assertTrue(
                s.disk().missingBytes() > 0 && s.disk().neededBytes() >= size + (4 << 20),
                s.disk().toString());
        assertEquals(s.disk().neededBytes() - s.disk().freeBytes(), s.disk().missingBytes());
        assertEquals(125, s.disk().step());

        TrainerFixture.CliRun status = TrainerFixture.cli("status", "--config", f.config.toString());
        assertTrue(
                status.out().contains("not enough space for the next checkpoint")
                        && status.out().contains(s.disk().missingBytes() + " missing"),
                status.out());

        // with the space back, the same command resumes from checkpoint-100 and completes
        Files.delete(f.output.resolve("filler.bin"));
        ProcessBuilder again = TrainerFixture.process(f.dir, "--config", f.config.toString());
        again.redirectErrorStream(true);
        again.redirectOutput(tmp.resolve("trainer2.log").toFile());
        Process p2 = again.start();
        assertTrue(p2.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, p2.exitValue(), () -> readQuietly(tmp.resolve("trainer2.log")));
        SessionState done = new SessionStore(f.output).read().state().orElseThrow();
        assertEquals(SessionStatus.COMPLETED, done.status());
        assertEquals(null, done.disk(), "cleared once the checkpoints fit again");
        assertEquals(100, done.resumes().get(done.resumes().size() - 1).fromStep());
    }

    @Test
    void aRunThatCannotHoldOneCheckpointIsRefusedAtStartNamingTheFigures(@TempDir Path tmp) throws Exception {
        TrainerFixture f = TrainerFixture.create(tmp, 1, "", "disk_margin_mb: 8");
        mountTmpfs(f.output, "6m");
        ProcessBuilder pb = TrainerFixture.process(f.dir, "--config", f.config.toString());
        pb.redirectErrorStream(true);
        pb.redirectOutput(tmp.resolve("trainer.log").toFile());
        Process p = pb.start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES));
        String log = log(tmp);
        assertEquals(7, p.exitValue(), log);
        assertTrue(log.contains("error: not enough disk space to start the run in " + f.output), log);
        assertTrue(
                log.contains("the next checkpoint needs")
                        && log.contains("bytes) free")
                        && log.contains("bytes) missing"),
                log);
        assertFalse(Files.exists(f.output.resolve(CheckpointStore.DIR_NAME).resolve("checkpoint-25")));
        SessionState s = new SessionStore(f.output).read().state().orElseThrow();
        assertEquals(7, s.exitInfo().orElseThrow().code());
        assertTrue(
                s.disk().neededBytes() > 8L << 20 && s.disk().freeBytes() < 6L << 20,
                s.disk().toString());
    }

    private static void signal(String name, long pid) throws Exception {
        assertEquals(
                0,
                new ProcessBuilder("kill", "-" + name, Long.toString(pid))
                        .start()
                        .waitFor());
    }

    private static String log(Path tmp) {
        return readQuietly(tmp.resolve("trainer.log"));
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
