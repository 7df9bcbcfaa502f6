package org.trainguard.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

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
    static final String SECTION = "eval.early_stopping";
    /** {@code eval.early_stopping.patience}: required when the section is written. */
    public static final Key<Integer> PATIENCE =
            Key.integer(SECTION, "patience", null).checked(Checks::positive);
    /** {@code eval.early_stopping.min_delta}. */
    public static final Key<Double> MIN_DELTA =
            Key.number(SECTION, "min_delta", 0.0).checked(Checks::nonNegative);

    static final Keys KEYS = Keys.of(SECTION, PATIENCE, MIN_DELTA);

    public EarlyStoppingConfig {
        PATIENCE.check(patience);
        MIN_DELTA.check(minDelta);
    }

    /** {@code eval.early_stopping} of an eval section: absent or {@code null} is off; written, it needs a patience. */
    static Optional<EarlyStoppingConfig> read(YamlSection eval) {
        if (eval.present(KEYS.name()).isEmpty()) {
            return Optional.empty();
        }
        YamlSection section = eval.section(KEYS);
        Integer patience = section.optional(PATIENCE)
                .orElseThrow(
                        () -> new ConfigException(
                                PATIENCE.path(),
                                PATIENCE.path()
                                        + " is required when eval.early_stopping is set (evaluations without improvement before the run ends), e.g. 3"));
        return Optional.of(new EarlyStoppingConfig(patience, section.get(MIN_DELTA)));
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
        PATIENCE.put(map, patience);
        MIN_DELTA.put(map, minDelta);
        return map;
    }
}
