package org.trainguard.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.trainguard.config.ConfigLoader;
import org.trainguard.config.TrainguardConfig;

/** A configured label with no training examples is warned about at every start, with what it does to macro-F1. */
class LabelsWithoutExamplesTest {

    @TempDir
    Path dir;

    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(RunData.class);

    @BeforeEach
    void capture() {
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void release() {
        logger.detachAppender(logged);
    }

    private TrainguardConfig config() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String label = i % 2 == 0 ? "ALLOW" : "DENY";
            lines.add("{\"text\": \"request number " + i + " " + label.toLowerCase() + " please\", \"label\": \""
                    + label + "\"}");
        }
        Files.write(dir.resolve("train.jsonl"), lines);
        return ConfigLoader.parse("""
                labels: [ALLOW, ESCALATION, DENY, REFUSE]
                model:
                  features: {buckets: 4096, max_length: 64}
                data:
                  train: train.jsonl
                  validation_split: 0.25
                training:
                  output_dir: run
                """, dir);
    }

    private List<String> warnings() {
        return logged.list.stream()
                .filter(e -> e.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage)
                .toList();
    }

    @Test
    void labelsWithoutTrainingExamplesAreNamedWithTheirEffectOnMacroF1AtEveryStart() throws IOException {
        TrainguardConfig config = config();
        RunData first = RunData.load(config);
        List<String> w = warnings();
        assertEquals(
                1, w.stream().filter(m -> m.contains("no training examples")).count(), String.valueOf(w));
        String warning = w.stream()
                .filter(m -> m.contains("no training examples"))
                .findFirst()
                .orElseThrow();
        assertTrue(
                warning.startsWith("2 of 4 configured labels have no training examples (ESCALATION, REFUSE)"), warning);
        assertTrue(warning.contains("cannot exceed 0.500"), warning);

        logged.list.clear();
        RunData again = RunData.load(config);
        assertTrue(again.train().fromCache() && !first.train().fromCache());
        assertTrue(
                warnings().stream().anyMatch(m -> m.contains("no training examples (ESCALATION, REFUSE)")),
                "also when the data comes from the feature cache: " + warnings());
    }
}
