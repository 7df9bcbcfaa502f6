package org.trainguard.trainer.eval;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * Formats an {@link EvalResult} as fixed-width text for logs, the console and the report page.
 *
 * <p>Three blocks: a summary line (step, loss, accuracy, macro-F1, false-allow rate), a per-class
 * table (precision, recall, F1, support, and a macro average row) and the confusion matrix with
 * true labels as rows and predicted labels as columns. Above {@link EvalResult#FULL_TABLE_LABELS} labels the
 * per-class table shows the labels with the lowest F1 and the matrix gives way to the most frequent
 * confusions. Numbers use a dot as decimal separator whatever the machine's locale, so logs from
 * different machines compare line by line.
 */
public final class EvalTables {

    private static final String CORNER = "true \\ predicted";
    private static final String MACRO_ROW = "macro avg";

    private EvalTables() {}

    /** Returns the three blocks, each line ending in a line break. */
    public static String format(EvalResult result) {
        StringBuilder out = new StringBuilder();
        out.append(summary(result)).append('\n');
        out.append('\n');
        appendPerClass(out, result);
        out.append('\n');
        appendConfusion(out, result);
        return out.toString();
    }

    /**
     * Returns the summary line alone, e.g. {@code step 1458  loss 0.4321  accuracy 0.8750  macro-F1
     * 0.8123  false-allow rate 0.0500 (2 of 40 harmful)}; a value that was not measured reads
     * {@code n/a}.
     */
    public static String summary(EvalResult result) {
        String falseAllow = result.harmfulCount() == 0
                ? "n/a (no harmful examples)"
                : number(result.falseAllowRate()) + " (" + result.falseAllowCount() + " of " + result.harmfulCount()
                        + " harmful)";
        return "step " + result.step()
                + "  loss " + (Double.isNaN(result.loss()) ? "n/a" : number(result.loss()))
                + "  accuracy " + number(result.accuracy())
                + "  macro-F1 " + number(result.f1Macro())
                + "  false-allow rate " + falseAllow;
    }

    /** Above {@link EvalResult#FULL_TABLE_LABELS} labels: how many labels and confusions the text shows. */
    static final int SUMMARY_ROWS = 20;

    private static void appendPerClass(StringBuilder out, EvalResult result) {
        List<String> labels = result.labels();
        if (labels.size() > EvalResult.FULL_TABLE_LABELS) {
            appendLowestF1(out, result);
            return;
        }
        appendClassRows(out, result, IntStream.range(0, labels.size()).boxed().toList());
    }

    /** The labels with the lowest F1 among those with examples, worst first; all of them are in metrics.jsonl. */
    private static void appendLowestF1(StringBuilder out, EvalResult result) {
        List<String> labels = result.labels();
        double[] f1 = result.f1();
        long[] support = result.support();
        List<Integer> shown = IntStream.range(0, labels.size())
                .filter(i -> support[i] > 0)
                .boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> f1[i]).thenComparingInt(i -> i))
                .limit(SUMMARY_ROWS)
                .toList();
        out.append(String.format(
                Locale.ROOT,
                "%d labels: the %d with the lowest F1 (every label is in metrics.jsonl)%n",
                labels.size(),
                shown.size()));
        appendClassRows(out, result, shown);
    }

    /**
     * The per-class table: a header, a row for each of the given labels and the macro average row (over
     * every label).
     */
    private static void appendClassRows(StringBuilder out, EvalResult result, List<Integer> shown) {
        List<String> labels = result.labels();
        int labelWidth = Math.max("label".length(), MACRO_ROW.length());
        for (int i : shown) {
            labelWidth = Math.max(labelWidth, labels.get(i).length());
        }
        double[] precision = result.precision();
        double[] recall = result.recall();
        double[] f1 = result.f1();
        long[] support = result.support();
        int supportWidth = Math.max(
                "support".length(), Long.toString(result.exampleCount()).length());
        String row = "%-" + labelWidth + "s  %9s  %9s  %9s  %" + supportWidth + "s%n";
        out.append(String.format(Locale.ROOT, row, "label", "precision", "recall", "f1", "support"));
        for (int i : shown) {
            out.append(String.format(
                    Locale.ROOT,
                    row,
                    labels.get(i),
                    number(precision[i]),
                    number(recall[i]),
                    number(f1[i]),
                    support[i]));
        }
        out.append(String.format(
                Locale.ROOT,
                row,
                MACRO_ROW,
                number(mean(precision)),
                number(mean(recall)),
                number(result.f1Macro()),
                result.exampleCount()));
    }

    private static void appendConfusion(StringBuilder out, EvalResult result) {
        List<String> labels = result.labels();
        if (labels.size() > EvalResult.FULL_TABLE_LABELS) {
            // the whole matrix of 10,000 labels would be 100 million cells, 690 MB of text
            List<EvalResult.Confusion> top = result.topConfusions(SUMMARY_ROWS);
            out.append("most frequent confusions (true -> predicted: examples)")
                    .append(top.isEmpty() ? ": none" : "")
                    .append('\n');
            for (EvalResult.Confusion c : top) {
                out.append("  ")
                        .append(labels.get(c.trueLabel()))
                        .append(" -> ")
                        .append(labels.get(c.predicted()))
                        .append(": ")
                        .append(c.count())
                        .append('\n');
            }
            return;
        }
        long[][] confusion = result.confusion();
        int rowHeaderWidth = Math.max(CORNER.length(), widest(labels));
        int[] columnWidth = new int[labels.size()];
        for (int p = 0; p < labels.size(); p++) {
            columnWidth[p] = labels.get(p).length();
            for (long[] row : confusion) {
                columnWidth[p] = Math.max(columnWidth[p], Long.toString(row[p]).length());
            }
        }
        out.append(pad(CORNER, rowHeaderWidth, false));
        for (int p = 0; p < labels.size(); p++) {
            out.append("  ").append(pad(labels.get(p), columnWidth[p], true));
        }
        out.append('\n');
        for (int t = 0; t < labels.size(); t++) {
            out.append(pad(labels.get(t), rowHeaderWidth, false));
            for (int p = 0; p < labels.size(); p++) {
                out.append("  ").append(pad(Long.toString(confusion[t][p]), columnWidth[p], true));
            }
            out.append('\n');
        }
    }

    private static String number(double value) {
        return String.format(Locale.ROOT, "%.4f", value);
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    private static int widest(List<String> texts) {
        int widest = 0;
        for (String text : texts) {
            widest = Math.max(widest, text.length());
        }
        return widest;
    }

    private static String pad(String text, int width, boolean right) {
        String spaces = " ".repeat(Math.max(0, width - text.length()));
        return right ? spaces + text : text + spaces;
    }
}
