package org.trainguard.watchdog.supervise;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.trainguard.core.io.RunFiles;
import org.trainguard.core.run.RunLayout;

/**
 * {@code logs/trainer-console.log}: everything the trainer process prints (its stdout and stderr, and the thread
 * dumps the JVM prints on SIGQUIT), appended across restarts and rotated by size when a trainer starts.
 */
final class ConsoleLog {

    /** The file name inside the run's {@code logs/} folder. */
    static final String FILE_NAME = RunLayout.TRAINER_CONSOLE;
    /** Rotate when the file passes this size at a trainer start. */
    static final long ROTATE_AT_BYTES = 10L * 1024 * 1024;
    /** Rotated files kept: {@code trainer-console.log.1} (newest) to {@code .5}. */
    static final int KEEP = 5;

    private final Path file;

    /**
     * @param outputDir the run's output folder
     */
    ConsoleLog(Path outputDir) {
        this.file = outputDir.resolve(RunLayout.LOGS).resolve(FILE_NAME);
    }

    /** @return the file */
    Path file() {
        return file;
    }

    /** @return its size in bytes, 0 when it does not exist */
    long size() {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * Rotates the file when it is too large, then appends a line that marks the start of a trainer.
     *
     * @param header the line, without a line break
     * @throws IOException when the folder or file cannot be written
     */
    void beginSection(String header) throws IOException {
        Files.createDirectories(file.getParent());
        RunFiles.requireNoLink(file, "the trainer console log");
        if (size() > ROTATE_AT_BYTES) {
            rotate();
        }
        Files.writeString(
                file,
                System.lineSeparator() + header + System.lineSeparator(),
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    /**
     * Reads what was appended after a position.
     *
     * @param from     the position (an earlier {@link #size()})
     * @param maxBytes the most bytes to read
     * @return the text, empty when nothing was appended
     */
    String readFrom(long from, int maxBytes) {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            if (length <= from) {
                return "";
            }
            int n = (int) Math.min(maxBytes, length - from);
            byte[] bytes = new byte[n];
            in.seek(from);
            in.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * The last lines of the file, for the log when a trainer fails without saying why.
     *
     * @param lines how many
     * @return at most that many lines, oldest first; empty when the file cannot be read
     */
    List<String> tail(int lines) {
        return tail(lines, 16 * 1024);
    }

    private List<String> tail(int lines, int bytes) {
        long size = size();
        String text = readFrom(Math.max(0, size - bytes), bytes);
        Deque<String> last = new ArrayDeque<>();
        for (String line : text.split("\\R")) {
            if (line.isBlank()) {
                continue;
            }
            last.addLast(line);
            if (last.size() > lines) {
                last.removeFirst();
            }
        }
        return List.copyOf(last);
    }

    /**
     * The last line the current trainer printed, for a failure it could not record in its session file
     * (the CLI prints its error message last).
     *
     * @return the last non-blank line after the newest start marker, without stack-trace lines; empty when
     *     the trainer printed nothing
     */
    Optional<String> lastMessage() {
        List<String> lines = tail(40);
        for (int i = lines.size() - 1; i >= 0; i--) {
            String line = lines.get(i).strip();
            if (line.startsWith("----- ") && line.endsWith(" -----")) {
                return Optional.empty();
            }
            if (line.startsWith("at ") || line.startsWith("... ") || line.startsWith("Caused by")) {
                continue;
            }
            return Optional.of(line.length() > 500 ? line.substring(0, 500) + "..." : line);
        }
        return Optional.empty();
    }

    /**
     * The line that names the exception which ended the current trainer: the first line of the last exception it
     * printed ({@code Exception in thread "main" java.lang.OutOfMemoryError: Java heap space}, or a bare
     * {@code java.lang.IllegalStateException: ...} under a log line), with its innermost {@code Caused by:} when it has
     * one. A long stack trace pushes that line out of the last lines, so it is looked for further back.
     *
     * @return the line, at most 500 characters (and the cause, as many); empty when the trainer printed no exception
     */
    Optional<String> lastException() {
        List<String> lines = tail(5000, 512 * 1024);
        int from = 0;
        for (int i = lines.size() - 1; i >= 0; i--) {
            String line = lines.get(i).strip();
            if (line.startsWith("----- ") && line.endsWith(" -----")) {
                from = i + 1;
                break;
            }
        }
        for (int i = lines.size() - 1; i >= from; i--) {
            String line = lines.get(i);
            if (EXCEPTION_HEADER.matcher(line).matches()) {
                String cause = null;
                for (int j = i + 1; j < lines.size(); j++) {
                    if (lines.get(j).startsWith("Caused by: ")) {
                        cause = lines.get(j);
                    }
                }
                return Optional.of(cut(line.strip()) + (cause == null ? "" : " (" + cut(cause.strip()) + ")"));
            }
        }
        return Optional.empty();
    }

    /** The first line of a printed exception: "Exception in thread ..." or a class name ending in Exception or Error. */
    private static final java.util.regex.Pattern EXCEPTION_HEADER = java.util.regex.Pattern.compile(
            "Exception in thread \\S.*|(?:[a-zA-Z_$][\\w$]*\\.)+[\\w$]*(?:Exception|Error|Throwable)(?::.*)?");

    private static String cut(String line) {
        return line.length() > 500 ? line.substring(0, 500) + "..." : line;
    }

    private void rotate() throws IOException {
        Path dir = file.getParent();
        Files.deleteIfExists(dir.resolve(FILE_NAME + "." + KEEP));
        for (int i = KEEP - 1; i >= 1; i--) {
            Path from = dir.resolve(FILE_NAME + "." + i);
            if (Files.exists(from)) {
                Files.move(from, dir.resolve(FILE_NAME + "." + (i + 1)), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.move(file, dir.resolve(FILE_NAME + ".1"), StandardCopyOption.REPLACE_EXISTING);
    }
}
