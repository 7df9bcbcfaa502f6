package org.trainguard.watchdog.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class TaskSchedulerXmlTest {

    private static final String TASK_NAMESPACE = "http://schemas.microsoft.com/windows/2004/02/mit/task";

    private static Document parse(byte[] bytes) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(bytes));
    }

    private static String text(Document doc, String element) {
        assertEquals(1, doc.getElementsByTagNameNS(TASK_NAMESPACE, element).getLength(), element);
        return doc.getElementsByTagNameNS(TASK_NAMESPACE, element).item(0).getTextContent();
    }

    private static ServiceLocations windows(Fixture run) {
        return ServiceLocations.of(Platform.WINDOWS, run.home, false, Map.of());
    }

    @Test
    void theTaskIsUtf16WithBomAndHasTheLongRunSettings(@TempDir Path dir) throws Exception {
        Fixture run = new Fixture(dir);
        Fixture.Result result = run.install(
                "--platform",
                "windows",
                "--java",
                "C:\\Program Files\\Java\\bin\\java.exe",
                "--watchdog-jar",
                "C:\\trainguard\\watchdog.jar");
        assertEquals(0, result.exitCode(), result.toString());
        byte[] bytes = Files.readAllBytes(windows(run).taskXml("train_four_class"));

        assertEquals((byte) 0xFF, bytes[0]);
        assertEquals((byte) 0xFE, bytes[1]);
        assertTrue(new String(bytes, StandardCharsets.UTF_16LE).contains("encoding=\"UTF-16\""));
        Document doc = parse(bytes);
        assertEquals(TASK_NAMESPACE, doc.getDocumentElement().getNamespaceURI());
        assertEquals("Task", doc.getDocumentElement().getLocalName());

        assertEquals(
                1, doc.getElementsByTagNameNS(TASK_NAMESPACE, "LogonTrigger").getLength());
        assertEquals("PT0S", text(doc, "ExecutionTimeLimit"));
        Element restart = (Element)
                doc.getElementsByTagNameNS(TASK_NAMESPACE, "RestartOnFailure").item(0);
        assertEquals(
                "PT1M",
                restart.getElementsByTagNameNS(TASK_NAMESPACE, "Interval")
                        .item(0)
                        .getTextContent());
        assertEquals(
                "999",
                restart.getElementsByTagNameNS(TASK_NAMESPACE, "Count").item(0).getTextContent());
        assertEquals("IgnoreNew", text(doc, "MultipleInstancesPolicy"));
        assertEquals("false", text(doc, "DisallowStartIfOnBatteries"));
        assertEquals("false", text(doc, "StopIfGoingOnBatteries"));
        assertEquals("\\trainguard\\train_four_class", text(doc, "URI"));
        assertEquals("\"C:\\Program Files\\Java\\bin\\java.exe\"", text(doc, "Command"));
        assertEquals(
                "-jar \"C:\\trainguard\\watchdog.jar\" run --config \"" + run.config + "\"", text(doc, "Arguments"));
        assertEquals(run.config.getParent().toString(), text(doc, "WorkingDirectory"));
    }

    @Test
    void pathsWithMarkupAndPercentCharactersStayIntact(@TempDir Path dir) throws Exception {
        Fixture run = new Fixture(dir, "R&D <runs> 100%");
        Fixture.Result result = run.install("--platform", "windows", "--java", Fixture.java());
        assertEquals(0, result.exitCode(), result.toString());

        Document doc = parse(Files.readAllBytes(windows(run).taskXml("train_four_class")));
        assertEquals(run.config.getParent().toString(), text(doc, "WorkingDirectory"));
        assertTrue(text(doc, "Arguments").endsWith("--config \"" + run.config + "\""), text(doc, "Arguments"));

        // cmd.exe reads %...% as a variable even inside quotes, so the launcher doubles it.
        String launcher = Files.readString(windows(run).startupLauncher("train_four_class"));
        assertTrue(launcher.contains("R&D <runs> 100%%"), launcher);
    }

    @Test
    void theStartupLauncherStartsTheWatchdogMinimized(@TempDir Path dir) throws Exception {
        Fixture run = new Fixture(dir);
        Fixture.Result result = run.install(
                "--platform",
                "windows",
                "--java",
                "C:\\Java\\bin\\java.exe",
                "--watchdog-jar",
                "C:\\trainguard\\watchdog.jar",
                "--java-opt",
                "-Xmx8g");
        assertEquals(0, result.exitCode(), result.toString());
        Path launcher = windows(run).startupLauncher("train_four_class");

        assertTrue(
                launcher.toString()
                        .replace('\\', '/')
                        .endsWith(
                                "home/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/Startup/trainguard-watchdog-"
                                        + "train_four_class.cmd"),
                launcher.toString());
        String text = Files.readString(launcher);
        assertTrue(
                text.contains("\r\nstart \"\" /min \"C:\\Java\\bin\\java.exe\" -jar \"C:\\trainguard\\watchdog.jar\" "
                        + "run --config \"" + run.config + "\" --java-opt=-Xmx8g\r\n"),
                text);
        assertTrue(text.contains("\r\ncd /d \"" + run.config.getParent() + "\"\r\n"), text);
        assertTrue(text.startsWith("@echo off\r\n"), text);
    }

    @Test
    void aJavaOptionWithAQuoteIsRefusedForTheStartupLauncherAndNothingIsWritten(@TempDir Path dir) throws Exception {
        Fixture run = new Fixture(dir);
        Map<String, String> before = Fixture.snapshot(dir);
        String opt = "-Dx=a\" & calc.exe & \"";
        List<String> windows = List.of(
                "--platform",
                "windows",
                "--java",
                "C:\\Java\\bin\\java.exe",
                "--watchdog-jar",
                "C:\\trainguard\\watchdog.jar",
                "--java-opt=" + opt);
        for (boolean dryRun : new boolean[] {true, false}) {
            List<String> args = new ArrayList<>(windows);
            if (dryRun) {
                args.add("--dry-run");
            }
            Fixture.Result result = run.install(args.toArray(String[]::new));
            assertEquals(2, result.exitCode(), result.toString());
            assertTrue(result.err().contains("--java-opt " + opt + " holds a double quote"), result.toString());
            assertEquals(before, Fixture.snapshot(dir), "nothing is written");
        }
        // The other service files carry the same option safely.
        assertEquals(
                0,
                run.install("--dry-run", "--platform", "linux", "--java", Fixture.java(), "--java-opt=" + opt)
                        .exitCode());
        assertEquals(
                0,
                run.install("--dry-run", "--platform", "macos", "--java", "/usr/bin/java", "--java-opt=" + opt)
                        .exitCode());
    }

    @Test
    void cmdOperatorsInAJavaOptionStayInsideTheLaunchersQuotes(@TempDir Path dir) throws Exception {
        Fixture run = new Fixture(dir);
        Fixture.Result result = run.install(
                "--platform",
                "windows",
                "--java",
                "C:\\Java\\bin\\java.exe",
                "--watchdog-jar",
                "C:\\trainguard\\watchdog.jar",
                "--java-opt=-Dteam=R&D|ops>x^y");
        assertEquals(0, result.exitCode(), result.toString());
        String text = Files.readString(windows(run).startupLauncher("train_four_class"));
        assertTrue(text.contains(" \"--java-opt=-Dteam=R&D|ops>x^y\"\r\n"), text);
        String start =
                text.lines().filter(l -> l.startsWith("start ")).findFirst().orElseThrow();
        assertEquals(0, start.chars().filter(c -> c == '"').count() % 2, "balanced quotes: " + start);
    }
}
