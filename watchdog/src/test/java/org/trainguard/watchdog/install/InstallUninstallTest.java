package org.trainguard.watchdog.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class InstallUninstallTest {

    private static final String UNIT = "trainguard-watchdog-train_four_class.service";

    /**
     * A folder of stand-in programs that append their arguments to {@code calls.log} and exit with
     * {@code exitCode}, printing {@code message}: real processes, so the installer's handling of a service manager
     * that works or fails is tested end to end.
     */
    private static Path programs(Path dir, int exitCode, String message, String... names) throws Exception {
        assumeTrue(Platform.current() != Platform.WINDOWS, "the stand-in programs are shell scripts");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        for (String name : names) {
            Path program = bin.resolve(name);
            Files.writeString(
                    program,
                    "#!/bin/sh\necho \"" + name + " $*\" >> '" + bin.resolve("calls.log") + "'\necho '" + message
                            + "' >&2\nexit " + exitCode + "\n");
            Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return bin;
    }

    private static List<String> calls(Path bin) throws Exception {
        Path log = bin.resolve("calls.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    @ParameterizedTest
    @EnumSource(Platform.class)
    void uninstallLeavesTheHomeFolderAsItWasBeforeInstall(Platform platform, @TempDir Path dir) throws Exception {
        Fixture run = new Fixture(dir);
        // Something of the user's own in the same folders, which must survive.
        Files.createDirectories(run.home.resolve(".config"));
        Files.writeString(run.home.resolve(".config/user-dirs.dirs"), "XDG_DESKTOP_DIR=\"$HOME/Desktop\"\n");
        Files.createDirectories(run.home.resolve("AppData/Roaming/Microsoft/Windows"));
        Map<String, String> before = Fixture.snapshot(run.home);

        Fixture.Result installed = run.install("--platform", platform.id(), "--java", Fixture.java());
        assertEquals(0, installed.exitCode(), installed.toString());
        List<Path> files =
                ServiceLocations.of(platform, run.home, false, Map.of()).files("train_four_class");
        for (Path file : files) {
            assertTrue(Files.isRegularFile(file), file + " missing after install");
            assertTrue(installed.out().contains("wrote " + file), installed.out());
        }

        Fixture.Result removed = run.uninstall("--platform", platform.id());
        assertEquals(0, removed.exitCode(), removed.toString());
        for (Path file : files) {
            assertTrue(removed.out().contains("removed " + file), removed.out());
        }
        assertEquals(before, Fixture.snapshot(run.home));
    }

    @Test
    void aSecondInstallReplacesTheUnitAndUninstallOfNothingIsFine(@TempDir Path dir) throws Exception {
        Fixture run = new Fixture(dir);
        assertEquals(0, run.install("--platform", "linux").exitCode());
        Fixture.Result again = run.install("--platform", "linux", "--java-opt=-Xmx4g");
        assertEquals(0, again.exitCode(), again.toString());
        assertTrue(again.out().contains("replaced "), again.out());
        Path unit =
                ServiceLocations.of(Platform.LINUX, run.home, false, Map.of()).unitFile("train_four_class");
        assertTrue(Files.readString(unit).contains("\"--java-opt=-Xmx4g\""));

        assertEquals(0, run.uninstall("--platform", "linux").exitCode());
        Fixture.Result nothing = run.uninstall("--platform", "linux");
        assertEquals(0, nothing.exitCode(), nothing.toString());
        assertTrue(
                nothing.out().contains("Nothing to uninstall: none of these files exists:\n  " + unit), nothing.out());
    }

    @Test
    void withAnotherHomeTheServiceManagerIsNotAskedButTheCommandsAreShown(@TempDir Path dir) throws Exception {
        Fixture run = new Fixture(dir);
        Fixture.Result result = run.install("--platform", "linux");
        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(
                result.out()
                        .contains("Not run, because --home points away from your home folder; with the real "
                                + "one run:\n  systemctl --user daemon-reload\n  systemctl --user enable --now "
                                + UNIT),
                result.out());
    }

    @Test
    void theServiceManagerIsReloadedAndTheUnitEnabledThenDisabled(@TempDir Path dir) throws Exception {
        assumeTrue(Platform.current() == Platform.LINUX);
        Fixture run = new Fixture(dir);
        Path bin = programs(dir, 0, "", "systemctl");

        Fixture.Result installed = run.install(CommandRunner.preferring(bin));
        assertEquals(0, installed.exitCode(), installed.toString());
        assertTrue(installed.out().contains("ran: systemctl --user enable --now " + UNIT), installed.out());
        assertTrue(installed.out().contains("Check it with:\n  systemctl --user status " + UNIT), installed.out());

        Fixture.Result removed = run.uninstall(CommandRunner.preferring(bin));
        assertEquals(0, removed.exitCode(), removed.toString());
        assertEquals(
                List.of(
                        "systemctl --user daemon-reload",
                        "systemctl --user enable --now " + UNIT,
                        "systemctl --user disable --now " + UNIT,
                        "systemctl --user daemon-reload"),
                calls(bin));
        // disable ran while the unit file still existed
        int disabled = removed.out().indexOf("ran: systemctl --user disable --now");
        int deleted = removed.out().indexOf("removed ");
        assertTrue(disabled >= 0 && disabled < deleted, removed.out());
    }

    @Test
    void whenSystemctlCannotReachTheUserBusTheUnitStaysAndTheCommandsAreShown(@TempDir Path dir) throws Exception {
        assumeTrue(Platform.current() == Platform.LINUX);
        Fixture run = new Fixture(dir);
        Path bin = programs(dir, 1, "Failed to connect to bus: No medium found", "systemctl");

        Fixture.Result result = run.install(CommandRunner.preferring(bin));

        assertEquals(0, result.exitCode(), result.toString());
        Path unit =
                ServiceLocations.of(Platform.LINUX, run.home, false, Map.of()).unitFile("train_four_class");
        assertTrue(Files.isRegularFile(unit));
        assertTrue(
                result.err()
                        .contains("failed: systemctl --user daemon-reload (exit code 1): Failed to connect "
                                + "to bus: No medium found"),
                result.err());
        assertTrue(
                result.out()
                        .contains("Run these yourself:\n  systemctl --user daemon-reload\n"
                                + "  systemctl --user enable --now " + UNIT),
                result.out());
        assertEquals(List.of("systemctl --user daemon-reload"), calls(bin), "stopped after the first failure");
    }

    @Test
    void whenSystemctlFailsUninstallStillRemovesTheFilesAndShowsTheCommands(@TempDir Path dir) throws Exception {
        assumeTrue(Platform.current() == Platform.LINUX);
        Fixture run = new Fixture(dir);
        Map<String, String> before = Fixture.snapshot(run.home);
        Path bin = programs(dir, 1, "Failed to connect to bus: No medium found", "systemctl");
        assertEquals(0, run.install(CommandRunner.preferring(bin)).exitCode());

        Fixture.Result removed = run.uninstall(CommandRunner.preferring(bin));

        assertEquals(0, removed.exitCode(), removed.toString());
        assertEquals(before, Fixture.snapshot(run.home));
        assertTrue(
                removed.out()
                        .contains("Once it can be reached, run:\n  systemctl --user disable --now " + UNIT
                                + "\n  systemctl --user daemon-reload\n"),
                removed.out());
    }

    @Test
    void uninstallRemovesTheEnableLinkThatSystemctlCouldNotRemove(@TempDir Path dir) throws Exception {
        Fixture run = new Fixture(dir);
        Map<String, String> before = Fixture.snapshot(run.home);
        assertEquals(0, run.install("--platform", "linux").exitCode());
        Path unit =
                ServiceLocations.of(Platform.LINUX, run.home, false, Map.of()).unitFile("train_four_class");
        // What "systemctl --user enable" leaves behind.
        Path wants = Files.createDirectories(unit.resolveSibling("default.target.wants"));
        Files.createSymbolicLink(wants.resolve(UNIT), unit);

        Fixture.Result removed = run.uninstall("--platform", "linux");

        assertEquals(0, removed.exitCode(), removed.toString());
        assertFalse(Files.exists(wants.resolve(UNIT), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertEquals(before, Fixture.snapshot(run.home));
    }

    @Test
    void anEmptyWantsFolderLeftBySystemctlDisableInAFolderInstallMadeGoesToo(@TempDir Path dir) throws Exception {
        Fixture run = new Fixture(dir);
        Map<String, String> before = Fixture.snapshot(run.home);
        assertEquals(0, run.install("--platform", "linux").exitCode());
        Path unit =
                ServiceLocations.of(Platform.LINUX, run.home, false, Map.of()).unitFile("train_four_class");
        // "systemctl --user enable" then "disable" may leave the folder of links behind, empty.
        Files.createDirectories(unit.resolveSibling("default.target.wants"));

        assertEquals(0, run.uninstall("--platform", "linux").exitCode());
        assertEquals(before, Fixture.snapshot(run.home));
    }

    @Test
    void foldersThatExistedBeforeInstallStayEvenWhenEmpty(@TempDir Path dir) throws Exception {
        Fixture run = new Fixture(dir);
        Files.createDirectories(run.home.resolve(".config/systemd/user/default.target.wants"));
        Files.createDirectories(run.home.resolve("Library/LaunchAgents"));
        Map<String, String> before = Fixture.snapshot(run.home);

        for (Platform platform : Platform.values()) {
            assertEquals(0, run.install("--platform", platform.id()).exitCode());
            assertEquals(0, run.uninstall("--platform", platform.id()).exitCode());
        }
        assertEquals(before, Fixture.snapshot(run.home));
    }

    @Test
    void aGivenNameIsSanitizedAndUsedForEveryFile(@TempDir Path dir) throws Exception {
        Fixture run = new Fixture(dir);
        Fixture.Result result = run.install("--platform", "linux", "--name", "four class/v2");
        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(result.out().contains("using 'four_class_v2'"), result.out());
        Path unit =
                ServiceLocations.of(Platform.LINUX, run.home, false, Map.of()).unitFile("four_class_v2");
        assertTrue(Files.isRegularFile(unit), unit.toString());

        assertEquals(
                0,
                run.uninstall("--platform", "linux", "--name", "four class/v2").exitCode());
        assertFalse(Files.exists(unit));
    }
}
