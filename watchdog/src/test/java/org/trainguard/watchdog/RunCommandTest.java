package org.trainguard.watchdog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.config.ConfigLoader;
import org.trainguard.config.WatchdogConfig;
import picocli.CommandLine;

class RunCommandTest {

    @TempDir
    Path dir;

    Path config;

    @BeforeEach
    void writeConfig() throws Exception {
        Files.writeString(dir.resolve("train.jsonl"), "{\"text\": \"hello\", \"label\": \"ALLOW\"}\n");
        config = dir.resolve("train.yaml");
        Files.writeString(config, """
                data:
                  train: train.jsonl
                training:
                  output_dir: runs/four_class
                session:
                  heartbeat_interval: 2s
                watchdog:
                  check_interval: 30s
                  webhook: https://hooks.example.com/services/T000/B000/secret-token
                  java_opts: [-Xmx1g]
                """);
    }

    private static RunCommand parse(String... args) {
        CommandLine cl = WatchdogCli.commandLine();
        cl.parseArgs(args);
        return cl.getSubcommands().get("run").getCommand();
    }

    private WatchdogConfig effective(String... extra) {
        String[] args = new String[extra.length + 3];
        args[0] = "run";
        args[1] = "--config";
        args[2] = config.toString();
        System.arraycopy(extra, 0, args, 3, extra.length);
        return parse(args).effectiveSettings(ConfigLoader.load(config));
    }

    private record Outcome(int code, String out, String err) {}

    private static Outcome execute(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = WatchdogCli.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Outcome(code, out.toString(), err.toString());
    }

    @Test
    void theConfigIsUsedWhereNoOptionIsGiven() {
        WatchdogConfig w = effective();
        assertEquals(Duration.ofSeconds(30), w.checkInterval());
        assertEquals(Duration.ofMinutes(30), w.hangTimeout());
        assertEquals(Duration.ofSeconds(120), w.stopTimeout());
        assertEquals(5, w.crashLoopFailures());
        assertTrue(w.audio());
        assertEquals(List.of("-Xmx1g"), w.javaOpts());
        assertEquals(
                dir.resolve("runs/four_class/logs/watchdog.log")
                        .toAbsolutePath()
                        .normalize(),
                w.logFile());
    }

    @Test
    void optionsOverrideTheConfig() throws Exception {
        Path wav = Files.writeString(dir.resolve("ding.wav"), "RIFF");
        WatchdogConfig w = effective(
                "--check-interval",
                "1s",
                "--hang-timeout",
                "5s",
                "--stop-timeout",
                "90s",
                "--backoff-initial",
                "200ms",
                "--backoff-max",
                "1s",
                "--max-failures",
                "3",
                "--failure-window",
                "10m",
                "--sound",
                wav.toString(),
                "--webhook",
                "http://127.0.0.1:9/hook",
                "--log-file",
                "wd.log",
                "--java-opt=-Xmx2g",
                "--java-opt",
                "-Dfoo=bar");
        assertEquals(Duration.ofSeconds(1), w.checkInterval());
        assertEquals(Duration.ofSeconds(5), w.hangTimeout());
        assertEquals(Duration.ofSeconds(90), w.stopTimeout());
        assertEquals(Duration.ofMillis(200), w.backoffInitial());
        assertEquals(Duration.ofSeconds(1), w.backoffMax());
        assertEquals(3, w.crashLoopFailures());
        assertEquals(Duration.ofMinutes(10), w.crashLoopWindow());
        assertTrue(w.audio());
        assertEquals(Optional.of(wav.toAbsolutePath()), w.sound());
        assertEquals(Optional.of(URI.create("http://127.0.0.1:9/hook")), w.webhook());
        assertEquals(Path.of("wd.log").toAbsolutePath(), w.logFile());
        assertEquals(List.of("-Xmx2g", "-Dfoo=bar"), w.javaOpts(), "--java-opt replaces watchdog.java_opts");
        assertFalse(effective("--no-audio").audio());
    }

    @Test
    void badOptionValuesAreUsageErrorsNamingTheOption() {
        Outcome bad = execute("run", "--config", config.toString(), "--check-interval", "soon");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--check-interval must be a duration like"), bad.err());
        assertTrue(bad.err().contains("soon"), bad.err());

        Outcome zero = execute("run", "--config", config.toString(), "--stop-timeout", "0s");
        assertEquals(2, zero.code());
        assertTrue(zero.err().contains("--stop-timeout must be > 0, found 0s"), zero.err());

        Outcome order =
                execute("run", "--config", config.toString(), "--backoff-initial", "10s", "--backoff-max", "5s");
        assertEquals(2, order.code());
        assertTrue(order.err().contains("--backoff-max must be >= the initial back-off (10s), found 5s"), order.err());

        Outcome hang = execute("run", "--config", config.toString(), "--hang-timeout", "1s");
        assertEquals(2, hang.code());
        assertTrue(
                hang.err().contains("--hang-timeout must be longer than session.heartbeat_interval (2s), found 1s"),
                hang.err());

        Outcome failures = execute("run", "--config", config.toString(), "--max-failures", "0");
        assertEquals(2, failures.code());
        assertTrue(failures.err().contains("--max-failures must be >= 1, found 0"), failures.err());
    }

