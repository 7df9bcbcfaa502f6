package org.trainguard.examples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoDataGeneratorCommandLineTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return DemoDataGenerator.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void writesBothFilesAndReportsTheirRows(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("nested").resolve("four_class");
        int code = run("--out", target.toString(), "--train", "40", "--val", "10", "--seed", "5");

        assertEquals(0, code, err());
        assertEquals(40, Files.readAllLines(target.resolve("train.jsonl")).size());
        assertEquals(10, Files.readAllLines(target.resolve("val.jsonl")).size());
        assertTrue(out().contains("40 rows {ALLOW=16, ESCALATION=8, DENY=8, REFUSE=8}"), out());
        assertTrue(out().contains("10 rows {ALLOW=4, ESCALATION=2, DENY=2, REFUSE=2}"), out());
    }

    @Test
    void commandLineAndMethodGiveTheSameFiles(@TempDir Path dir) throws IOException {
        assertEquals(0, run("--out", dir.resolve("cli").toString(), "--train", "80", "--val", "20", "--seed", "-9"));
        DemoDataGenerator.generate(dir.resolve("api"), 80, 20, -9L);
        assertEquals(
                Files.readString(dir.resolve("api").resolve("train.jsonl")),
                Files.readString(dir.resolve("cli").resolve("train.jsonl")));
    }

    @Test
    void aNonNumericRowCountIsAUsageErrorNamingOptionAndValue(@TempDir Path dir) {
        int code = run("--out", dir.toString(), "--train", "abc");

        assertEquals(2, code);
        assertTrue(err().contains("--train must be a whole number, found 'abc'"), err());
        assertTrue(err().contains("Usage:"), err());
        assertFalse(Files.exists(dir.resolve("train.jsonl")));
    }

    @Test
    void aNegativeValidationCountIsAUsageError(@TempDir Path dir) {
        assertEquals(2, run("--out", dir.toString(), "--val", "-1"));
        assertTrue(err().contains("--val must be >= 0, found -1"), err());
    }

    @Test
    void unknownOptionMissingValueAndMissingOutAreUsageErrors(@TempDir Path dir) {
        assertEquals(2, run("--out", dir.toString(), "--rows", "5"));
        assertTrue(err().contains("unknown option '--rows'"), err());
        assertEquals(2, run("--out"));
        assertTrue(err().contains("--out needs a value"), err());
        assertEquals(2, run("--train", "5"));
        assertTrue(err().contains("--out is required"), err());
    }

    @Test
    void helpPrintsUsageAndSucceeds() {
        assertEquals(0, run("--help"));
        assertTrue(out().contains("--seed S"), out());
    }

    @Test
    void anOutputPathThatIsAFileFailsWithExitCodeOne(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("not-a-folder"), "x");
        assertEquals(1, run("--out", file.toString(), "--train", "3", "--val", "1"));
        assertTrue(err().contains("cannot write the demo dataset into " + file), err());
    }
}
