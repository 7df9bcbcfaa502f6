package org.trainguard.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trainguard.testing.Waits.waitFor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.core.run.SessionStore;

/**
 * While a run trains it holds a request that the machine stay awake, and lets go of it when the run ends,
 * however it ends. systemd-logind does not run in a build container, so a stand-in {@code systemd-inhibit}
 * on the trainer's PATH records how it was called and then runs the command it was given, as the real
 * one does.
 */
@EnabledOnOs(OS.LINUX)
class SleepInhibitIT {

    private static final String STAND_IN = """
            #!/bin/sh
            echo "$$ $*" >> "%s"
            # the real tool runs the last argument while it holds the lock
            for last; do :; done
            exec "$last"
            """;

    @TempDir
    Path tmp;

    @Test
    void theRequestIsHeldWhileTrainingAndReleasedAtTheEnd() throws Exception {
        Path record = tmp.resolve("inhibit.txt");
        TrainerFixture f = TrainerFixture.create(tmp, 2, "", "");
        Process p = start(f, record);
        waitFor(() -> Files.exists(record) || !p.isAlive(), "the inhibitor to start");
        String[] call = Files.readString(record).strip().split(" ", 2);
        long inhibitor = Long.parseLong(call[0]);
        assertTrue(
                call[1].contains("--what=sleep:idle") && call[1].contains("--mode=block") && call[1].endsWith(" cat"),
                call[1]);
        assertTrue(
                p.isAlive()
                        && ProcessHandle.of(inhibitor)
                                .map(ProcessHandle::isAlive)
                                .orElse(false),
                "held while the trainer runs");

        assertTrue(p.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), () -> log(f));
        waitFor(() -> ProcessHandle.of(inhibitor).map(h -> !h.isAlive()).orElse(true), "the inhibitor to end");
        assertTrue(log(f).contains("keeping the machine from sleeping"), () -> log(f));
    }

    @Test
    void aKilledTrainerDoesNotKeepTheMachineAwake() throws Exception {
        Path record = tmp.resolve("inhibit.txt");
        TrainerFixture f = TrainerFixture.create(tmp, 3, "", "");
        Process p = start(f, record);
        SessionStore store = new SessionStore(f.output);
        waitFor(
                () -> (Files.exists(record)
                                && store.read().state().map(s -> s.step() >= 5).orElse(false))
                        || !p.isAlive(),
                "step 5");
        long inhibitor = Long.parseLong(Files.readString(record).strip().split(" ", 2)[0]);
        assertTrue(
                ProcessHandle.of(inhibitor).map(ProcessHandle::isAlive).orElse(false), "held while the trainer runs");

        p.destroyForcibly(); // SIGKILL: no code of the trainer runs
        assertEquals(137, p.waitFor());
        waitFor(
                () -> ProcessHandle.of(inhibitor).map(h -> !h.isAlive()).orElse(true),
                "the inhibitor to end after kill -9");
    }

    @Test
    void inhibitSleepFalseAsksNothing() throws Exception {
        Path record = tmp.resolve("inhibit.txt");
        TrainerFixture f = TrainerFixture.create(tmp, 1, "", "");
        Files.writeString(
                f.config, Files.readString(f.config).replace("session:\n", "session:\n  inhibit_sleep: false\n"));
        Process p = start(f, record);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), () -> log(f));
        assertFalse(Files.exists(record), "no inhibitor was started");
        assertFalse(log(f).contains("sleeping"), () -> log(f));
    }

    private Process start(TrainerFixture f, Path record) throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path tool = bin.resolve("systemd-inhibit");
        Files.writeString(tool, STAND_IN.formatted(record));
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessBuilder pb = TrainerFixture.process(f.dir, "--config", f.config.toString());
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.redirectErrorStream(true);
        pb.redirectOutput(f.dir.resolve("trainer.log").toFile());
        return pb.start();
    }

    private static String log(TrainerFixture f) {
        try {
            return Files.readString(f.dir.resolve("trainer.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
