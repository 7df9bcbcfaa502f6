package org.trainguard.watchdog.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

class LaunchdPlistTest {

    /** Parses a plist without fetching Apple's DTD from the network. */
    private static Document parse(Path plist) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setValidating(false);
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return factory.newDocumentBuilder().parse(plist.toFile());
    }

    /** The top-level dict as key -> value element. */
    private static Map<String, Element> dict(Element dict) {
        Map<String, Element> entries = new LinkedHashMap<>();
        String key = null;
        for (Node node = dict.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element) {
                if (element.getTagName().equals("key")) {
                    key = element.getTextContent();
                } else {
                    entries.put(key, element);
                }
            }
        }
        return entries;
    }

    private static List<String> strings(Element array) {
        List<String> values = new ArrayList<>();
        for (Node node = array.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element) {
                assertEquals("string", element.getTagName());
                values.add(element.getTextContent());
            }
        }
        return values;
    }

    @Test
    void theAgentRunsAtLoadAndIsKeptAliveAfterAFailure(@TempDir Path dir) throws Exception {
        Fixture run = new Fixture(dir);
        Fixture.Result result = run.install("--platform", "macos", "--java", "/usr/bin/java", "--java-opt=-Xmx8g");
        assertEquals(0, result.exitCode(), result.toString());
        Path plist =
                ServiceLocations.of(Platform.MACOS, run.home, false, Map.of()).launchAgent("train_four_class");
        assertTrue(plist.toString().endsWith("/Library/LaunchAgents/org.trainguard.watchdog.train_four_class.plist"));

        Document doc = parse(plist);
        assertEquals("plist", doc.getDocumentElement().getTagName());
        Element top = (Element) doc.getElementsByTagName("dict").item(0);
        Map<String, Element> entries = dict(top);

        assertEquals(
                "org.trainguard.watchdog.train_four_class", entries.get("Label").getTextContent());
        assertEquals(
                List.of(
                        "/usr/bin/java",
                        "-jar",
                        run.jar.toString(),
                        "run",
                        "--config",
                        run.config.toString(),
                        "--java-opt=-Xmx8g"),
                strings(entries.get("ProgramArguments")));
        assertEquals("true", entries.get("RunAtLoad").getTagName());
        Map<String, Element> keepAlive = dict(entries.get("KeepAlive"));
        assertEquals("false", keepAlive.get("SuccessfulExit").getTagName());
        assertEquals(
                run.config.getParent().toString(),
                entries.get("WorkingDirectory").getTextContent());
        Path logs = run.outputDir.resolve("logs");
        assertEquals(
                logs.resolve("watchdog-launchd.out.log").toString(),
                entries.get("StandardOutPath").getTextContent());
        assertEquals(
                logs.resolve("watchdog-launchd.err.log").toString(),
                entries.get("StandardErrorPath").getTextContent());
        // stop_timeout 90s + 30s, so launchd does not kill the watchdog during the emergency checkpoint
        assertEquals("120", entries.get("ExitTimeOut").getTextContent());
        assertTrue(Files.isDirectory(logs), "launchd needs the logs folder to exist");
    }
}
