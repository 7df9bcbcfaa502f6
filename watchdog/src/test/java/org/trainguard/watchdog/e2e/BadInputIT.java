package org.trainguard.watchdog.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.testing.Processes;

/**
 * Every documented class of bad input, run through the real {@code trainer.jar}, {@code watchdog.jar run} and
 * {@code watchdog.jar install --dry-run}: each ends with its documented exit code and a one-line message naming what
 * is wrong (no stack trace), the watchdog never restarts it (so systemd does not either), and no file that was there
 * before changes: a symbolic link's target least of all.
 */
class BadInputIT {

    /** Programs a case runs through. */
    enum Program {
        TRAINER,
        WATCHDOG_RUN,
        INSTALL_DRY_RUN
    }

    /** Prepares a fresh folder (data, config and whatever is wrong) before a program runs in it. */
    @FunctionalInterface
    interface Setup {
        void prepare(Path dir) throws Exception;
    }

    /**
     * One bad input.
     *
     * @param name    what is wrong
     * @param setup   makes it so
     * @param message a fragment of the one-line message every program that fails must print
     * @param trainer the trainer's exit code
     * @param install {@code install --dry-run}'s exit code (it reads the config and checks folders, not data or locks)
     * @param installMessage what {@code install --dry-run} says instead, where its check words it otherwise
     */
    record Case(String name, Setup setup, String message, int trainer, int install, String installMessage) {
        Case(String name, Setup setup, String message, int trainer, int install) {
            this(name, setup, message, trainer, install, message);
        }

        String messageOf(Program program) {
            return program == Program.INSTALL_DRY_RUN ? installMessage : message;
        }
    }

    @TempDir
    static Path root;

    private static final String CONFIG = RealRun.standardConfig();

    private static List<Case> cases() {
        List<Case> all = new ArrayList<>();
        // ---- configuration errors: exit 2 before anything is written
        all.add(new Case(
                "unknown key",
                d -> config(d, CONFIG.replace("  learning_rate: 0.02\n", "  lerning_rate: 0.02\n")),
                "unknown key training.lerning_rate; did you mean training.learning_rate?",
                2,
                2));
        all.add(new Case("malformed YAML", d -> config(d, CONFIG + "eval: [\n"), "malformed YAML", 2, 2));
        all.add(new Case(
                "duration near Long.MAX_VALUE",
                d -> config(
                        d,
                        CONFIG.replace(
                                "  heartbeat_interval: 200ms\n",
                                "  heartbeat_interval: 200ms\n  autosave_interval: 9223372036854775807\n")),
                "session.autosave_interval must be at most 365d",
                2,
                2));
        all.add(new Case(
                "config over 1 MiB",
                d -> config(d, CONFIG + ("# " + "x".repeat(1000) + "\n").repeat(1100)),
                "more than the limit of 1048576",
                2,
                2));
        all.add(new Case(
                "config not UTF-8",
                d -> {
                    config(d, CONFIG);
                    byte[] bytes = (CONFIG + "# caf\u00e9\n").getBytes(StandardCharsets.ISO_8859_1);
                    Files.write(d.resolve("train.yaml"), bytes);
                },
                "is not UTF-8",
                2,
                2));
        all.add(new Case(
                "data file missing",
                d -> config(d, CONFIG.replace("train: train.jsonl", "train: missing.jsonl")),
                "data.train file not found",
                2,
                2));
        all.add(new Case(
                "data file is a folder",
                d -> {
                    config(d, CONFIG.replace("train: train.jsonl", "train: folder"));
                    Files.createDirectory(d.resolve("folder"));
                },
                "data.train must be a file, found a folder",
                2,
                2));
        all.add(new Case(
                "data file is a pipe",
                d -> {
                    config(d, CONFIG.replace("train: train.jsonl", "train: pipe.jsonl"));
                    mkfifo(d.resolve("pipe.jsonl"));
                },
                "data.train must be a regular file, found a pipe or a device",
                2,
                2));
        all.add(new Case(
                "webhook not http",
                d -> config(d, CONFIG + "watchdog:\n  webhook: ftp://example.com/T0KEN\n"),
                "watchdog.webhook must be an http or https URL, found \"ftp://example.com/...\"",
                2,
                2));
        // ---- data errors: exit 3
        all.add(new Case(
                "malformed JSONL record",
                d -> {
                    config(d, CONFIG);
                    Files.writeString(
                            d.resolve("train.jsonl"), "{\"text\": \"x\"\n", java.nio.file.StandardOpenOption.APPEND);
                },
                "malformed JSON",
                3,
                0));
        // ---- run folder errors: exit 2
        all.add(new Case(
                "output_dir is a file",
                d -> {
                    config(d, CONFIG);
                    Files.writeString(d.resolve("run"), "not a folder\n");
                },
                "is a file, not a folder",
                2,
                2));
        all.add(new Case(
                "output_dir is a symbolic link to a file",
                d -> {
                    config(d, CONFIG);
                    Files.writeString(d.resolve("elsewhere.txt"), "precious\n");
                    Files.createSymbolicLink(d.resolve("run"), d.resolve("elsewhere.txt"));
                },
                "is a symbolic link to a file, not a folder",
                2,
                2,
                "is a file, not a folder"));
        all.add(new Case(
                "trainguard.lock is a folder",
                d -> {
                    config(d, CONFIG);
                    Files.createDirectories(d.resolve("run/trainguard.lock"));
                },
                "trainguard.lock is a folder, not a file",
                2,
                0));
        all.add(new Case(
                "trainguard.lock is a symbolic link",
                d -> {
                    config(d, CONFIG);
                    Files.createDirectories(d.resolve("run"));
                    Files.writeString(d.resolve("precious.txt"), "must not be truncated\n");
                    Files.createSymbolicLink(d.resolve("run/trainguard.lock"), d.resolve("precious.txt"));
                },
                "trainguard.lock is a symbolic link",
                2,
                0));
        all.add(new Case(
                "metrics.jsonl is a symbolic link",
                d -> {
                    config(d, CONFIG);
                    Files.createDirectories(d.resolve("run"));
                    Files.writeString(d.resolve("precious.txt"), "must not be appended to\n");
                    Files.createSymbolicLink(d.resolve("run/metrics.jsonl"), d.resolve("precious.txt"));
                },
                "metrics.jsonl is a symbolic link",
                2,
                0));
        all.add(new Case(
                "trainer.log is a symbolic link",
                d -> {
                    config(d, CONFIG);
                    Files.createDirectories(d.resolve("run/logs"));
                    Files.writeString(d.resolve("precious.txt"), "must not be appended to\n");
                    Files.createSymbolicLink(d.resolve("run/logs/trainer.log"), d.resolve("precious.txt"));
                },
                "trainer.log is a symbolic link",
                2,
                0));
        return all;
    }

