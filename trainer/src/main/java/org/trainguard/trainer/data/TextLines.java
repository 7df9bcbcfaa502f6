package org.trainguard.trainer.data;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * Physical lines of a UTF-8 file with their 1-based numbers.
 *
 * <p>Each line is decoded on its own, strictly, so that a bad byte sequence is reported on the line
 * that holds it (a {@code BufferedReader} decodes ahead and fails several lines early) and, when
 * bad records are skipped, costs only that line. Line ends are {@code \n} or {@code \r\n}; a
 * UTF-8 byte order mark at the start is dropped.
 */
final class TextLines implements Closeable {

    /** A decoded line. */
    record Line(String text, int number) {}

    /** A line whose bytes are not UTF-8; the line has been consumed. */
    static final class NotUtf8 extends Exception {
        private static final long serialVersionUID = 1L;
        private final int number;

        NotUtf8(int number, String detail) {
            super(detail);
            this.number = number;
        }

        int number() {
            return number;
        }
    }

    private final InputStream in;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final byte[] buffer = new byte[1 << 16];
    private int position;
    private int limit;
    private byte[] line = new byte[256];
    private int number;
    private boolean eof;

    TextLines(Path file) throws IOException {
        this.in = Files.newInputStream(file);
    }

    /**
     * The next line, or empty at the end of the file.
     *
     * @throws NotUtf8 when this line is not valid UTF-8 (the next call continues after it)
     */
    Optional<Line> next() throws IOException, NotUtf8 {
        int length = 0;
        boolean sawAny = false;
        while (true) {
            if (position == limit) {
                if (eof || !fill()) {
                    break;
                }
            }
            sawAny = true;
            // scan the buffered bytes for the end of the line in one go
            int start = position;
            int end = start;
            while (end < limit && buffer[end] != '\n') {
                end++;
            }
            int count = end - start;
            if (length + count > line.length) {
                line = Arrays.copyOf(line, Math.max(line.length * 2, length + count));
            }
            System.arraycopy(buffer, start, line, length, count);
            length += count;
            if (end < limit) {
                position = end + 1;
                return Optional.of(decode(length));
            }
            position = limit;
        }
        if (!sawAny) {
            return Optional.empty();
        }
        return Optional.of(decode(length));
    }

    private Line decode(int length) throws NotUtf8 {
        number++;
        int from = 0;
        if (number == 1 && length >= 3 && line[0] == (byte) 0xEF && line[1] == (byte) 0xBB && line[2] == (byte) 0xBF) {
            from = 3;
        }
        int to = length;
        if (to > from && line[to - 1] == '\r') {
            to--;
        }
        ByteBuffer bytes = ByteBuffer.wrap(line, from, to - from);
        try {
            return new Line(decoder.reset().decode(bytes).toString(), number);
        } catch (CharacterCodingException e) {
            // the decoder stops at the bad sequence, so the position tells the user where to look
            int at = Math.min(bytes.position(), to - 1);
            throw new NotUtf8(
                    number,
                    "is not valid UTF-8 (byte 0x" + String.format("%02X", line[at] & 0xFF) + " at byte "
                            + (at - from + 1) + " of the line)");
        }
    }

    private boolean fill() throws IOException {
        int read = in.read(buffer, 0, buffer.length);
        if (read <= 0) {
            eof = true;
            position = 0;
            limit = 0;
            return false;
        }
        position = 0;
        limit = read;
        return true;
    }

    /** Number of the last line returned (0 before the first). */
    int lineNumber() {
        return number;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