    @Test
    void contradictionsAndMissingFilesAreUsageErrors() {
        Outcome both = execute("run", "--config", config.toString(), "--no-audio", "--sound", "x.wav");
        assertEquals(2, both.code());
        assertTrue(both.err().contains("--no-audio and --sound"), both.err());

        Outcome jar = execute(
                "run",
                "--config",
                config.toString(),
                "--trainer-jar",
                dir.resolve("nope.jar").toString());
        assertEquals(2, jar.code());
        assertTrue(jar.err().contains("--trainer-jar: no such file " + dir.resolve("nope.jar")), jar.err());

        Outcome noJar = execute("run", "--config", config.toString());
        assertEquals(2, noJar.code());
        assertTrue(noJar.err().contains("trainer.jar not found"), noJar.err());
        assertTrue(noJar.err().contains("--trainer-jar"), noJar.err());
    }

    @Test
    void theTrainerIsLookedForBesideTheWatchdogJarThenInTheSourceTreesBuild() {
        Path tree = dir.resolve("trainguard");
        assertEquals(
                List.of(tree.resolve("watchdog/target/trainer.jar"), tree.resolve("trainer/target/trainer.jar")),
                RunCommand.trainerJarCandidates(tree.resolve("watchdog/target/watchdog.jar")));
        // An installed copy has no source tree around it.
        assertEquals(
                List.of(dir.resolve("opt/trainer.jar")),
                RunCommand.trainerJarCandidates(dir.resolve("opt/watchdog.jar")));
    }

    @Test
    void aBadWebhookIsRefusedWithoutShowingItsSecret() {
        Outcome hook =
                execute("run", "--config", config.toString(), "--webhook", "ftp://files.example.com/token-abc123");
        assertEquals(2, hook.code());
        assertTrue(hook.err().contains("ftp://files.example.com/..."), hook.err());
        assertFalse(hook.err().contains("token-abc123"), hook.err());
    }

    @Test
    void aConfigErrorIsExitTwoWithTheFileAndKey() throws Exception {
        Files.writeString(config, "data:\n  train: train.jsonl\nwatchdog:\n  check_interval: -3\n");
        Outcome o = execute("run", "--config", config.toString());
        assertEquals(2, o.code());
        assertTrue(o.err().startsWith("error: train.yaml:4: watchdog.check_interval"), o.err());

        Outcome missing =
                execute("status", "--config", dir.resolve("missing.yaml").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("config file not found"), missing.err());
    }

    @Test
    void missingConfigOptionAndMissingCommandAreUsageErrors() {
        assertEquals(2, execute("run").code());
        Outcome none = execute();
        assertEquals(2, none.code());
        assertTrue(none.err().contains("give a command"), none.err());
        assertThrows(CommandLine.UnmatchedArgumentException.class, () -> parse("run", "--config", "x", "--bogus"));
    }

    @Test
    void helpListsEveryCommandAndTheExitCodes() {
        Outcome help = execute("--help");
        assertEquals(0, help.code());
        for (String word : List.of("run", "status", "stop", "install", "uninstall", "crash loop")) {
            assertTrue(help.out().contains(word), word + " in " + help.out());
        }
        Outcome runHelp = execute("run", "--help");
        for (String option : List.of(
                "--config",
                "--log-file",
                "--check-interval",
                "--no-audio",
                "--sound",
                "--webhook",
                "--hang-timeout",
                "--startup-timeout",
                "--stop-timeout",
                "--backoff-max",
                "--max-failures",
                "--failure-window",
                "--trainer-jar",
                "--java",
                "--java-opt")) {
            assertTrue(runHelp.out().contains(option), option + " in " + runHelp.out());
        }
    }

    @Test
    void statusOfARunThatNeverStartedPrintsTextAndJson() {
        Outcome text = execute("status", "--config", config.toString());
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("watchdog:       not running"), text.out());
        assertTrue(text.out().contains("starts the run"), text.out());
        Outcome json = execute("status", "--config", config.toString(), "--json");
        assertEquals(0, json.code(), json.err());
        assertTrue(json.out().contains("\"supervised\" : false"), json.out());
    }

    @Test
    void stopWithNothingRunningSaysSo() {
        Outcome o = execute("stop", "--config", config.toString());
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("nothing to stop"), o.out());
    }
}
