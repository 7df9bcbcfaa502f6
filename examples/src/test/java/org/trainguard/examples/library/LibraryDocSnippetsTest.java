package org.trainguard.examples.library;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/**
 * docs/library.md shows files that the build compiles and tests run: every block marked
 * {@code <!-- snippet: PATH -->} must be that file's content exactly.
 */
class LibraryDocSnippetsTest {

    private static final Path REPO = Path.of("").toAbsolutePath().getParent();
    private static final Pattern SNIPPET =
            Pattern.compile("<!-- snippet: (\\S+) -->\\n```[a-z]*\\n(.*?)```\\n", Pattern.DOTALL);

    @Test
    void everyMarkedBlockIsItsFileAsItIs() throws Exception {
        String doc = Files.readString(REPO.resolve("docs/library.md"), StandardCharsets.UTF_8);
        Matcher m = SNIPPET.matcher(doc);
        List<String> shown = new ArrayList<>();
        while (m.find()) {
            Path file = REPO.resolve(m.group(1));
            assertTrue(Files.isRegularFile(file), "docs/library.md shows " + m.group(1) + ", which does not exist");
            assertEquals(
                    Files.readString(file, StandardCharsets.UTF_8),
                    m.group(2),
                    "docs/library.md must show " + m.group(1) + " exactly as it is; copy the file into the block");
            shown.add(m.group(1));
        }
        assertEquals(
                List.of(
                        "docs/snippets/pom.xml",
                        "docs/snippets/logback.xml",
                        "examples/src/main/java/org/trainguard/examples/library/WrapANetwork.java"),
                shown);
    }

    @Test
    void thePomCompilesJava17WithTheVersionsOfThisBuild() throws Exception {
        var xpath = XPathFactory.newInstance().newXPath();
        Document snippet = DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(REPO.resolve("docs/snippets/pom.xml").toFile());
        Document root = DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(REPO.resolve("pom.xml").toFile());
        assertEquals("17", xpath.evaluate("/project/properties/maven.compiler.release", snippet));
        assertEquals(
                xpath.evaluate("/project/version", root),
                xpath.evaluate("/project/dependencies/dependency[artifactId='trainguard-session']/version", snippet));
        assertEquals(
                xpath.evaluate("/project/properties/dl4j.version", root),
                xpath.evaluate("/project/dependencies/dependency[artifactId='nd4j-native'][1]/version", snippet));
        assertEquals(
                xpath.evaluate("/project/properties/logback.version", root),
                xpath.evaluate("/project/dependencies/dependency[artifactId='logback-classic']/version", snippet));
    }

    @Test
    void theLogbackFileQuietsDl4jAndKeepsTheRest() throws Exception {
        LoggerContext context = new LoggerContext();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(REPO.resolve("docs/snippets/logback.xml").toFile());
        assertEquals(
                Level.WARN,
                context.getLogger("org.nd4j.linalg.factory.Nd4jBackend").getEffectiveLevel());
        assertEquals(
                Level.WARN,
                context.getLogger("org.deeplearning4j.nn.multilayer.MultiLayerNetwork")
                        .getEffectiveLevel());
        assertEquals(
                Level.WARN, context.getLogger("org.bytedeco.javacpp.Loader").getEffectiveLevel());
        assertEquals(
                Level.INFO,
                context.getLogger("org.trainguard.session.TrainingSessionManager")
                        .getEffectiveLevel());
        assertTrue(
                context.getStatusManager().getCopyOfStatusList().stream().noneMatch(s -> s.getLevel() >= 2),
                "logback reports no error reading the file");
    }
}
