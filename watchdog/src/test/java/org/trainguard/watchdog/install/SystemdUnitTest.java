package org.trainguard.watchdog.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemdUnitTest {

    private static Optional<Path> systemdAnalyze() {
        for (String folder : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path candidate = Path.of(folder.isEmpty() ? "." : folder, "systemd-analyze");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static Path installedUnit(Fixture run, String... more) {
        Fixture.Result result = run.install(more);
        assertEquals(0, result.exitCode(), result.toString());
        return ServiceLocations.of(Platform.LINUX, run.home, false, Map.of()).unitFile("train_four_class");
    }

    /** Runs {@code systemd-analyze verify} and returns its complaints about this unit (none when it is fine). */
    private static List<String> verify(Path unit) throws Exception {
        Optional<Path> analyze = systemdAnalyze();
        assumeTrue(analyze.isPresent(), "systemd-analyze is not installed (Debian package systemd)");
        CommandRunner.Outcome outcome = CommandRunner.system()
                .run(List.of(analyze.get().toString(), "verify", unit.toString()), Duration.ofSeconds(60));
        List<String> complaints = outcome.output()
                .lines()
                .filter(line -> line.contains(unit.getFileName().toString()))
                .toList();
        assertEquals(0, outcome.exitCode(), outcome.output());
        return complaints;
    }

    @Test
    void theUnitPassesSystemdAnalyzeVerify(@TempDir Path dir) throws Exception {
        Fixture run = new Fixture(dir);
        Path unit = installedUnit(run, "--platform", "linux", "--java", Fixture.java(), "--java-opt=-Xmx2g");
        assertEquals(List.of(), verify(unit));
    }

    @Test
    void pathsWithSpacesPercentAndDollarStillVerifyAndAreEscaped(@TempDir Path dir) throws Exception {
        Fixture run = new Fixture(dir, "my runs 100% $HOME");
        Path unit = installedUnit(run, "--platform", "linux", "--java", Fixture.java());
        assertEquals(List.of(), verify(unit));
        String text = Files.readString(unit);
        Path folder = run.config.getParent();
        assertTrue(text.contains("\nWorkingDirectory=" + folder.toString().replace("%", "%%") + "\n"), text);
        assertTrue(
                text.contains("run --config \""
                        + folder.toString().replace("%", "%%").replace("$", "$$") + "/train_four_class.yaml\"\n"),
                text);
    }

    @Test
    void theUnitHasTheDocumentedSettings(@TempDir Path dir) throws Exception {
        Fixture run = new Fixture(dir);
        Path unit = installedUnit(run, "--platform", "linux", "--java", Fixture.java(), "--java-opt=-Xmx8g");
        List<String> lines = Files.readAllLines(unit);

        assertTrue(
                lines.contains("ExecStart=\"" + Fixture.java() + "\" -jar \"" + run.jar + "\" run --config \""
                        + run.config + "\" \"--java-opt=-Xmx8g\""),
                String.join("\n", lines));
        for (String setting : List.of(
                "[Unit]",
                "After=network-online.target",
                "[Service]",
                "Type=simple",
                "Restart=on-failure",
                "RestartSec=30",
                "KillSignal=SIGTERM",
                "KillMode=mixed",
                "RestartPreventExitStatus=1 2 3 4 5 6 7",
                "SuccessExitStatus=130 143",
                // watchdog.stop_timeout is 90s in the fixture's config, plus 30s for the watchdog itself
                "TimeoutStopSec=120",
                "WorkingDirectory=" + run.config.getParent(),
                "[Install]",
                "WantedBy=default.target")) {
            assertTrue(lines.contains(setting), "missing " + setting + " in\n" + String.join("\n", lines));
        }
        assertTrue(lines.stream()
                .anyMatch(l -> l.startsWith("Description=trainguard watchdog for run " + "train_four_class")));
    }
}
