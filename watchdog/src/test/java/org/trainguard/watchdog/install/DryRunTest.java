package org.trainguard.watchdog.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DryRunTest {

    private static final String NAME = "train_four_class";

    /** A written file's text as the dry run shows it: UTF-16 without its byte order mark, LF line breaks. */
    private static String shownText(Path file) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        String text = bytes.length >= 2 && bytes[0] == (byte) 0xFF && bytes[1] == (byte) 0xFE
                ? new String(Arrays.copyOfRange(bytes, 2, bytes.length), StandardCharsets.UTF_16LE)
                : new String(bytes, StandardCharsets.UTF_8);
        return text.replace("\r\n", "\n");
    }

    @ParameterizedTest
    @EnumSource(Platform.class)
    void printsEveryFileInFullAndEveryCommandAndWritesNothing(Platform platform, @TempDir Path dir) throws Exception {
        Fixture run = new Fixture(dir);
        Map<String, String> before = Fixture.snapshot(dir);

        Fixture.Result dry = run.install("--platform", platform.id(), "--dry-run", "--java", Fixture.java());

        assertEquals(0, dry.exitCode(), dry.toString());
        assertEquals(before, Fixture.snapshot(dir), "a dry run changed files");
        String out = dry.out().replace("\r\n", "\n");
        assertTrue(out.startsWith("Dry run: nothing is written and no command is run."), out);

        // What a real install writes must be exactly what the dry run showed.
        Fixture.Result real = run.install("--platform", platform.id(), "--java", Fixture.java());
        assertEquals(0, real.exitCode(), real.toString());
        ServiceLocations locations = ServiceLocations.of(platform, run.home, false, Map.of());
        for (Path file : locations.files(NAME)) {
            assertTrue(Files.isRegularFile(file), file + " was not written");
            assertTrue(out.contains("Would write " + file + " ("), "path of " + file + " not shown:\n" + out);
            assertTrue(
                    out.contains("----- begin " + file.getFileName() + " -----\n" + shownText(file) + "----- end "
                            + file.getFileName() + " -----"),
                    "content of " + file + " not shown:\n" + out);
        }
        List<String> commands =
                switch (platform) {
                    case LINUX ->
                        List.of(
                                "  systemctl --user daemon-reload",
                                "  systemctl --user enable --now trainguard-watchdog-train_four_class.service",
                                "loginctl enable-linger $USER",
                                "  systemctl --user status trainguard-watchdog-train_four_class.service",
                                "  journalctl --user -u trainguard-watchdog-train_four_class.service");
                    case WINDOWS ->
                        List.of(
                                "  schtasks /Create /TN \"trainguard\\train_four_class\" /XML \""
                                        + locations.taskXml(NAME) + "\" /F",
                                "  schtasks /Run /TN \"trainguard\\train_four_class\"");
                    case MACOS ->
                        List.of(
                                "  launchctl bootstrap gui/$(id -u) " + locations.launchAgent(NAME),
                                "  launchctl print gui/$(id -u)/org.trainguard.watchdog.train_four_class");
                };
        for (String command : commands) {
            assertTrue(out.contains(command), "missing '" + command + "' in:\n" + out);
        }
    }

    @Test
    void aDryRunOfUninstallListsWhatWouldGoAndRemovesNothing(@TempDir Path dir) throws Exception {
        Fixture run = new Fixture(dir);
        assertEquals(0, run.install().exitCode());
        Map<String, String> installed = Fixture.snapshot(dir);

        Fixture.Result dry = run.uninstall("--dry-run", "--platform", "linux");

        assertEquals(0, dry.exitCode(), dry.toString());
        assertEquals(installed, Fixture.snapshot(dir));
        ServiceLocations locations = ServiceLocations.of(Platform.LINUX, run.home, false, Map.of());
        assertTrue(dry.out().contains("Would remove:\n  " + locations.unitFile(NAME)), dry.out());
        assertTrue(
                dry.out().contains("systemctl --user disable --now trainguard-watchdog-train_four_class.service"),
                dry.out());
    }
}
