package org.trainguard.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table with aligned columns, as the benchmarks print it (and as bench/README.md
 * quotes it): text columns left-aligned, the others right-aligned.
 */
public final class TextTable {

    private final List<String> header;
    private final boolean[] leftAligned;
    private final List<List<String>> rows = new ArrayList<>();

    /**
     * @param header column titles
     * @param leftAlignedColumns how many leading columns hold text (left-aligned); the rest are numbers
     */
    public TextTable(List<String> header, int leftAlignedColumns) {
        this.header = List.copyOf(header);
        this.leftAligned = new boolean[header.size()];
        for (int i = 0; i < Math.min(leftAlignedColumns, header.size()); i++) {
            leftAligned[i] = true;
        }
    }

    /**
     * @param cells one value per column
     * @return this table
     * @throws IllegalArgumentException when the row has another number of cells than the header
     */
    public TextTable row(List<String> cells) {
        if (cells.size() != header.size()) {
            throw new IllegalArgumentException(
                    "a row needs " + header.size() + " cells " + header + ", found " + cells.size() + ": " + cells);
        }
        rows.add(List.copyOf(cells));
        return this;
    }

    /** @return the number of rows, header not counted */
    public int size() {
        return rows.size();
    }

    /** @return the table, one line per row after a header and a rule, each line ending in a line break */
    public String render() {
        int[] width = new int[header.size()];
        for (int c = 0; c < width.length; c++) {
            width[c] = header.get(c).length();
            for (List<String> r : rows) {
                width[c] = Math.max(width[c], r.get(c).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, header, width);
        for (int c = 0; c < width.length; c++) {
            sb.append(c == 0 ? "" : "  ").append("-".repeat(width[c]));
        }
        sb.append('\n');
        for (List<String> r : rows) {
            line(sb, r, width);
        }
        return sb.toString();
    }

    private void line(StringBuilder sb, List<String> cells, int[] width) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < cells.size(); c++) {
            String s = cells.get(c);
            String pad = " ".repeat(width[c] - s.length());
            line.append(c == 0 ? "" : "  ").append(leftAligned[c] ? s + pad : pad + s);
        }
        sb.append(line.toString().stripTrailing()).append('\n');
    }
}
