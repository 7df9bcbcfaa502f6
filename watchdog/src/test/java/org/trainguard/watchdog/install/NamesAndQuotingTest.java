package org.trainguard.watchdog.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NamesAndQuotingTest {

    @Test
    void theDefaultNameIsTheConfigFileNameWithoutExtension() {
        assertEquals("train_four_class", ServiceName.fromConfig(Path.of("/runs/train_four_class.yaml")));
        assertEquals("my_run.v2", ServiceName.fromConfig(Path.of("/runs/my run.v2.yml")));
        assertEquals("config", ServiceName.fromConfig(Path.of("config")));
    }

    @Test
    void namesKeepOnlyWhatEveryServiceManagerAccepts() {
        assertEquals("a_b_c", ServiceName.sanitize("a/b\\c"));
        assertEquals("hidden", ServiceName.sanitize(".hidden"));
        assertEquals("opt", ServiceName.sanitize("--opt"));
        assertEquals("default", ServiceName.sanitize("..."));
        assertEquals(
                ServiceName.MAX_LENGTH, ServiceName.sanitize("x".repeat(200)).length());
    }

    @Test
    void posixWordsAreQuotedOnlyWhenNeeded() {
        assertEquals(
                "systemctl --user status a.service",
                Quoting.posix(List.of("systemctl", "--user", "status", "a.service")));
        assertEquals("'/my runs/it'\"'\"'s.yaml'", Quoting.posix("/my runs/it's.yaml"));
    }

    @Test
    void windowsArgumentsFollowTheCRuntimeRules() {
        assertEquals(
                "\"C:\\Program Files\\Java\\bin\\java.exe\"",
                Quoting.windows("C:\\Program Files\\Java\\bin\\java.exe", false));
        assertEquals("\"C:\\data\\\\\"", Quoting.windows("C:\\data\\", true));
        assertEquals("\"say \\\"hi\\\"\"", Quoting.windows("say \"hi\"", false));
        assertEquals("run", Quoting.windows("run", false));
    }

    @Test
    void systemdWordsEscapeSpecifiersVariablesAndQuotes() {
        assertEquals("\"/a b/100%%/$$HOME/\\\"q\\\"/\\\\\"", Quoting.systemdWord("/a b/100%/$HOME/\"q\"/\\"));
    }

    @Test
    void javaVersionsOldAndNewAreRead() {
        assertEquals(Optional.of(17), JavaVersion.parse("openjdk version \"17.0.15\" 2025-04-15\nOpenJDK Runtime"));
        assertEquals(Optional.of(8), JavaVersion.parse("java version \"1.8.0_292\""));
        assertEquals(Optional.of(21), JavaVersion.parse("openjdk version \"21-ea\" 2023-09-19"));
        assertEquals(Optional.empty(), JavaVersion.parse("bash: java: command not found"));
    }

    @Test
    void platformsAreReadInAnyCase() {
        assertEquals(Platform.MACOS, Platform.parse("macOS"));
        assertEquals(Platform.WINDOWS, Platform.parse(" Windows "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Platform.parse("beos"));
        assertEquals("unknown platform 'beos'; use linux, windows or macos", e.getMessage());
    }
}
