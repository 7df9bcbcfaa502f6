package org.trainguard.core.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ending a run early when the evaluation metric stops improving ({@code eval.early_stopping}), as Hugging Face's
 * {@code EarlyStoppingCallback} does: after {@code patience} evaluations in a row that did not beat the best value so
 * far by more than {@code minDelta}, the run ends as completed.
 *
 * @param patience evaluations in a row without improvement that end the run, &gt; 0
 * @param minDelta how much better than the best value so far an evaluation must be to count as an improvement, &ge; 0
 */
public record EarlyStoppingConfig(int patience, double minDelta) {

    /** Checks the ranges. */
    public EarlyStoppingConfig {
        Checks.positive("eval.early_stopping.patience", patience);
        Checks.nonNegative("eval.early_stopping.min_delta", minDelta);
    }

    /**
     * Whether {@code value} improves on {@code best} by more than {@code minDelta}.
     *
     * @param value the new evaluation's metric
     * @param best the best value before it
     * @param greaterIsBetter the direction of the metric
     * @return whether it counts as an improvement
     */
    public boolean improves(double value, double best, boolean greaterIsBetter) {
        double gain = greaterIsBetter ? value - best : best - value;
        return gain > minDelta;
    }

    Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("patience", patience);
        map.put("min_delta", minDelta);
        return map;
    }
}
