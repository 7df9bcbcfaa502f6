package org.trainguard.trainer.eval;

import java.util.List;
import java.util.Objects;

/**
 * Counts one evaluation pass as its batches stream in, so a large evaluation set never needs to be
 * held in memory. Get one from {@link Evaluator#accumulator()}.
 *
 * <p>Not thread-safe: feed it from the thread that runs the evaluation. {@link #result(int)} can be
 * called at any time and more examples added afterwards.
 */
public final class EvalAccumulator {

    private final List<String> labels;
    private final int allowLabel;
    private final int[] harmfulLabels;
    private final long[][] confusion;
    private double lossSum;
    private long lossCount;

    EvalAccumulator(List<String> labels, int allowLabel, int[] harmfulLabels) {
        this.labels = labels;
        this.allowLabel = allowLabel;
        this.harmfulLabels = harmfulLabels;
        this.confusion = new long[labels.size()][labels.size()];
    }

    /**
     * Counts one example.
     *
     * @throws IllegalArgumentException when either index is not a known label
     */
    public EvalAccumulator add(int trueLabel, int predicted) {
        checkLabel("true label", trueLabel);
        checkLabel("predicted label", predicted);
        confusion[trueLabel][predicted]++;
        return this;
    }

    /**
     * Counts a batch of examples.
     *
     * @throws IllegalArgumentException when the arrays differ in length or hold an unknown label
     *                                  index; then none of the batch is counted
     */
    public EvalAccumulator add(int[] trueLabels, int[] predicted) {
        Objects.requireNonNull(trueLabels, "trueLabels");
        Objects.requireNonNull(predicted, "predicted");
        if (trueLabels.length != predicted.length) {
            throw new IllegalArgumentException(
                    "got " + trueLabels.length + " true labels but " + predicted.length + " predictions");
        }
        // Check the whole batch first so a bad batch leaves the counts untouched.
        for (int i = 0; i < trueLabels.length; i++) {
            checkLabel("true label of example " + i, trueLabels[i]);
            checkLabel("predicted label of example " + i, predicted[i]);
        }
        for (int i = 0; i < trueLabels.length; i++) {
            confusion[trueLabels[i]][predicted[i]]++;
        }
        return this;
    }

    /**
     * Adds the summed loss of {@code n} examples (e.g. a batch's mean loss times its size); the
     * result's loss is the total sum over the total count. A NaN sum makes the result's loss NaN,
     * which is what a diverged model should report.
     *
     * @throws IllegalArgumentException when {@code n <= 0}
     */
    public EvalAccumulator addLoss(double sum, int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("loss must cover at least one example, found n = " + n);
        }
        lossSum += sum;
        lossCount += n;
        return this;
    }

    /** Returns how many examples have been counted so far. */
    public long exampleCount() {
        long total = 0;
        for (long[] row : confusion) {
            for (long count : row) {
                total += count;
            }
        }
        return total;
    }

    /**
     * Computes the metrics of everything counted so far.
     *
     * <p>Precision, recall and F1 of a class are 0 where their denominator is 0, as scikit-learn
     * does with {@code zero_division=0}; macro-F1 is the mean over all labels, including labels
     * with no examples. The loss is NaN when {@link #addLoss} was never called.
     *
     * @param step training step the evaluation belongs to
     * @throws IllegalStateException when no example has been added: metrics of nothing would read
     *                               as a model that gets everything wrong
     */
    public EvalResult result(int step) {
        int n = labels.size();
        long total = exampleCount();
        if (total == 0) {
            throw new IllegalStateException("cannot compute metrics at step " + step
                    + ": no examples were evaluated (is the evaluation set empty?)");
        }
        long[] support = new long[n];
        long[] predictedCount = new long[n];
        long correct = 0;
        for (int t = 0; t < n; t++) {
            for (int p = 0; p < n; p++) {
                support[t] += confusion[t][p];
                predictedCount[p] += confusion[t][p];
            }
            correct += confusion[t][t];
        }
        double[] precision = new double[n];
        double[] recall = new double[n];
        double[] f1 = new double[n];
        double f1Sum = 0;
        for (int c = 0; c < n; c++) {
            long truePositives = confusion[c][c];
            precision[c] = ratio(truePositives, predictedCount[c]);
            recall[c] = ratio(truePositives, support[c]);
            // 2TP / (2TP + FP + FN) equals 2PR / (P + R) but needs no special case when P + R = 0.
            long falsePositives = predictedCount[c] - truePositives;
            long falseNegatives = support[c] - truePositives;
            f1[c] = ratio(2 * truePositives, 2 * truePositives + falsePositives + falseNegatives);
            f1Sum += f1[c];
        }
        long harmfulCount = 0;
        long falseAllowCount = 0;
        for (int h : harmfulLabels) {
            harmfulCount += support[h];
            falseAllowCount += confusion[h][allowLabel];
        }
        double loss = lossCount == 0 ? Double.NaN : lossSum / lossCount;
        return new EvalResult(
                step,
                labels,
                confusion,
                loss,
                ratio(correct, total),
                f1Sum / n,
                precision,
                recall,
                f1,
                support,
                ratio(falseAllowCount, harmfulCount),
                falseAllowCount,
                harmfulCount);
    }

    private static double ratio(long numerator, long denominator) {
        return denominator == 0 ? 0.0 : (double) numerator / denominator;
    }

    private void checkLabel(String what, int index) {
        if (index < 0 || index >= labels.size()) {
            throw new IllegalArgumentException(
                    what + " must be in 0.." + (labels.size() - 1) + " for labels " + labels + ", found " + index);
        }
    }
}
