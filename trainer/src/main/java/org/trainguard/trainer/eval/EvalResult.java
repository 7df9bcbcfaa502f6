package org.trainguard.trainer.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The metrics of one evaluation pass: the confusion matrix and everything derived from it.
 *
 * <p>Arrays are indexed by label position in {@link #labels()}; {@code confusion[t][p]} counts the
 * examples whose true label is {@code t} and whose predicted label is {@code p}. The record copies
 * every array it is given and every accessor returns a copy, so a result never changes after it is
 * made, even when the accumulator that produced it keeps counting.
 *
 * <p>{@code loss} is {@link Double#NaN} when no loss was recorded for the pass (and also when
 * training diverged: a NaN loss is reported, not hidden). {@code falseAllowRate} is 0 when the pass
 * held no harmful examples; check {@link #harmfulCount()} before reading it as "no harm let through".
 *
 * @param step           training step at which the evaluation ran
 * @param labels         label names, in model output order
 * @param confusion      counts, {@code [true][predicted]}
 * @param loss           mean loss over the evaluated examples, NaN when not recorded
 * @param accuracy       share of examples predicted correctly
 * @param f1Macro        unweighted mean of the per-class F1 over all labels
 * @param precision      per-class precision, 0 for a class that was never predicted
 * @param recall         per-class recall, 0 for a class with no examples
 * @param f1             per-class F1, 0 where precision and recall are both 0
 * @param support        per-class number of examples whose true label is that class
 * @param falseAllowRate {@code falseAllowCount / harmfulCount}, 0 when {@code harmfulCount == 0}
 * @param falseAllowCount harmful examples that were predicted as the allow label
 * @param harmfulCount   examples whose true label is one of the harmful labels
 */
public record EvalResult(
        int step,
        List<String> labels,
        long[][] confusion,
        double loss,
        double accuracy,
        double f1Macro,
        double[] precision,
        double[] recall,
        double[] f1,
        long[] support,
        double falseAllowRate,
        long falseAllowCount,
        long harmfulCount) {

    /** Validates the shapes and takes private copies of every array. */
    public EvalResult {
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(confusion, "confusion");
        if (labels.isEmpty()) {
            throw new IllegalArgumentException("an evaluation needs at least one label, found none");
        }
        labels = List.copyOf(labels);
        int n = labels.size();
        if (confusion.length != n) {
            throw new IllegalArgumentException(
                    "confusion matrix has " + confusion.length + " rows but there are " + n + " labels " + labels);
        }
        long[][] copy = new long[n][];
        for (int t = 0; t < n; t++) {
            if (confusion[t] == null || confusion[t].length != n) {
                throw new IllegalArgumentException("confusion matrix row " + t + " (" + labels.get(t)
                        + ") has " + (confusion[t] == null ? 0 : confusion[t].length)
                        + " columns but there are " + n + " labels");
            }
            copy[t] = confusion[t].clone();
        }
        confusion = copy;
        precision = checkedCopy("precision", precision, n);
        recall = checkedCopy("recall", recall, n);
        f1 = checkedCopy("f1", f1, n);
        Objects.requireNonNull(support, "support");
        if (support.length != n) {
            throw new IllegalArgumentException(
                    "support has " + support.length + " entries but there are " + n + " labels");
        }
        support = support.clone();
        if (falseAllowCount < 0 || harmfulCount < 0 || falseAllowCount > harmfulCount) {
            throw new IllegalArgumentException("false-allow count must lie in 0.." + harmfulCount
                    + " (the harmful count), found " + falseAllowCount);
        }
    }

    private static double[] checkedCopy(String name, double[] values, int n) {
        Objects.requireNonNull(values, name);
        if (values.length != n) {
            throw new IllegalArgumentException(
                    name + " has " + values.length + " entries but there are " + n + " labels");
        }
        return values.clone();
    }

    /** Returns a copy of the confusion matrix, {@code [true][predicted]}. */
    @Override
    public long[][] confusion() {
        long[][] copy = new long[confusion.length][];
        for (int t = 0; t < confusion.length; t++) {
            copy[t] = confusion[t].clone();
        }
        return copy;
    }

    /** Returns a copy of the per-class precision. */
    @Override
    public double[] precision() {
        return precision.clone();
    }

    /** Returns a copy of the per-class recall. */
    @Override
    public double[] recall() {
        return recall.clone();
    }

    /** Returns a copy of the per-class F1. */
    @Override
    public double[] f1() {
        return f1.clone();
    }

    /** Returns a copy of the per-class support. */
    @Override
    public long[] support() {
        return support.clone();
    }

    /** Returns how many examples were evaluated (the sum of the confusion matrix). */
    public long exampleCount() {
        long total = 0;
        for (long s : support) {
            total += s;
        }
        return total;
    }

    /**
     * Returns the metrics.jsonl form of this result, keys in a stable order: {@code type} ("eval"),
     * {@code step}, {@code loss}, {@code accuracy}, {@code f1_macro}, {@code false_allow_rate},
     * {@code false_allow_count}, {@code harmful_count}, {@code labels}, {@code per_class} (label ->
     * precision, recall, f1, support) and {@code confusion} ({@code [true][predicted]}); above
     * {@link #FULL_TABLE_LABELS} labels {@code top_confusions} (the {@link #METRICS_CONFUSIONS} largest cells off
     * the diagonal, each {@code true}, {@code predicted}, {@code count}) instead of {@code confusion}.
     * {@link #fromMap(Map)} reads it back.
     */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("type", "eval");
        map.put("step", step);
        map.put("loss", loss);
        map.put("accuracy", accuracy);
        map.put("f1_macro", f1Macro);
        map.put("false_allow_rate", falseAllowRate);
        map.put("false_allow_count", falseAllowCount);
        map.put("harmful_count", harmfulCount);
        map.put("labels", labels);
        Map<String, Object> perClass = new LinkedHashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("precision", precision[i]);
            one.put("recall", recall[i]);
            one.put("f1", f1[i]);
            one.put("support", support[i]);
            perClass.put(labels.get(i), one);
        }
        map.put("per_class", perClass);
        if (labels.size() > FULL_TABLE_LABELS) {
            // 10,000 labels would make a 100-million-cell matrix: a 200 MB line nobody can read
            List<Map<String, Object>> top = new ArrayList<>();
            for (Confusion c : topConfusions(METRICS_CONFUSIONS)) {
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("true", labels.get(c.trueLabel()));
                one.put("predicted", labels.get(c.predicted()));
                one.put("count", c.count());
                top.add(one);
            }
            map.put("top_confusions", top);
            return map;
        }
        List<List<Long>> rows = new ArrayList<>();
        for (long[] row : confusion) {
            rows.add(Arrays.stream(row).boxed().toList());
        }
        map.put("confusion", rows);
        return map;
    }

    /**
     * Above this many labels, tables, metrics lines and the report summarize instead of showing every cell of the
     * confusion matrix: the labels with the lowest F1 and the most frequent confusions.
     */
    public static final int FULL_TABLE_LABELS = 50;

    /** How many of the most frequent confusions a metrics line holds above {@link #FULL_TABLE_LABELS} labels. */
    public static final int METRICS_CONFUSIONS = 100;

    /**
     * One cell off the confusion matrix's diagonal.
     *
     * @param trueLabel the true label's index
     * @param predicted the predicted label's index
     * @param count     how many examples
     */
    public record Confusion(int trueLabel, int predicted, long count) {}

    /**
     * The most frequent mistakes: the largest cells off the diagonal, largest first (ties by true then predicted
     * label); cells with no example are left out.
     *
     * @param limit the most to return
     * @return at most {@code limit} cells
     */
    public List<Confusion> topConfusions(int limit) {
        java.util.Comparator<Confusion> order = java.util.Comparator.comparingLong(Confusion::count)
                .reversed()
                .thenComparingInt(Confusion::trueLabel)
                .thenComparingInt(Confusion::predicted);
        java.util.PriorityQueue<Confusion> kept = new java.util.PriorityQueue<>(order.reversed());
        for (int t = 0; t < confusion.length; t++) {
            for (int p = 0; p < confusion.length; p++) {
                if (t != p && confusion[t][p] > 0) {
                    kept.add(new Confusion(t, p, confusion[t][p]));
                    if (kept.size() > limit) {
                        kept.poll();
                    }
                }
            }
        }
        List<Confusion> out = new ArrayList<>(kept);
        out.sort(order);
        return out;
    }

    /** Returns {@link #toMap()} as one line of JSON (no line break), as written to metrics.jsonl. */
    public String toJson() {
        return MetricsJson.write(toMap());
    }

    /**
     * Rebuilds a result from its {@link #toMap()} form, for instance a line read back by
     * {@link MetricsLog#read(java.nio.file.Path)}. Extra keys (such as {@code time}) are ignored.
     *
     * @throws IllegalArgumentException naming the key when one is missing or has the wrong type
     */
    public static EvalResult fromMap(Map<String, Object> map) {
        return EvalResultReader.fromMap(map);
    }

    /** Compares every component, arrays by content and doubles as {@link Double#compare} does. */
    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof EvalResult that)) {
            return false;
        }
        return step == that.step
                && labels.equals(that.labels)
                && Arrays.deepEquals(confusion, that.confusion)
                && Double.compare(loss, that.loss) == 0
                && Double.compare(accuracy, that.accuracy) == 0
                && Double.compare(f1Macro, that.f1Macro) == 0
                && Arrays.equals(precision, that.precision)
                && Arrays.equals(recall, that.recall)
                && Arrays.equals(f1, that.f1)
                && Arrays.equals(support, that.support)
                && Double.compare(falseAllowRate, that.falseAllowRate) == 0
                && falseAllowCount == that.falseAllowCount
                && harmfulCount == that.harmfulCount;
    }

    /** Hashes by content, consistent with {@link #equals(Object)}. */
    @Override
    public int hashCode() {
        int h = Objects.hash(step, labels, loss, accuracy, f1Macro, falseAllowRate, falseAllowCount, harmfulCount);
        h = 31 * h + Arrays.deepHashCode(confusion);
        h = 31 * h + Arrays.hashCode(precision);
        h = 31 * h + Arrays.hashCode(recall);
        h = 31 * h + Arrays.hashCode(f1);
        return 31 * h + Arrays.hashCode(support);
    }

    /** Returns the one-line JSON form, which shows every value. */
    @Override
    public String toString() {
        return "EvalResult" + toJson();
    }
}
