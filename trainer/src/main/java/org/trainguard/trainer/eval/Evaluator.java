package org.trainguard.trainer.eval;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Computes classification metrics for a fixed set of labels, including the false-allow rate: the
 * share of harmful examples that the model would have let through by predicting the allow label.
 *
 * <p>Use {@link #evaluate} when all predictions are at hand, or {@link #accumulator()} to stream
 * batches in; both give the same result for the same examples. An evaluator holds no counts and
 * can be shared.
 */
public final class Evaluator {

    private final List<String> labels;
    private final int allowLabel;
    private final int[] harmfulLabels;

    /**
     * Creates an evaluator.
     *
     * @param labels        label names in model output order; index i is class i
     * @param allowLabel    index of the label that lets content through (e.g. ALLOW)
     * @param harmfulLabels indices of the labels that must not be let through (e.g. DENY, REFUSE);
     *                      may be empty, must not contain the allow label
     * @throws IllegalArgumentException naming the offending index or label
     */
    public Evaluator(List<String> labels, int allowLabel, int[] harmfulLabels) {
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(harmfulLabels, "harmfulLabels");
        if (labels.isEmpty()) {
            throw new IllegalArgumentException("an evaluator needs at least one label, found none");
        }
        Set<String> seen = new HashSet<>();
        for (String label : labels) {
            if (label == null || label.isBlank()) {
                throw new IllegalArgumentException("label names must not be blank, found " + labels);
            }
            if (!seen.add(label)) {
                throw new IllegalArgumentException("label '" + label + "' appears twice in " + labels);
            }
        }
        this.labels = List.copyOf(labels);
        checkIndex("allow label", allowLabel);
        this.allowLabel = allowLabel;
        Set<Integer> harmful = new HashSet<>();
        for (int h : harmfulLabels) {
            checkIndex("harmful label", h);
            if (h == allowLabel) {
                throw new IllegalArgumentException(
                        "the allow label " + labels.get(h) + " cannot also be a harmful label");
            }
            if (!harmful.add(h)) {
                throw new IllegalArgumentException("harmful label " + labels.get(h) + " is listed twice");
            }
        }
        this.harmfulLabels = harmfulLabels.clone();
    }

    private void checkIndex(String what, int index) {
        if (index < 0 || index >= labels.size()) {
            throw new IllegalArgumentException(what + " index must be in 0.." + (labels.size() - 1) + " for labels "
                    + labels + ", found " + index);
        }
    }

    /** Returns the label names, in model output order. */
    public List<String> labels() {
        return labels;
    }

    /** Returns the index of the allow label. */
    public int allowLabel() {
        return allowLabel;
    }

    /** Returns the indices of the harmful labels (a copy). */
    public int[] harmfulLabels() {
        return harmfulLabels.clone();
    }

    /** Returns the names of the harmful labels, in the order they were given. */
    public List<String> harmfulLabelNames() {
        List<String> names = new ArrayList<>();
        for (int h : harmfulLabels) {
            names.add(labels.get(h));
        }
        return names;
    }

    /** Starts an empty accumulator for streaming one evaluation pass. */
    public EvalAccumulator accumulator() {
        return new EvalAccumulator(labels, allowLabel, harmfulLabels);
    }

    /**
     * Evaluates a whole pass at once.
     *
     * @param step       training step the evaluation belongs to
     * @param trueLabels true label index per example
     * @param predicted  predicted label index per example, same length
     * @param meanLoss   mean loss over these examples (NaN when not measured)
     * @throws IllegalArgumentException when the arrays differ in length or hold an unknown label index
     * @throws IllegalStateException    when there are no examples
     */
    public EvalResult evaluate(int step, int[] trueLabels, int[] predicted, double meanLoss) {
        EvalAccumulator accumulator = accumulator().add(trueLabels, predicted);
        if (trueLabels.length > 0) {
            accumulator.addLoss(meanLoss * trueLabels.length, trueLabels.length);
        }
        return accumulator.result(step);
    }
}
