package org.trainguard.trainer.data;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads CSV records as defined by RFC 4180: fields separated by a delimiter, optionally enclosed
 * in double quotes; inside quotes the delimiter and line breaks are data and {@code ""} is one
 * quote. A quote in the middle of an unquoted field is kept as a character, as spreadsheets do.
 * Blank lines between records are ignored. Line breaks inside a quoted field come back as
 * {@code \n}.
 */
final class CsvReader implements Closeable {

    /** One record and the line it starts on. */
    record Row(List<String> fields, int line) {}

    /** A record that breaks the quoting rules. */
    static final class SyntaxError extends Exception {
        private static final long serialVersionUID = 1L;
        private final int line;
        private final boolean recoverable;

        SyntaxError(int line, String problem, boolean recoverable) {
            super(problem);
            this.line = line;
            this.recoverable = recoverable;
        }

        /** 1-based line where the problem is. */
        int line() {
            return line;
        }

        /** Whether reading can go on with the next line (false once the rest of the file is suspect). */
        boolean recoverable() {
            return recoverable;
        }
    }

    private final TextLines lines;
    private final char delimiter;
    /** Lines read past a bad record's first line, to be read again as records of their own. */
    private final java.util.ArrayDeque<TextLines.Line> pending = new java.util.ArrayDeque<>();
    /** The lines of the record being read. */
    private final List<TextLines.Line> consumed = new ArrayList<>();

    CsvReader(TextLines lines, char delimiter) {
        this.lines = lines;
        this.delimiter = delimiter;
    }

    /**
     * The next record, or empty at the end of the file.
     *
     * @throws SyntaxError     when the record breaks the quoting rules
     * @throws TextLines.NotUtf8 when a line of the record is not UTF-8
     */
    Optional<Row> next() throws IOException, SyntaxError, TextLines.NotUtf8 {
        consumed.clear();
        Optional<TextLines.Line> first = nextLine();
        while (first.isPresent() && first.get().text().isBlank()) {
            consumed.clear();
            first = nextLine();
        }
        if (first.isEmpty()) {
            return Optional.empty();
        }
        int startLine = first.get().number();
        String text = first.get().text();
        int pos = 0;
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        while (true) {
            if (pos < text.length() && text.charAt(pos) == '"') {
                int quoteLine = consumed.get(consumed.size() - 1).number();
                pos++;
                field.setLength(0);
                while (true) {
                    int quote = text.indexOf('"', pos);
                    if (quote < 0) {
                        field.append(text, pos, text.length()).append('\n');
                        Optional<TextLines.Line> more = nextLine();
                        if (more.isEmpty()) {
                            throw new SyntaxError(
                                    quoteLine,
                                    "unterminated quote: the quoted field of column " + (fields.size() + 1)
                                            + " that starts here runs to the end of the file",
                                    false);
                        }
                        text = more.get().text();
                        pos = 0;
                        continue;
                    }
                    field.append(text, pos, quote);
                    pos = quote + 1;
                    if (pos < text.length() && text.charAt(pos) == '"') {
                        field.append('"');
                        pos++;
                        continue;
                    }
                    break;
                }
                fields.add(field.toString());
                if (pos == text.length()) {
                    return Optional.of(new Row(fields, startLine));
                }
                if (text.charAt(pos) != delimiter) {
                    int here = consumed.get(consumed.size() - 1).number();
                    if (here == quoteLine) {
                        throw new SyntaxError(
                                here,
                                "unexpected text after the closing quote of column "
                                        + fields.size() + ": " + excerpt(text, pos)
                                        + " (a quote inside a quoted field must be "
                                        + "doubled: \"\")",
                                true);
                    }
                    // The quote was most likely never meant to span lines: blame the line it opens on, and read the
                    // lines it swallowed again as records of their own rather than lose them uncounted.
                    for (int i = consumed.size() - 1; i > 0; i--) {
                        if (consumed.get(i).number() > quoteLine) {
                            pending.addFirst(consumed.get(i));
                        }
                    }
                    throw new SyntaxError(
                            quoteLine,
                            "the quote that opens column " + fields.size() + " is not closed "
                                    + "on this line (a quote inside a field must be doubled, \"\", and a field holding a quote "
                                    + "must be quoted as a whole)",
                            true);
                }
                pos++;
            } else {
                int end = text.indexOf(delimiter, pos);
                if (end < 0) {
                    fields.add(text.substring(pos));
                    return Optional.of(new Row(fields, startLine));
                }
                fields.add(text.substring(pos, end));
                pos = end + 1;
            }
        }
    }

    private Optional<TextLines.Line> nextLine() throws IOException, TextLines.NotUtf8 {
        Optional<TextLines.Line> line = pending.isEmpty() ? lines.next() : Optional.of(pending.removeFirst());
        line.ifPresent(consumed::add);
        return line;
    }

    private static String excerpt(String text, int from) {
        String rest = text.substring(from);
        return "\"" + (rest.length() > 20 ? rest.substring(0, 20) + "..." : rest) + "\"";
    }

    @Override
    public void close() throws IOException {
        lines.close();
    }
}