    @TestFactory
    Stream<DynamicTest> everyBadInputEndsWithItsCodeAndOneLineAndChangesNothing() {
        List<DynamicTest> tests = new ArrayList<>();
        int n = 0;
        for (Case c : cases()) {
            for (Program program : Program.values()) {
                Path dir = root.resolve("case-" + (++n) + "-" + program.name().toLowerCase());
                tests.add(DynamicTest.dynamicTest(c.name() + " / " + program, () -> check(c, program, dir)));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> aWatchdogLockThatIsASymbolicLinkIsRefused() {
        return Stream.of(DynamicTest.dynamicTest("watchdog.lock is a symbolic link / WATCHDOG_RUN", () -> {
            Path dir = root.resolve("watchdog-lock-link");
            check(
                    new Case(
                            "watchdog.lock is a symbolic link",
                            d -> {
                                config(d, CONFIG);
                                Files.createDirectories(d.resolve("run"));
                                Files.writeString(d.resolve("precious.txt"), "must not be truncated\n");
                                Files.createSymbolicLink(d.resolve("run/watchdog.lock"), d.resolve("precious.txt"));
                            },
                            "watchdog.lock is a symbolic link",
                            2,
                            0),
                    Program.WATCHDOG_RUN,
                    dir);
        }));
    }

    private static void check(Case c, Program program, Path dir) throws Exception {
        Files.createDirectories(dir);
        c.setup().prepare(dir);
        Map<String, String> before = snapshot(dir);
        int expected =
                switch (program) {
                    case TRAINER, WATCHDOG_RUN -> c.trainer();
                    case INSTALL_DRY_RUN -> c.install();
                };
        Path outFile = dir.getParent().resolve(dir.getFileName() + ".out");
        Process p = start(program, dir, outFile);
        assertTrue(p.waitFor(RealRun.PATIENCE.toMinutes(), TimeUnit.MINUTES), c.name() + ": did not end");
        String out = Files.readString(outFile, StandardCharsets.UTF_8);
        // under the watchdog, the trainer's own lines are in its console log
        String console = read(dir.resolve("run/logs/trainer-console.log"));
        String all = out + console;
        assertEquals(expected, p.exitValue(), c.name() + " / " + program + " printed:\n" + all);
        assertFalse(all.contains("\tat ") || all.contains("unexpected failure"), "a stack trace:\n" + all);
        if (expected != 0) {
            assertTrue(
                    all.contains(c.messageOf(program)),
                    "the message names the problem (" + c.messageOf(program) + "):\n" + all);
            if (program == Program.TRAINER) {
                assertEquals(1, out.lines().filter(l -> l.contains(c.message())).count(), "one line:\n" + out);
            } else if (program == Program.INSTALL_DRY_RUN) {
                // install lists every check, then ends with one line per failed check
                assertEquals(
                        1,
                        out.lines()
                                .filter(l -> l.startsWith("install: ") && l.contains(c.messageOf(program)))
                                .count(),
                        "one closing line:\n" + out);
            }
        }
        if (program == Program.WATCHDOG_RUN && expected != 0) {
            String log = read(dir.resolve("run/logs/watchdog.log"));
            assertFalse(log.contains("restarting in") || out.contains("restarting in"), "not restarted:\n" + out);
            assertTrue(
                    log.lines().filter(l -> l.contains("trainer started pid")).count() <= 1,
                    "one trainer at most:\n" + log);
        }
        assertFalse(all.contains("T0KEN"), "the webhook URL is a secret:\n" + all);
        Map<String, String> after = snapshot(dir);
        for (Map.Entry<String, String> e : before.entrySet()) {
            assertEquals(
                    e.getValue(), after.get(e.getKey()), c.name() + " / " + program + ": " + e.getKey() + " changed");
        }
        if (expected == 2
                && !c.name().contains("lock")
                && !c.name().contains("symbolic")
                && !c.name().contains("file")) {
            assertEquals(before.keySet(), after.keySet(), "a configuration error writes nothing");
        }
    }

    private static Process start(Program program, Path dir, Path out) throws IOException {
        RealRun.Jars jars = RealRun.jars();
        String java = Processes.java();
        String config = dir.resolve("train.yaml").toString();
        List<String> cmd =
                switch (program) {
                    case TRAINER -> List.of(java, "-jar", jars.trainer().toString(), "--config", config);
                    case WATCHDOG_RUN ->
                        List.of(
                                java,
                                "-jar",
                                jars.watchdog().toString(),
                                "run",
                                "--config",
                                config,
                                "--no-audio",
                                "--trainer-jar",
                                jars.trainer().toString(),
                                "--check-interval",
                                "1s",
                                "--backoff-initial",
                                "200ms");
                    case INSTALL_DRY_RUN ->
                        List.of(
                                java,
                                "-jar",
                                jars.watchdog().toString(),
                                "install",
                                "--config",
                                config,
                                "--dry-run",
                                "--java",
                                java);
                };
        Process p = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        p.getOutputStream().close();
        return p;
    }

    /** Every regular file and link under the folder: a file's SHA-256, a link's target and its target's SHA-256. */
    private static Map<String, String> snapshot(Path dir) throws Exception {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.toList()) {
                String name = dir.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    Path target = Files.readSymbolicLink(p);
                    files.put(name, "link to " + target + (Files.isRegularFile(p) ? " " + sha256(p) : ""));
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    files.put(name, sha256(p));
                }
            }
        }
        return files;
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static void config(Path dir, String yaml) throws IOException {
        copy("e2e/train.jsonl", dir.resolve("train.jsonl"));
        copy("e2e/val.jsonl", dir.resolve("val.jsonl"));
        Files.writeString(dir.resolve("train.yaml"), yaml);
    }

    private static void copy(String resource, Path target) throws IOException {
        try (InputStream in = BadInputIT.class.getClassLoader().getResourceAsStream(resource)) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void mkfifo(Path file) throws Exception {
        assertEquals(0, new ProcessBuilder("mkfifo", file.toString()).start().waitFor(), "mkfifo " + file);
    }
}
