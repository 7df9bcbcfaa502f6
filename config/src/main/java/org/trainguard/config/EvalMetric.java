package org.trainguard.config;

/** The metric that picks the best checkpoint ({@code eval.metric}). */
public enum EvalMetric {
    /** The unweighted mean of the per-label F1 scores. */
    F1_MACRO(true),
    /** The share of examples classified correctly. */
    ACCURACY(true),
    /** The mean validation loss. */
    LOSS(false),
    /** The share of examples with a harmful label that were classified as the allow label. */
    FALSE_ALLOW_RATE(false);

    private final boolean greaterIsBetter;

    EvalMetric(boolean greaterIsBetter) {
        this.greaterIsBetter = greaterIsBetter;
    }

    /**
     * Whether a higher value of this metric is better, used when {@code eval.greater_is_better} is not set.
     *
     * @return true for F1 and accuracy, false for loss and the false-allow rate
     */
    public boolean greaterIsBetterByDefault() {
        return greaterIsBetter;
    }
}
