package org.trainguard.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.trainguard.testing.Processes;

/** The trainer process rejects every Java deserialization, as a second line of defence. */
class SerialFilterIT {

    @Test
    void theTrainerProcessRejectsAllDeserialization() throws Exception {
        Process p = new ProcessBuilder(List.of(
                        Processes.java(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        SerialFilterCheck.class.getName(),
                        "--version"))
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("REJECTED"), out);
    }
}
