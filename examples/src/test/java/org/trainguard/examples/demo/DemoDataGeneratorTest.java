package org.trainguard.examples.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoDataGeneratorTest {

    static final Pattern JAPANESE = Pattern.compile("[\\p{IsHiragana}\\p{IsKatakana}\\p{IsHan}]");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A parsed line of a data file. */
    record Line(String text, DemoLabel label) {}

    static List<Line> readLines(Path file) throws IOException {
        List<Line> lines = new ArrayList<>();
        int number = 0;
        for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            number++;
            JsonNode node = MAPPER.readTree(raw);
            List<String> keys = new ArrayList<>();
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                keys.add(it.next());
            }
            assertEquals(List.of("text", "label"), keys, file + " line " + number + " keys");
            lines.add(new Line(
                    node.get("text").asText(),
                    DemoLabel.valueOf(node.get("label").asText())));
        }
        return lines;
    }

    @Test
    void sameSeedWritesIdenticalBytesAndAnotherSeedDoesNot(@TempDir Path dir) throws IOException {
        DemoDataGenerator.generate(dir.resolve("a"), 600, 120, 42L);
        DemoDataGenerator.generate(dir.resolve("b"), 600, 120, 42L);
        DemoDataGenerator.generate(dir.resolve("c"), 600, 120, 43L);
        for (String name : List.of(DemoDataGenerator.TRAIN_FILE, DemoDataGenerator.VAL_FILE)) {
            byte[] first = Files.readAllBytes(dir.resolve("a").resolve(name));
            assertArrayEquals(first, Files.readAllBytes(dir.resolve("b").resolve(name)), name);
            assertFalse(
                    java.util.Arrays.equals(
                            first, Files.readAllBytes(dir.resolve("c").resolve(name))),
                    name + " should change with the seed");
        }
    }

    @Test
    void labelSharesAreExactAndEveryLabelHasJapaneseRows(@TempDir Path dir) throws IOException {
        DemoDataSummary summary = DemoDataGenerator.generate(dir, 1000, 200, 7L);

        List<Line> train = readLines(summary.trainFile());
        List<Line> val = readLines(summary.valFile());
        assertEquals(
                Map.of(DemoLabel.ALLOW, 400, DemoLabel.ESCALATION, 200, DemoLabel.DENY, 200, DemoLabel.REFUSE, 200),
                countLabels(train));
        assertEquals(
                Map.of(DemoLabel.ALLOW, 80, DemoLabel.ESCALATION, 40, DemoLabel.DENY, 40, DemoLabel.REFUSE, 40),
                countLabels(val));
        assertEquals(countLabels(train), summary.trainCounts());

        Map<DemoLabel, Integer> japanese = new EnumMap<>(DemoLabel.class);
        for (Line line : train) {
            if (JAPANESE.matcher(line.text()).find()) {
                japanese.merge(line.label(), 1, Integer::sum);
            }
        }
        int allJapanese = japanese.values().stream().mapToInt(Integer::intValue).sum();
        assertEquals(300, allJapanese, "30% of 1000 training rows are Japanese");
        assertEquals(summary.trainJapaneseRows(), allJapanese);
        for (DemoLabel label : DemoLabel.values()) {
            assertEquals(
                    (int) Math.round(summary.trainCounts().get(label) * 0.3),
                    japanese.getOrDefault(label, 0),
                    label + " Japanese rows");
        }
        long valJapanese =
                val.stream().filter(l -> JAPANESE.matcher(l.text()).find()).count();
        assertEquals(60, valJapanese);
    }

    @Test
    void filesAreStrictUtf8WithOneObjectPerNewlineTerminatedLine(@TempDir Path dir) throws IOException {
        DemoDataSummary summary = DemoDataGenerator.generate(dir, 300, 50, 11L);
        for (Path file : List.of(summary.trainFile(), summary.valFile())) {
            byte[] bytes = Files.readAllBytes(file);
            assertStrictUtf8(file, bytes);
            assertFalse(new String(bytes, StandardCharsets.UTF_8).contains("\r"), file + " has a CR");
            assertEquals('\n', bytes[bytes.length - 1], file + " ends with a newline");
            long newlines = new String(bytes, StandardCharsets.UTF_8)
                    .chars()
                    .filter(c -> c == '\n')
                    .count();
            assertEquals(file.equals(summary.trainFile()) ? 300 : 50, newlines, file + " lines");
        }
        assertTrue(Files.list(dir).noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "temporary files left");
    }

    @Test
    void validationRowsDoNotRepeatTrainingRows(@TempDir Path dir) throws IOException {
        DemoDataSummary summary = DemoDataGenerator.generate(dir, 4000, 800, 3L);
        Set<String> train = new HashSet<>();
        readLines(summary.trainFile()).forEach(l -> train.add(l.text()));
        long repeated = readLines(summary.valFile()).stream()
                .filter(l -> train.contains(l.text()))
                .count();
        assertEquals(0, repeated);
        assertEquals(0, summary.valRowsAlsoInTrain());
        assertTrue(train.size() > 3960, "training rows are nearly all distinct, found " + train.size() + " of 4000");
    }

    @Test
    void rowCountsOutOfRangeAreRejectedWithTheValueFound(@TempDir Path dir) {
        IllegalArgumentException train =
                assertThrows(IllegalArgumentException.class, () -> DemoDataGenerator.generate(dir, 0, 10, 1L));
        assertEquals("trainRows must be >= 1, found 0", train.getMessage());
        IllegalArgumentException val =
                assertThrows(IllegalArgumentException.class, () -> DemoDataGenerator.generate(dir, 10, -2, 1L));
        assertEquals("valRows must be >= 0, found -2", val.getMessage());
    }

    @Test
    void emptyValidationFileIsAllowed(@TempDir Path dir) throws IOException {
        DemoDataSummary summary = DemoDataGenerator.generate(dir, 5, 0, 1L);
        assertEquals(0, Files.size(summary.valFile()));
        assertEquals(5, summary.trainRows());
    }

    @Test
    void labelQuotasAddUpForEverySize() {
        assertEquals(
                Map.of(
                        DemoLabel.ALLOW,
                        18_668,
                        DemoLabel.ESCALATION,
                        9_334,
                        DemoLabel.DENY,
                        9_334,
                        DemoLabel.REFUSE,
                        9_334),
                DemoDataGenerator.labelQuotas(46_670));
        for (int rows = 1; rows < 40; rows++) {
            Map<DemoLabel, Integer> quotas = DemoDataGenerator.labelQuotas(rows);
            assertEquals(
                    rows, quotas.values().stream().mapToInt(Integer::intValue).sum(), "rows " + rows);
            assertTrue(quotas.get(DemoLabel.ALLOW) >= quotas.get(DemoLabel.REFUSE), "rows " + rows);
        }
        assertEquals(
                Map.of(DemoLabel.ALLOW, 3, DemoLabel.ESCALATION, 2, DemoLabel.DENY, 1, DemoLabel.REFUSE, 1),
                DemoDataGenerator.labelQuotas(7));
    }

    @Test
    void committedDatasetIsExactlyWhatTheGeneratorWrites(@TempDir Path dir) throws IOException {
        // surefire runs in the module folder, where the committed data lives
        Path committed = Path.of("data", "four_class");
        assertTrue(Files.isDirectory(committed), "missing " + committed.toAbsolutePath());
        DemoDataSummary summary = DemoDataGenerator.generate(
                dir,
                DemoDataGenerator.DEFAULT_TRAIN_ROWS,
                DemoDataGenerator.DEFAULT_VAL_ROWS,
                DemoDataGenerator.DEFAULT_SEED);
        assertEquals(46_670, summary.trainRows());
        assertEquals(2_000, summary.valRows());
        long totalBytes = 0;
        for (String name : List.of(DemoDataGenerator.TRAIN_FILE, DemoDataGenerator.VAL_FILE)) {
            byte[] expected = Files.readAllBytes(dir.resolve(name));
            byte[] actual = Files.readAllBytes(committed.resolve(name));
            assertTrue(
                    java.util.Arrays.equals(expected, actual),
                    committed.resolve(name)
                            + " differs from the generator's output; regenerate it with the command in its README.md");
            totalBytes += actual.length;
        }
        assertTrue(totalBytes < 8_000_000, "the committed files take " + totalBytes + " bytes");
    }

    private static Map<DemoLabel, Integer> countLabels(List<Line> lines) {
        Map<DemoLabel, Integer> counts = new EnumMap<>(DemoLabel.class);
        lines.forEach(l -> counts.merge(l.label(), 1, Integer::sum));
        return counts;
    }

    private static void assertStrictUtf8(Path file, byte[] bytes) {
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
        } catch (CharacterCodingException e) {
            throw new AssertionError(file + " is not valid UTF-8: " + e, e);
        }
    }
}
