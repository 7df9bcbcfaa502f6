package org.trainguard.trainer.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainguard.core.io.RunFiles;

/**
 * The run's metrics.jsonl: one JSON object per line, one line per logged training step
 * ({@code "type":"train"}) and per evaluation ({@code "type":"eval"}), each with a {@code "time"}
 * in ISO-8601 UTC.
 *
 * <p>Each line goes to the operating system as soon as it is appended, so a crash loses at most the
 * line being written. That line may be left half-written; {@link #read(Path)} ignores it, and the
 * first append after a restart cuts it off so the file stays one object per line. Lines are only
 * ever appended, so after a resume the steps between the checkpoint and the crash appear twice;
 * readers should let the later line for a step win.
 *
 * <p>Nothing touches the file until the first append. Safe to share between threads. Close it
 * (try-with-resources) when the run ends.
 */
public final class MetricsLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MetricsLog.class);

    private final Path file;
    private final Clock clock;
    private FileChannel channel;
    private boolean closed;

    /** Creates a log that appends to {@code metricsJsonl}, stamping lines with the system clock. */
    public MetricsLog(Path metricsJsonl) {
        this(metricsJsonl, Clock.systemUTC());
    }

    /** Creates a log that appends to {@code metricsJsonl}, stamping lines with {@code clock}. */
    public MetricsLog(Path metricsJsonl, Clock clock) {
        this.file = Objects.requireNonNull(metricsJsonl, "metricsJsonl");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Returns the file this log appends to. */
    public Path path() {
        return file;
    }

    /**
     * Appends a training line: {@code {"type":"train","time":..,"step":..,"epoch":..,"loss":..,
     * "learning_rate":..,"samples_per_second":..}}.
     *
     * @throws IOException when the line cannot be written; the run should not carry on blind
     */
    public void appendTrain(long step, int epoch, double loss, double learningRate, double samplesPerSecond)
            throws IOException {
        Map<String, Object> line = startLine("train");
        line.put("step", step);
        line.put("epoch", epoch);
        line.put("loss", loss);
        line.put("learning_rate", learningRate);
        line.put("samples_per_second", samplesPerSecond);
        append(line);
    }

    /**
     * Appends an evaluation line: {@link EvalResult#toMap()} with {@code "time"} after {@code "type"}.
     *
     * @throws IOException when the line cannot be written
     */
    public void appendEval(EvalResult result) throws IOException {
        Map<String, Object> fields = result.toMap();
        Map<String, Object> line = startLine(fields.remove("type"));
        line.putAll(fields);
        append(line);
    }

    /**
     * Appends a rollback line: {@code {"type":"rollback","time":..,"step":..,"loss":..,"to_step":..,"lr_factor":..,
     * "change":..}}: at {@code step} the loss was not finite, and the run went back to {@code to_step}.
     *
     * @param step the step whose loss was not finite
     * @param loss that loss, as text
     * @param toStep the checkpoint's step the run went back to
     * @param lrFactor the learning-rate factor from then on
     * @param change what was changed
     * @throws IOException when the line cannot be written
     */
    public void appendRollback(long step, String loss, long toStep, double lrFactor, String change) throws IOException {
        Map<String, Object> line = startLine("rollback");
        line.put("step", step);
        line.put("loss", loss);
        line.put("to_step", toStep);
        line.put("lr_factor", lrFactor);
        line.put("change", change);
        append(line);
    }

    /** A new line holding its type and then the time, the first two keys of every line. */
    private Map<String, Object> startLine(Object type) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("type", type);
        line.put("time", Instant.now(clock).truncatedTo(ChronoUnit.MILLIS).toString());
        return line;
    }

    private synchronized void append(Map<String, Object> line) throws IOException {
        if (closed) {
            throw new IllegalStateException("metrics log " + file + " is closed");
        }
        if (channel == null) {
            channel = open();
        }
        ByteBuffer bytes = ByteBuffer.wrap((MetricsJson.write(line) + "\n").getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    private FileChannel open() throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        RunFiles.requireNoLink(file, "the metrics log");
        FileChannel opened = FileChannel.open(
                file,
                StandardOpenOption.CREATE,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS);
        try {
            repairTail(opened);
        } catch (IOException | RuntimeException e) {
            opened.close();
            throw e;
        }
        return opened;
    }

    /**
     * Makes the file end in a line break, so the next line starts on a line of its own: a complete
     * last line without a break gets one, a half-written one (a crash mid-write) is cut off.
     */
    private void repairTail(FileChannel ch) throws IOException {
        long size = ch.size();
        if (size == 0 || byteAt(ch, size - 1) == '\n') {
            ch.position(size);
            return;
        }
        long lineStart = startOfLastLine(ch, size);
        ByteBuffer tail = ByteBuffer.allocate(Math.toIntExact(size - lineStart));
        while (tail.hasRemaining()) {
            if (ch.read(tail, lineStart + tail.position()) < 0) {
                throw new IOException("file shrank while reading its last line: " + file);
            }
        }
        String fragment = new String(tail.array(), StandardCharsets.UTF_8);
        if (parses(fragment)) {
            ch.position(size);
            ch.write(ByteBuffer.wrap(new byte[] {'\n'}));
            return;
        }
        ch.truncate(lineStart);
        ch.position(lineStart);
        LOG.warn(
                "{}: cut off a half-written last line ({} bytes) left by an interrupted run: {}",
                file,
                size - lineStart,
                preview(fragment));
    }

    private static byte byteAt(FileChannel ch, long position) throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        if (ch.read(one, position) != 1) {
            throw new IOException("could not read byte " + position + " of " + ch);
        }
        return one.get(0);
    }

    /** Returns the position just after the last line break before {@code size}, or 0. */
    private static long startOfLastLine(FileChannel ch, long size) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(8192);
        long end = size;
        while (end > 0) {
            long start = Math.max(0, end - chunk.capacity());
            chunk.clear().limit(Math.toIntExact(end - start));
            while (chunk.hasRemaining()) {
                if (ch.read(chunk, start + chunk.position()) < 0) {
                    throw new IOException("file shrank while reading its last line: " + ch);
                }
            }
            for (int i = chunk.limit() - 1; i >= 0; i--) {
                if (chunk.get(i) == '\n') {
                    return start + i + 1;
                }
            }
            end = start;
        }
        return 0;
    }

    private static boolean parses(String line) {
        try {
            MetricsJson.readObject(line);
            return true;
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    private static String preview(String text) {
        return text.length() <= 120 ? text : text.substring(0, 120) + "...";
    }

    /** Closes the file; later appends fail. Closing twice is harmless. */
    @Override
    public synchronized void close() throws IOException {
        closed = true;
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }

    /**
     * Reads this log's lines, as {@link #read} does, while no line is being appended by this process.
     *
     * @return the lines in file order
     * @throws IOException when the file cannot be read
     */
    public synchronized List<Map<String, Object>> lines() throws IOException {
        return read(file);
    }

    /**
     * Reads every line of a metrics.jsonl file, in file order, as maps (numbers as Integer, Long
     * or Double; NaN losses as {@link Double#NaN}). A file that does not exist yet reads as no lines.
     *
     * <p>A last line that is not complete JSON is what a crash mid-write leaves behind: it is
     * skipped with a warning. Any other line that is not a JSON object means the file was damaged
     * some other way, and that is an error.
     *
     * @throws IOException naming the file and line number of a damaged line
     */
    public static List<Map<String, Object>> read(Path metricsJsonl) throws IOException {
        List<Map<String, Object>> lines = new ArrayList<>();
        // InputStreamReader replaces bad bytes instead of failing: a cut can split a UTF-8 character.
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(Files.newInputStream(metricsJsonl), StandardCharsets.UTF_8))) {
            String text;
            int lineNumber = 0;
            int badLineNumber = 0;
            String badLineProblem = "";
            while ((text = reader.readLine()) != null) {
                lineNumber++;
                if (text.isBlank()) {
                    continue;
                }
                if (badLineNumber != 0) {
                    throw new IOException(
                            metricsJsonl + " line " + badLineNumber + " is not a JSON object: " + badLineProblem);
                }
                try {
                    lines.add(MetricsJson.readObject(text));
                } catch (JsonProcessingException e) {
                    badLineNumber = lineNumber;
                    badLineProblem = e.getOriginalMessage() + " in: " + preview(text);
                }
            }
            if (badLineNumber != 0) {
                LOG.warn(
                        "{} line {}: ignored a half-written last line ({})",
                        metricsJsonl,
                        badLineNumber,
                        badLineProblem);
            }
        } catch (NoSuchFileException e) {
            return List.of();
        }
        return lines;
    }
}
