package org.trainguard.session;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A terminal stream with one live line at its bottom: the progress bar. Whatever else is written through
 * it (log lines, notices) appears above the bar, which is drawn again below, so the bar never has text
 * glued to it and never leaves a trail of partial lines. Install it as {@code System.err} so that the
 * console log goes through it too.
 *
 * <p>The bar is erased by overwriting it with spaces, not with ANSI codes, which every console understands.
 */
public final class LiveBar extends PrintStream {

    /** The width assumed where the terminal's cannot be read. */
    public static final int DEFAULT_COLUMNS = 80;

    private final PrintStream out;
    private final int columns;
    private String bar = "";
    private boolean shown;
    private boolean lineOpen;

    /**
     * @param out the terminal
     * @param columns the terminal's width in characters
     */
    public LiveBar(PrintStream out, int columns) {
        super(out, true, StandardCharsets.UTF_8);
        this.out = out;
        this.columns = Math.max(20, columns);
    }

    /** @return the terminal's width in characters */
    public int columns() {
        return columns;
    }

    /**
     * Draws the bar, replacing the one shown; a line longer than the terminal is cut so that it never wraps.
     *
     * @param line the bar's text
     */
    public synchronized void show(String line) {
        String next = line.length() >= columns ? line.substring(0, columns - 1) : line;
        if (lineOpen) {
            // another writer is in the middle of a line: draw when it ends
            bar = next;
            return;
        }
        StringBuilder sb = new StringBuilder("\r").append(next);
        if (shown) {
            for (int i = next.length(); i < bar.length(); i++) {
                sb.append(' ');
            }
            sb.append('\r').append(next);
        }
        bar = next;
        shown = true;
        out.print(sb);
        out.flush();
    }

    /** Leaves the bar on screen as it is and moves below it, for the output that ends a run. */
    public synchronized void finish() {
        if (shown) {
            out.print(System.lineSeparator());
            out.flush();
        }
        shown = false;
        bar = "";
    }

    private void hide() {
        if (shown) {
            out.print("\r" + " ".repeat(bar.length()) + "\r");
            shown = false;
        }
    }

    @Override
    public synchronized void write(int b) {
        hide();
        out.write(b);
        afterWrite(b == '\n');
    }

    @Override
    public synchronized void write(byte[] buf, int off, int len) {
        if (len == 0) {
            return;
        }
        hide();
        out.write(buf, off, len);
        afterWrite(buf[off + len - 1] == '\n');
    }

    private void afterWrite(boolean endsLine) {
        lineOpen = !endsLine;
        if (endsLine && !bar.isEmpty()) {
            out.print(bar);
            shown = true;
        }
        out.flush();
    }

    @Override
    public synchronized void flush() {
        out.flush();
    }

    /**
     * Reads the terminal's width: {@code stty size} on the controlling terminal, then the {@code COLUMNS}
     * variable, then {@link #DEFAULT_COLUMNS}.
     *
     * @return columns of the terminal this process writes to
     */
    public static int terminalColumns() {
        if (Files.isReadable(Path.of("/dev/tty"))) {
            try {
                Process p = new ProcessBuilder("stty", "size")
                        .redirectInput(new java.io.File("/dev/tty"))
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
                try (InputStream in = p.getInputStream()) {
                    String[] size = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                            .trim()
                            .split("\\s+");
                    if (p.waitFor(2, TimeUnit.SECONDS) && p.exitValue() == 0 && size.length == 2) {
                        int cols = Integer.parseInt(size[1]);
                        if (cols > 0) {
                            return cols;
                        }
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // no stty or no terminal: the next source
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            int cols = Integer.parseInt(System.getenv().getOrDefault("COLUMNS", ""));
            if (cols > 0) {
                return cols;
            }
        } catch (NumberFormatException e) {
            // not set
        }
        return DEFAULT_COLUMNS;
    }
}
