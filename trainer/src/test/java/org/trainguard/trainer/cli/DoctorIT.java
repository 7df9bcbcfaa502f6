package org.trainguard.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.trainguard.testing.Processes;

/** {@code doctor} from trainer.jar names DL4J's and ND4J's versions, not trainguard's. */
class DoctorIT {

    @Test
    void versionsInTheJarAreTheLibrariesOwn() throws Exception {
        Path jar = Path.of("target", "trainer.jar").toAbsolutePath();
        Process p = new ProcessBuilder(Processes.java(), "-jar", jar.toString(), "doctor", "--json")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), out);
        JsonNode doctor = new ObjectMapper().readTree(out);
        // the versions of the jars this test itself runs with
        assertEquals(
                Doctor.mavenVersion("org.deeplearning4j", "deeplearning4j-nn"),
                doctor.get("dl4j_version").asText(),
                out);
        assertEquals(
                Doctor.mavenVersion("org.nd4j", "nd4j-api"),
                doctor.get("nd4j_version").asText(),
                out);
        assertNotEquals("unknown", doctor.get("dl4j_version").asText(), out);
        assertNotEquals(
                doctor.get("trainguard").asText(), doctor.get("dl4j_version").asText(), out);
    }
}
