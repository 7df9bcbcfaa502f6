package org.trainguard.watchdog.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every failed prerequisite exits with 2, says what to fix, and leaves the disk as it was. */
class PrerequisitesTest {

    private static Fixture.Result failing(Path dir, Fixture run, String... args) throws Exception {
        Map<String, String> before = Fixture.snapshot(dir);
        Fixture.Result result = run.install(args);
        assertEquals(2, result.exitCode(), result.toString());
        assertEquals(before, Fixture.snapshot(dir), "a failed install changed files");
        return result;
    }

    @Test
    void anInvalidConfigNamesTheFileLineKeyAndValue(@TempDir Path dir) throws Exception {
        Fixture run = new Fixture(dir);
        Files.writeString(run.config, "data:\n  train: data/train.jsonl\ntraining:\n  batch_size: -3\n");

        Fixture.Result result = failing(dir, run);

        assertTrue(
                result.err()
                        .contains("install: config is not valid: train_four_class.yaml:4: "
                                + "training.batch_size must be > 0, found -3"),
                result.err());
    }

    @Test
    void aMissingConfigIsNamed(@TempDir Path dir) throws Exception {
        Fixture run = new Fixture(dir);
        Files.delete(run.config);

        Fixture.Result result = failing(dir, run);

        assertTrue(result.err().contains("config file not found: " + run.config), result.err());
    }

    @Test
    void aMissingWatchdogJarIsNamed(@TempDir Path dir) throws Exception {
        Fixture run = new Fixture(dir);
        Path missing = dir.resolve("dist/watchdog.jar");

        Fixture.Result result = failing(dir, run, "--watchdog-jar", missing.toString());

        assertTrue(
                result.err()
                        .contains("install: watchdog jar not found: " + missing
                                + " (pass --watchdog-jar with the path of watchdog.jar)"),
                result.err());
    }

    @Test
    void withoutAJarTheRunningClassesFolderIsNotTakenForOne(@TempDir Path dir) throws Exception {
        // Tests run from target/classes, not from watchdog.jar.
        Fixture run = new Fixture(dir);
        Fixture.Result result =
                Fixture.execute(new InstallCommand(), "--config", run.config.toString(), "--home", run.home.toString());

        assertEquals(2, result.exitCode(), result.toString());
        assertTrue(result.err().contains("cannot tell where watchdog.jar is"), result.err());
    }

    @Test
    void aJavaOlderThan17IsRefused(@TempDir Path dir) throws Exception {
        assumeTrue(Platform.current() != Platform.WINDOWS, "the stand-in java is a shell script");
        Fixture run = new Fixture(dir);
        Path oldJava = dir.resolve("jdk8/bin/java");
        Files.createDirectories(oldJava.getParent());
        Files.writeString(
                oldJava,
                "#!/bin/sh\necho 'java version \"1.8.0_292\"' >&2\n"
                        + "echo 'Java(TM) SE Runtime Environment (build 1.8.0_292-b10)' >&2\n");
        Files.setPosixFilePermissions(oldJava, PosixFilePermissions.fromString("rwxr-xr-x"));

        Fixture.Result result = failing(dir, run, "--java", oldJava.toString());

        assertTrue(
                result.err()
                        .contains(
                                "install: java " + oldJava + " is version 8; the watchdog needs Java 17 " + "or newer"),
                result.err());
    }

    @Test
    void aMissingJavaIsNamed(@TempDir Path dir) throws Exception {
        Fixture run = new Fixture(dir);
        Path missing = dir.resolve("no-jdk/bin/java");

        Fixture.Result result = failing(dir, run, "--java", missing.toString());

        assertTrue(result.err().contains("install: java not found: " + missing), result.err());
    }

    @Test
    void aServiceFolderThatCannotBeCreatedIsNamed(@TempDir Path dir) throws Exception {
        Fixture run = new Fixture(dir);
        Files.writeString(run.home.resolve(".config"), "a file where a folder belongs");

        Fixture.Result result = failing(dir, run, "--platform", "linux");

        assertTrue(
                result.err()
                        .contains("install: service folder " + run.home.resolve(".config/systemd/user")
                                + " cannot be created: " + run.home.resolve(".config") + " is a file, not a folder"),
                result.err());
    }

    @Test
    void anOutputFolderThatCannotBeCreatedIsNamed(@TempDir Path dir) throws Exception {
        Fixture run = new Fixture(dir);
        Files.writeString(run.config.resolveSibling("runs"), "a file where the output folder's parent belongs");

        Fixture.Result result = failing(dir, run);

        assertTrue(
                result.err()
                        .contains("install: output folder " + run.outputDir + " cannot be created: "
                                + run.config.resolveSibling("runs") + " is a file, not a folder"),
                result.err());
    }

    @Test
    void anotherPlatformsServiceIsNotInstalledForReal(@TempDir Path dir) throws Exception {
        Fixture run = new Fixture(dir);
        Platform other = Platform.current() == Platform.WINDOWS ? Platform.LINUX : Platform.WINDOWS;
        // No --home: this is the real thing, which must be refused before anything is written.
        Fixture.Result result = Fixture.execute(
                new InstallCommand(),
                "--config",
                run.config.toString(),
                "--watchdog-jar",
                run.jar.toString(),
                "--platform",
                other.id());

        assertEquals(2, result.exitCode(), result.toString());
        assertTrue(
                result.err()
                        .contains("install: cannot install a " + other.id() + " service on "
                                + Platform.current().id() + ": run install on that machine, or add --dry-run"),
                result.err());
    }

    @Test
    void everyProblemIsReportedAtOnce(@TempDir Path dir) throws Exception {
        Fixture run = new Fixture(dir);
        Files.writeString(run.home.resolve(".config"), "file");

        Fixture.Result result = failing(
                dir,
                run,
                "--platform",
                "linux",
                "--watchdog-jar",
                dir.resolve("missing.jar").toString());

        assertEquals(
                2, result.err().lines().filter(l -> l.startsWith("install: ")).count(), result.err());
        assertTrue(result.out().contains("FAILED  watchdog jar not found"), result.out());
        assertTrue(result.out().contains("ok      config " + run.config + " is valid"), result.out());
    }

    @Test
    void anUnknownPlatformIsAUsageError(@TempDir Path dir) throws Exception {
        Fixture run = new Fixture(dir);
        Fixture.Result result = run.install("--platform", "beos", "--dry-run");
        assertEquals(2, result.exitCode(), result.toString());
        assertTrue(result.err().contains("unknown platform 'beos'; use linux, windows or macos"), result.err());
    }
}
