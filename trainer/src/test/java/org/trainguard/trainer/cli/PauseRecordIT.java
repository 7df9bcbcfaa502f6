package org.trainguard.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trainguard.testing.Waits.waitFor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.core.run.SessionState;
import org.trainguard.core.run.SessionStore;

/** A trainer that was stopped for a while (as by a suspend or a frozen VM) records the pause in its session file. */
@EnabledOnOs({OS.LINUX, OS.MAC})
class PauseRecordIT {

    @Test
    void aStoppedAndContinuedTrainerRecordsHowLongItWasPaused(@TempDir Path tmp) throws Exception {
        TrainerFixture f = TrainerFixture.create(tmp, 10, "", ""); // 750 steps: still training when the test stops it
        ProcessBuilder pb = TrainerFixture.process(f.dir, "--config", f.config.toString());
        pb.redirectErrorStream(true);
        pb.redirectOutput(tmp.resolve("trainer.log").toFile());
        Process p = pb.start();
        SessionStore store = new SessionStore(f.output);
        waitFor(
                () -> store.read()
                                .state()
                                .map(s -> s.pid() == p.pid() && s.step() >= 5)
                                .orElse(false)
                        || !p.isAlive(),
                "step 5");
        assertTrue(p.isAlive(), () -> log(tmp));
        assertTrue(store.read().state().orElseThrow().pauses().isEmpty(), "no pause before the test made one");

        Instant stopped = Instant.now();
        signal("STOP", p.pid());
        Thread.sleep(13_000);
        signal("CONT", p.pid());

        waitFor(
                () -> !store.read()
                                .state()
                                .map(SessionState::pauses)
                                .orElse(List.of())
                                .isEmpty()
                        || !p.isAlive(),
                "a pause in the session file");
        SessionState.Pause pause = store.read().state().orElseThrow().pauses().get(0);
        assertTrue(pause.seconds() >= 11 && pause.seconds() < 120, "paused for " + pause.seconds() + " s");
        assertTrue(
                !pause.at().isBefore(stopped.minusSeconds(2)) && pause.at().isBefore(stopped.plusSeconds(5)),
                pause + " vs " + stopped);
        assertTrue(log(tmp).contains("the trainer did not run for"), () -> log(tmp));

        signal("TERM", p.pid());
        assertTrue(p.waitFor(5, TimeUnit.MINUTES));
        assertEquals(143, p.exitValue(), () -> log(tmp));
        assertEquals(1, store.read().state().orElseThrow().pauses().size(), "kept across the final write");
    }

    private static void signal(String name, long pid) throws Exception {
        assertEquals(
                0,
                new ProcessBuilder("kill", "-" + name, Long.toString(pid))
                        .start()
                        .waitFor());
    }

    private static String log(Path tmp) {
        try {
            return Files.readString(tmp.resolve("trainer.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
