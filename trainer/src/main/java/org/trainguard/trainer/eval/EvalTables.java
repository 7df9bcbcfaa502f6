package org.trainguard.trainer.eval;

import java.util.List;
import java.util.Locale;

/**
 * Formats an {@link EvalResult} as fixed-width text for logs, the console and the report page.
 *
 * <p>Three blocks: a summary line (step, loss, accuracy, macro-F1, false-allow rate), a per-class
 * table (precision, recall, F1, support, and a macro average row) and the confusion matrix with
 * true labels as rows and predicted labels as columns. Numbers use a dot as decimal separator
 * whatever the machine's locale, so logs from different machines compare line by line.
 */
public final class EvalTables {

    private static final String CORNER = "true \\ predicted";
    private static final String MACRO_ROW = "macro avg";

    private EvalTables() {
    }

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
                : number(result.falseAllowRate()) + " (" + result.falseAllowCount() + " of "
                        + result.harmfulCount() + " harmful)";
        return "step " + result.step()
                + "  loss " + (Double.isNaN(result.loss()) ? "n/a" : number(result.loss()))
                + "  accuracy " + number(result.accuracy())
                + "  macro-F1 " + number(result.f1Macro())
                + "  false-allow rate " + falseAllow;
    }

    private static void appendPerClass(StringBuilder out, EvalResult result) {
        List<String> labels = result.labels();
        int labelWidth = Math.max(widest(labels), Math.max("label".length(), MACRO_ROW.length()));
        long[] support = result.support();
        int supportWidth = Math.max("support".length(), Long.toString(result.exampleCount()).length());
        String row = "%-" + labelWidth + "s  %9s  %9s  %9s  %" + supportWidth + "s%n";
        out.append(String.format(Locale.ROOT, row, "label", "precision", "recall", "f1", "support"));
        double[] precision = result.precision();
        double[] recall = result.recall();
        double[] f1 = result.f1();
        for (int i = 0; i < labels.size(); i++) {
            out.append(String.format(Locale.ROOT, row, labels.get(i), number(precision[i]),
                    number(recall[i]), number(f1[i]), support[i]));
        }
        out.append(String.format(Locale.ROOT, row, MACRO_ROW, number(mean(precision)),
                number(mean(recall)), number(result.f1Macro()), result.exampleCount()));
    }

    private static void appendConfusion(StringBuilder out, EvalResult result) {
        List<String> labels = result.labels();
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
