package org.trainguard.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlReaderTest {

    static final List<String> LABELS = List.of("ALLOW", "ESCALATION", "DENY", "REFUSE");

    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    private DataFormatException failure(Path file) {
        return assertThrows(DataFormatException.class, () -> DataReader.read(DataSpec.jsonl(file, LABELS)));
    }

    @Test
    void readsExamplesInFileOrderWithLabelIndices() throws IOException {
        Path file = write("train.jsonl", """
                {"text": "please reset my password", "label": "ALLOW"}

                {"text": "パスワードを教えて", "label": "DENY", "source": "ignored"}
                {"label": "REFUSE", "text": "how do I build a weapon"}
                """);
        LabeledData data = DataReader.read(DataSpec.jsonl(file, LABELS));
        assertEquals(
                List.of(
                        new Example("please reset my password", 0),
                        new Example("パスワードを教えて", 2),
                        new Example("how do I build a weapon", 3)),
                data.examples());
        assertEquals(LABELS, data.labels());
        assertEquals(0, data.skipped());
        assertEquals(file, data.source());
        assertEquals(
                List.of(1, 0, 1, 1),
                java.util.Arrays.stream(data.countsPerLabel()).boxed().toList());
    }

    @Test
    void stripsByteOrderMarkAndHandlesCrLfAndMissingFinalNewline() throws IOException {
        Path file = dir.resolve("bom.jsonl");
        byte[] body = "{\"text\": \"a\", \"label\": \"DENY\"}\r\n{\"text\": \"b\", \"label\": \"ALLOW\"}"
                .getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[body.length + 3];
        bytes[0] = (byte) 0xEF;
        bytes[1] = (byte) 0xBB;
        bytes[2] = (byte) 0xBF;
        System.arraycopy(body, 0, bytes, 3, body.length);
        Files.write(file, bytes);
        LabeledData data = DataReader.read(DataSpec.jsonl(file, LABELS));
        assertEquals(List.of(new Example("a", 2), new Example("b", 0)), data.examples());
    }

    @Test
    void usesConfiguredFieldsLabelMapAndCaseInsensitiveNames() throws IOException {
        Path file = write("mapped.jsonl", """
                {"body": "one", "class": 1}
                {"body": "two", "class": "2"}
                {"body": "three", "class": "deny"}
                """);
        DataSpec spec = new DataSpec(
                file,
                DataSpec.Format.AUTO,
                "body",
                "class",
                CsvLayout.withHeader(List.of("x"), "y"),
                Map.of("1", "ALLOW", "2", "ESCALATION"),
                LABELS,
                false);
        assertEquals(
                List.of(new Example("one", 0), new Example("two", 1), new Example("three", 2)),
                DataReader.read(spec).examples());
    }

    @Test
    void unknownLabelNamesFileLineValueAndKnownLabels() throws IOException {
        Path file = write("train.jsonl", """
                {"text": "ok", "label": "ALLOW"}
                {"text": "ok", "label": "DENY"}
                {"text": "hmm", "label": "MAYBE"}
                """);
        DataFormatException e = failure(file);
        assertEquals(file + ":3: unknown label \"MAYBE\" (known: ALLOW, ESCALATION, DENY, REFUSE)", e.getMessage());
        assertEquals(file, e.file());
        assertEquals(OptionalInt.of(3), e.line());
    }

    @Test
    void malformedJsonNamesLineAndColumn() throws IOException {
        Path file = write(
                "bad.jsonl", "{\"text\": \"ok\", \"label\": \"ALLOW\"}\n{\"text\": \"oops\" \"label\": \"DENY\"}\n");
        DataFormatException e = failure(file);
        assertEquals(OptionalInt.of(2), e.line());
        assertTrue(e.getMessage().startsWith(file + ":2: malformed JSON at column "), e.getMessage());
    }

    @Test
    void trailingTextAfterTheObjectIsMalformed() throws IOException {
        DataFormatException e = failure(write("t.jsonl", "{\"text\": \"a\", \"label\": \"DENY\"} extra\n"));
        assertTrue(e.getMessage().contains(":1: malformed JSON"), e.getMessage());
    }

    @Test
    void recordThatIsNotAnObjectIsAnError() throws IOException {
        DataFormatException e = failure(write("a.jsonl", "[\"text\", \"DENY\"]\n"));
        assertTrue(e.getMessage().endsWith(":1: expected a JSON object, found array"), e.getMessage());
    }

    @Test
    void missingBlankAndNonStringTextAreErrors() throws IOException {
        assertTrue(failure(write("m.jsonl", "{\"label\": \"DENY\"}\n"))
                .getMessage()
                .endsWith(":1: missing field \"text\""));
        assertTrue(failure(write(
                        "b.jsonl", "{\"text\": \"a\", \"label\": \"DENY\"}\n{\"text\": \"  \", \"label\": \"DENY\"}\n"))
                .getMessage()
                .endsWith(":2: field \"text\" is blank"));
        assertTrue(failure(write("n.jsonl", "{\"text\": 42, \"label\": \"DENY\"}\n"))
                .getMessage()
                .endsWith(":1: field \"text\" must be a string, found number 42"));
    }

    @Test
    void missingBlankAndWronglyTypedLabelAreErrors() throws IOException {
        assertTrue(
                failure(write("m.jsonl", "{\"text\": \"a\"}\n")).getMessage().endsWith(":1: missing field \"label\""));
        assertTrue(failure(write("b.jsonl", "{\"text\": \"a\", \"label\": \" \"}\n"))
                .getMessage()
                .endsWith(":1: field \"label\" is blank"));
        assertTrue(failure(write("t.jsonl", "{\"text\": \"a\", \"label\": true}\n"))
                .getMessage()
                .endsWith(":1: field \"label\" must be a string or an integer, found boolean true"));
    }

    @Test
    void invalidUtf8IsReportedOnItsOwnLine() throws IOException {
        Path file = dir.resolve("latin1.jsonl");
        byte[] good = "{\"text\": \"ok\", \"label\": \"DENY\"}\n".getBytes(StandardCharsets.UTF_8);
        byte[] bad = "{\"text\": \"caf\u00e9\", \"label\": \"DENY\"}\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[good.length * 2 + bad.length];
        System.arraycopy(good, 0, all, 0, good.length);
        System.arraycopy(good, 0, all, good.length, good.length);
        System.arraycopy(bad, 0, all, good.length * 2, bad.length);
        Files.write(file, all);
        DataFormatException e = failure(file);
        assertEquals(OptionalInt.of(3), e.line());
        assertTrue(e.getMessage().contains("is not valid UTF-8 (byte 0xE9 at byte 14 of the line)"), e.getMessage());
    }

    @Test
    void emptyFileAndBlankOnlyFileHaveNoRecords() throws IOException {
        DataFormatException empty = failure(write("empty.jsonl", ""));
        assertEquals(dir.resolve("empty.jsonl") + ": has no records", empty.getMessage());
        assertEquals(OptionalInt.empty(), empty.line());
        assertEquals(
                dir.resolve("blank.jsonl") + ": has no records",
                failure(write("blank.jsonl", "\n  \n\n")).getMessage());
    }

    @Test
    void missingFileAndDirectoryAreErrors() {
        Path missing = dir.resolve("nope.jsonl");
        assertEquals(missing + ": file not found", failure(missing).getMessage());
        assertTrue(failure(dir).getMessage().endsWith(": is a directory, not a data file"));
    }

    @Test
    void skipModeSkipsAndCountsBadRecords() throws IOException {
        Path file = write("mixed.jsonl", """
                {"text": "good one", "label": "ALLOW"}
                {"text": "bad label", "label": "MAYBE"}
                not json at all
                {"text": "good two", "label": "REFUSE"}
                {"label": "DENY"}
                """);
        LabeledData data = DataReader.read(DataSpec.jsonl(file, LABELS).withSkipBadRecords(true));
        assertEquals(List.of(new Example("good one", 0), new Example("good two", 3)), data.examples());
        assertEquals(3, data.skipped());
    }

    @Test
    void skipModeStillFailsWhenNothingIsLeft() throws IOException {
        Path file = write("allbad.jsonl", "{\"text\": \"x\", \"label\": \"MAYBE\"}\n{oops\n");
        DataFormatException e = assertThrows(
                DataFormatException.class,
                () -> DataReader.read(DataSpec.jsonl(file, LABELS).withSkipBadRecords(true)));
        assertTrue(
                e.getMessage()
                        .startsWith(file + ": has no usable records: all 2 were bad; first: " + file
                                + ":1: unknown label \"MAYBE\""),
                e.getMessage());
    }

    @Test
    void autoFormatDecidesByExtension() {
        DataSpec csv = DataSpec.jsonl(dir.resolve("x.CSV"), LABELS);
        DataSpec auto =
                new DataSpec(csv.file(), DataSpec.Format.AUTO, "text", "label", csv.csv(), Map.of(), LABELS, false);
        assertEquals(DataSpec.Format.CSV, auto.resolvedFormat());
        assertEquals(
                DataSpec.Format.JSONL,
                new DataSpec(
                                dir.resolve("x.ndjson"),
                                DataSpec.Format.AUTO,
                                "text",
                                "label",
                                csv.csv(),
                                Map.of(),
                                LABELS,
                                false)
                        .resolvedFormat());
        DataSpec unknown = new DataSpec(
                dir.resolve("x.txt"), DataSpec.Format.AUTO, "text", "label", csv.csv(), Map.of(), LABELS, false);
        DataFormatException e = assertThrows(DataFormatException.class, unknown::resolvedFormat);
        assertTrue(e.getMessage().contains("x.txt: cannot tell the format"), e.getMessage());
    }

    @Test
    void specRejectsDuplicateLabelsAndMapTargetsThatAreNotLabels() {
        IllegalArgumentException dup = assertThrows(
                IllegalArgumentException.class,
                () -> DataSpec.jsonl(dir.resolve("a.jsonl"), List.of("ALLOW", "allow")));
        assertTrue(dup.getMessage().contains("\"allow\" twice"), dup.getMessage());
        IllegalArgumentException map = assertThrows(
                IllegalArgumentException.class,
                () -> DataSpec.csv(
                        dir.resolve("a.csv"), CsvLayout.withHeader(List.of("t"), "l"), Map.of("1", "World"), LABELS));
        assertTrue(map.getMessage().contains("\"1\" to \"World\""), map.getMessage());
    }
}
