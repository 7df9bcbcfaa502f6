package org.trainguard.core.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Evaluation on the validation data and how the best checkpoint is chosen ({@code eval}). Labels here are
 * already resolved against the configured labels; {@link TrainguardConfig} checks that they are among them.
 *
 * @param everySteps      optimizer steps between evaluations, &gt; 0
 * @param metric          the metric that picks the best checkpoint
 * @param greaterIsBetter whether a higher metric value is better
 * @param allowLabel      the label meaning "let it through", used by {@link EvalMetric#FALSE_ALLOW_RATE}
 * @param harmfulLabels   labels whose examples must not be classified as {@code allowLabel}; may be empty unless
 *                        the metric is {@link EvalMetric#FALSE_ALLOW_RATE}
 * @param batchSize       examples per evaluation batch, &gt; 0
 * @param loadBestAtEnd   whether {@code final/} is built from the best checkpoint by {@code metric} rather than
 *                        from the last step
 * @param earlyStopping   when set, the run ends early once {@code metric} stops improving
 */
public record EvalConfig(int everySteps, EvalMetric metric, boolean greaterIsBetter, String allowLabel,
                         List<String> harmfulLabels, int batchSize, boolean loadBestAtEnd,
                         Optional<EarlyStoppingConfig> earlyStopping) {

    /** Labels whose examples count as harmful by default, when they are configured. */
    public static final List<String> DEFAULT_HARMFUL_LABELS = List.of("DENY", "REFUSE");
    /** The allow label by default, when it is configured. */
    public static final String DEFAULT_ALLOW_LABEL = "ALLOW";

    /** Checks ranges, that the allow label is not also harmful, and that the false-allow rate has harmful labels. */
    public EvalConfig {
        Checks.positive("eval.every_steps", everySteps);
        Checks.notNull("eval.metric", metric);
        Checks.notBlank("eval.allow_label", allowLabel);
        harmfulLabels = Checks.uniqueNames("eval.harmful_labels", harmfulLabels);
        int allowIndex = harmfulLabels.indexOf(allowLabel);
        if (allowIndex >= 0) {
            throw new ConfigException("eval.harmful_labels[" + allowIndex + "]", "eval.harmful_labels must not "
                    + "contain eval.allow_label, found " + Checks.quote(allowLabel));
        }
        if (metric == EvalMetric.FALSE_ALLOW_RATE && harmfulLabels.isEmpty()) {
            throw new ConfigException("eval.harmful_labels",
                    "eval.harmful_labels must name at least one label when eval.metric is false_allow_rate");
        }
        Checks.positive("eval.batch_size", batchSize);
        Checks.notNull("eval.early_stopping", earlyStopping);
    }

    /**
     * Settings without early stopping.
     *
     * @param everySteps      optimizer steps between evaluations
     * @param metric          the metric that picks the best checkpoint
     * @param greaterIsBetter whether a higher metric value is better
     * @param allowLabel      the allow label
     * @param harmfulLabels   the harmful labels
     * @param batchSize       examples per evaluation batch
     * @param loadBestAtEnd   whether {@code final/} is built from the best checkpoint
     */
    public EvalConfig(int everySteps, EvalMetric metric, boolean greaterIsBetter, String allowLabel,
                      List<String> harmfulLabels, int batchSize, boolean loadBestAtEnd) {
        this(everySteps, metric, greaterIsBetter, allowLabel, harmfulLabels, batchSize, loadBestAtEnd, Optional.empty());
    }

    /**
     * Settings with {@code load_best_at_end} off, so that {@code final/} holds the last step.
     *
     * @param everySteps      optimizer steps between evaluations
     * @param metric          the metric that picks the best checkpoint
     * @param greaterIsBetter whether a higher metric value is better
     * @param allowLabel      the allow label
     * @param harmfulLabels   the harmful labels
     * @param batchSize       examples per evaluation batch
     */
    public EvalConfig(int everySteps, EvalMetric metric, boolean greaterIsBetter, String allowLabel,
                      List<String> harmfulLabels, int batchSize) {
        this(everySteps, metric, greaterIsBetter, allowLabel, harmfulLabels, batchSize, false);
    }

    /**
     * The documented defaults for these labels: every 1458 steps, macro F1 (greater is better), batches of 256,
     * {@code final/} from the last step, and the allow and harmful labels from {@link #defaultAllowLabel} and {@link #defaultHarmfulLabels}.
     *
     * @param labels the configured labels
     * @return the default evaluation settings
     */
    public static EvalConfig defaults(List<String> labels) {
        return new EvalConfig(1458, EvalMetric.F1_MACRO, EvalMetric.F1_MACRO.greaterIsBetterByDefault(),
                defaultAllowLabel(labels), defaultHarmfulLabels(labels), 256);
    }

    /**
     * {@code ALLOW} when it is a configured label, otherwise the first label.
     *
     * @param labels the configured labels, at least one
     * @return the default allow label
     */
    public static String defaultAllowLabel(List<String> labels) {
        if (labels.isEmpty()) {
            throw new IllegalArgumentException("labels must not be empty");
        }
        return labels.contains(DEFAULT_ALLOW_LABEL) ? DEFAULT_ALLOW_LABEL : labels.get(0);
    }

    /**
     * Those of {@code DENY} and {@code REFUSE} that are configured labels, in that order; possibly none.
     *
     * @param labels the configured labels
     * @return the default harmful labels
     */
    public static List<String> defaultHarmfulLabels(List<String> labels) {
        return DEFAULT_HARMFUL_LABELS.stream().filter(labels::contains).toList();
    }

    Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("every_steps", everySteps);
        map.put("metric", Checks.yamlName(metric));
        map.put("greater_is_better", greaterIsBetter);
        map.put("allow_label", allowLabel);
        map.put("harmful_labels", new ArrayList<>(harmfulLabels));
        map.put("batch_size", batchSize);
        map.put("load_best_at_end", loadBestAtEnd);
        map.put("early_stopping", earlyStopping.map(EarlyStoppingConfig::toMap).orElse(null));
        return map;
    }
}
