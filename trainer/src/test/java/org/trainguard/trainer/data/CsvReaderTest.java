package org.trainguard.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvReaderTest {

    static final List<String> LABELS = List.of("ALLOW", "ESCALATION", "DENY", "REFUSE");
    static final List<String> AG_NEWS = List.of("World", "Sports", "Business", "Sci/Tech");
    static final Map<String, String> AG_NEWS_MAP =
            Map.of("1", "World", "2", "Sports", "3", "Business", "4", "Sci/Tech");

    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    private List<CsvReader.Row> rows(String content, char delimiter) throws Exception {
        Path file = write("rows.csv", content);
        List<CsvReader.Row> rows = new ArrayList<>();
        try (CsvReader reader = new CsvReader(new TextLines(file), delimiter)) {
            for (Optional<CsvReader.Row> row = reader.next(); row.isPresent(); row = reader.next()) {
                rows.add(row.get());
            }
        }
        return rows;
    }

    @Test
    void parsesRfc4180Quoting() throws Exception {
        List<CsvReader.Row> rows = rows(
                "plain,\"with, comma\",\"say \"\"hi\"\"\",\n"
                        + "\"multi\nline, still one field\",,\"a\"\"b\"\n"
                        + "\n"
                        + "last,\"\",x\"y\n",
                ',');
        assertEquals(
                List.of("plain", "with, comma", "say \"hi\"", ""), rows.get(0).fields());
        assertEquals(1, rows.get(0).line());
        assertEquals(
                List.of("multi\nline, still one field", "", "a\"b"), rows.get(1).fields());
        assertEquals(2, rows.get(1).line());
        // the blank line is skipped, and the quoted line break is counted: this record starts on line 5
        assertEquals(List.of("last", "", "x\"y"), rows.get(2).fields());
        assertEquals(5, rows.get(2).line());
        assertEquals(3, rows.size());
    }

    @Test
    void crLfInsideQuotesBecomesNewlineAndTabDelimiterWorks() throws Exception {
        List<CsvReader.Row> rows = rows("a\t\"b\r\nc\"\r\nd\te\r\n", '\t');
        assertEquals(List.of("a", "b\nc"), rows.get(0).fields());
        assertEquals(List.of("d", "e"), rows.get(1).fields());
        assertEquals(3, rows.get(1).line());
    }

    @Test
    void readsAgNewsStyleFileWithHeaderAndLabelMap() throws IOException {
        Path file = dir.resolve("ag_news_sample.csv");
        try (InputStream in = getClass().getResourceAsStream("ag_news_sample.csv")) {
            Files.copy(in, file);
        }
        CsvLayout layout = CsvLayout.withHeader(List.of("title", "description"), "class");
        LabeledData data = DataReader.read(DataSpec.csv(file, layout, AG_NEWS_MAP, AG_NEWS));
        assertEquals(
                List.of(
                        new Example(
                                "Wall St. Bears Claw Back Into the Black (Reuters). Reuters - Short-sellers, Wall Streets "
                                        + "dwindling\\band of ultra-cynics, are seeing green again.",
                                2),
                        new Example("Quoted \"inner\" words, and a comma", 3),
                        new Example("Multi-line. First line\nsecond line", 0),
                        new Example("Sports headline", 1)),
                data.examples());
    }

    @Test
    void fileWithoutHeaderUsesConfiguredColumns() throws IOException {
        Path file = write("plain.csv", "DENY,do the thing\nALLOW,\"hello, there\"\n");
        CsvLayout layout = new CsvLayout(false, List.of("label", "text"), List.of("text"), "label", ',');
        LabeledData data = DataReader.read(DataSpec.csv(file, layout, Map.of(), LABELS));
        assertEquals(List.of(new Example("do the thing", 2), new Example("hello, there", 0)), data.examples());
    }

    @Test
    void configuredColumnsRenameAHeaderOfTheSameWidth() throws IOException {
        Path file = write("renamed.csv", "Class Index,Title,Description\n1,a,b\n");
        CsvLayout layout =
                new CsvLayout(true, List.of("class", "title", "description"), List.of("description"), "class", ',');
        assertEquals(
                List.of(new Example("b", 0)),
                DataReader.read(DataSpec.csv(file, layout, AG_NEWS_MAP, AG_NEWS))
                        .examples());
        Path narrow = write("narrow.csv", "Class Index,Title\n1,a\n");
        DataFormatException e = assertThrows(
                DataFormatException.class, () -> DataReader.read(DataSpec.csv(narrow, layout, AG_NEWS_MAP, AG_NEWS)));
        assertTrue(e.getMessage().startsWith(narrow + ":1: header row has 2 columns"), e.getMessage());
    }

    @Test
    void wrongNumberOfColumnsNamesTheLine() throws IOException {
        Path file = write("cols.csv", "label,text\nDENY,fine\nALLOW,too,many\n");
        DataFormatException e = assertThrows(
                DataFormatException.class,
                () -> DataReader.read(
                        DataSpec.csv(file, CsvLayout.withHeader(List.of("text"), "label"), Map.of(), LABELS)));
        assertEquals(file + ":3: has 3 columns, expected 2 [label, text]", e.getMessage());
        assertEquals(OptionalInt.of(3), e.line());
    }

    @Test
    void unterminatedQuoteNamesTheLineItOpensOnEvenWhenSkipping() throws IOException {
        Path file = write("quote.csv", "label,text\nDENY,fine\nALLOW,\"never closed\nDENY,swallowed\n");
        DataSpec spec = DataSpec.csv(file, CsvLayout.withHeader(List.of("text"), "label"), Map.of(), LABELS)
                .withSkipBadRecords(true);
        DataFormatException e = assertThrows(DataFormatException.class, () -> DataReader.read(spec));
        assertTrue(e.getMessage().startsWith(file + ":3: unterminated quote"), e.getMessage());
    }

    @Test
    void textAfterClosingQuoteIsAnErrorThatSkipModeSkips() throws IOException {
        Path file = write("after.csv", "label,text\nDENY,\"quoted\"tail\nALLOW,good\n");
        DataSpec spec = DataSpec.csv(file, CsvLayout.withHeader(List.of("text"), "label"), Map.of(), LABELS);
        DataFormatException e = assertThrows(DataFormatException.class, () -> DataReader.read(spec));
        assertTrue(
                e.getMessage().startsWith(file + ":2: unexpected text after the closing quote of column 2: \"tail\""),
                e.getMessage());
        LabeledData skipped = DataReader.read(spec.withSkipBadRecords(true));
        assertEquals(List.of(new Example("good", 0)), skipped.examples());
        assertEquals(1, skipped.skipped());
    }

    @Test
    void aBadQuoteIsReportedOnItsOwnLineAndSwallowsNoGoodRow() throws IOException {
        // line 3 opens a quote that the quote at the start of line 5 closes
        Path file = write("badquote.csv", "label,text\nDENY,one\nALLOW,\"bad quote\nDENY,two\nESCALATION,\"three\"\n");
        DataSpec spec = DataSpec.csv(file, CsvLayout.withHeader(List.of("text"), "label"), Map.of(), LABELS);
        DataFormatException e = assertThrows(DataFormatException.class, () -> DataReader.read(spec));
        assertTrue(
                e.getMessage().startsWith(file + ":3: the quote that opens column 2 is not closed on this line"),
                e.getMessage());
        LabeledData skipped = DataReader.read(spec.withSkipBadRecords(true));
        assertEquals(
                List.of(new Example("one", 2), new Example("two", 2), new Example("three", 1)), skipped.examples());
        assertEquals(1, skipped.skipped());
    }

    @Test
    void skipModeCountsBadRowsOfEveryKind() throws IOException {
        Path file = write("mixed.csv", """
                label,text
                DENY,one
                MAYBE,unknown label
                ALLOW
                REFUSE,
                ,no label
                ESCALATION,two
                """);
        LabeledData data =
                DataReader.read(DataSpec.csv(file, CsvLayout.withHeader(List.of("text"), "label"), Map.of(), LABELS)
                        .withSkipBadRecords(true));
        assertEquals(List.of(new Example("one", 2), new Example("two", 1)), data.examples());
        assertEquals(4, data.skipped());
    }

    @Test
    void blankTextBlankLabelAndUnknownLabelNameTheLine() throws IOException {
        CsvLayout layout = CsvLayout.withHeader(List.of("title", "body"), "label");
        Path blankText = write("bt.csv", "label,title,body\nDENY,,\" \"\n");
        assertEquals(
                blankText + ":2: text is blank (columns [title, body] are all empty)",
                assertThrows(
                                DataFormatException.class,
                                () -> DataReader.read(DataSpec.csv(blankText, layout, Map.of(), LABELS)))
                        .getMessage());
        Path blankLabel = write("bl.csv", "label,title,body\n,a,b\n");
        assertEquals(
                blankLabel + ":2: label column \"label\" is blank",
                assertThrows(
                                DataFormatException.class,
                                () -> DataReader.read(DataSpec.csv(blankLabel, layout, Map.of(), LABELS)))
                        .getMessage());
        Path unknown = write("ul.csv", "label,title,body\n5,a,b\n");
        assertEquals(
                unknown + ":2: unknown label \"5\" (known: World, Sports, Business, Sci/Tech; mapped: 1, 2, 3, 4)",
                assertThrows(
                                DataFormatException.class,
                                () -> DataReader.read(DataSpec.csv(unknown, layout, AG_NEWS_MAP, AG_NEWS)))
                        .getMessage());
    }

    @Test
    void headerMustNameTheConfiguredColumns() throws IOException {
        Path file = write("h.csv", "label,title\nDENY,x\n");
        DataFormatException e = assertThrows(
                DataFormatException.class,
                () -> DataReader.read(
                        DataSpec.csv(file, CsvLayout.withHeader(List.of("body"), "label"), Map.of(), LABELS)));
        assertEquals(file + ":1: text column \"body\" is not in the header row [label, title]", e.getMessage());
    }

    @Test
    void headerOnlyAndEmptyFilesHaveNoRecords() throws IOException {
        CsvLayout layout = CsvLayout.withHeader(List.of("text"), "label");
        Path headerOnly = write("ho.csv", "label,text\n");
        assertEquals(
                headerOnly + ": has no records",
                assertThrows(
                                DataFormatException.class,
                                () -> DataReader.read(DataSpec.csv(headerOnly, layout, Map.of(), LABELS)))
                        .getMessage());
        Path empty = write("e.csv", "");
        assertEquals(
                empty + ": has no records (not even the header row)",
                assertThrows(
                                DataFormatException.class,
                                () -> DataReader.read(DataSpec.csv(empty, layout, Map.of(), LABELS)))
                        .getMessage());
    }

    @Test
    void layoutRejectsInconsistentSettings() {
        assertThrows(
                IllegalArgumentException.class, () -> new CsvLayout(false, List.of(), List.of("text"), "label", ','));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new CsvLayout(false, List.of("label", "text"), List.of("body"), "label", ','));
        assertTrue(e.getMessage().contains("\"body\""), e.getMessage());
        assertThrows(
                IllegalArgumentException.class, () -> new CsvLayout(true, List.of(), List.of("text"), "label", '"'));
    }
}
