package org.trainguard.config;

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
public record EvalConfig(
        int everySteps,
        EvalMetric metric,
        boolean greaterIsBetter,
        String allowLabel,
        List<String> harmfulLabels,
        int batchSize,
        boolean loadBestAtEnd,
        Optional<EarlyStoppingConfig> earlyStopping) {

    /** Labels whose examples count as harmful by default, when they are configured. */
    public static final List<String> DEFAULT_HARMFUL_LABELS = List.of("DENY", "REFUSE");
    /** The allow label by default, when it is configured. */
    public static final String DEFAULT_ALLOW_LABEL = "ALLOW";

    static final String SECTION = "eval";
    /** {@code eval.every_steps}: by default as often as checkpoints. */
    public static final Key<Integer> EVERY_STEPS = Key.integer(
                    SECTION, "every_steps", CheckpointConfig.EVERY_STEPS.fallback())
            .checked(Checks::positive);
    /** {@code eval.metric}. */
    public static final Key<EvalMetric> METRIC = Key.choice(SECTION, "metric", EvalMetric.class, EvalMetric.F1_MACRO);
    /** {@code eval.greater_is_better}: by default as the metric says. */
    public static final Key<Boolean> GREATER_IS_BETTER = Key.bool(SECTION, "greater_is_better", null);
    /** {@code eval.allow_label}: by default {@link #defaultAllowLabel}. */
    public static final Key<String> ALLOW_LABEL =
            Key.text(SECTION, "allow_label", null).checked(Checks::notBlank).typed("label");
    /** {@code eval.harmful_labels}: by default {@link #defaultHarmfulLabels}. */
    public static final Key<List<String>> HARMFUL_LABELS =
            Key.texts(SECTION, "harmful_labels", null).typed("list of labels");
    /** {@code eval.batch_size}. */
    public static final Key<Integer> BATCH_SIZE =
            Key.integer(SECTION, "batch_size", 256).checked(Checks::positive);
    /** {@code eval.load_best_at_end}. */
    public static final Key<Boolean> LOAD_BEST_AT_END = Key.bool(SECTION, "load_best_at_end", false);
    /** {@code eval.early_stopping}: off by default. */
    public static final Key<Void> EARLY_STOPPING =
            Key.section(SECTION, "early_stopping").documented("null (off)");

    static final Keys KEYS = Keys.of(
            SECTION,
            EVERY_STEPS,
            METRIC,
            GREATER_IS_BETTER,
            ALLOW_LABEL,
            HARMFUL_LABELS,
            BATCH_SIZE,
            LOAD_BEST_AT_END,
            EARLY_STOPPING);

    /** Checks ranges, that the allow label is not also harmful, and that the false-allow rate has harmful labels. */
    public EvalConfig {
        EVERY_STEPS.check(everySteps);
        METRIC.check(metric);
        ALLOW_LABEL.check(allowLabel);
        harmfulLabels = Checks.uniqueNames(HARMFUL_LABELS.path(), harmfulLabels);
        int allowIndex = harmfulLabels.indexOf(allowLabel);
        if (allowIndex >= 0) {
            throw new ConfigException(
                    "eval.harmful_labels[" + allowIndex + "]",
                    "eval.harmful_labels must not " + "contain eval.allow_label, found " + Checks.quote(allowLabel));
        }
        if (metric == EvalMetric.FALSE_ALLOW_RATE && harmfulLabels.isEmpty()) {
            throw new ConfigException(
                    "eval.harmful_labels",
                    "eval.harmful_labels must name at least one label when eval.metric is false_allow_rate");
        }
        BATCH_SIZE.check(batchSize);
        Checks.notNull(EARLY_STOPPING.path(), earlyStopping);
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
    public EvalConfig(
            int everySteps,
            EvalMetric metric,
            boolean greaterIsBetter,
            String allowLabel,
            List<String> harmfulLabels,
            int batchSize,
            boolean loadBestAtEnd) {
        this(
                everySteps,
                metric,
                greaterIsBetter,
                allowLabel,
                harmfulLabels,
                batchSize,
                loadBestAtEnd,
                Optional.empty());
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
    public EvalConfig(
            int everySteps,
            EvalMetric metric,
            boolean greaterIsBetter,
            String allowLabel,
            List<String> harmfulLabels,
            int batchSize) {
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
        return new EvalConfig(
                EVERY_STEPS.fallback(),
                METRIC.fallback(),
                METRIC.fallback().greaterIsBetterByDefault(),
                defaultAllowLabel(labels),
                defaultHarmfulLabels(labels),
                BATCH_SIZE.fallback(),
                LOAD_BEST_AT_END.fallback());
    }

    static EvalConfig read(YamlSection section, List<String> labels) {
        EvalMetric metric = section.get(METRIC);
        return new EvalConfig(
                section.get(EVERY_STEPS),
                metric,
                section.optional(GREATER_IS_BETTER).orElse(metric.greaterIsBetterByDefault()),
                section.optional(ALLOW_LABEL).orElseGet(() -> defaultAllowLabel(labels)),
                section.optional(HARMFUL_LABELS).orElseGet(() -> defaultHarmfulLabels(labels)),
                section.get(BATCH_SIZE),
                section.optional(LOAD_BEST_AT_END).orElse(LOAD_BEST_AT_END.fallback()),
                EarlyStoppingConfig.read(section));
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
        EVERY_STEPS.put(map, everySteps);
        METRIC.put(map, metric);
        GREATER_IS_BETTER.put(map, greaterIsBetter);
        ALLOW_LABEL.put(map, allowLabel);
        HARMFUL_LABELS.put(map, harmfulLabels);
        BATCH_SIZE.put(map, batchSize);
        LOAD_BEST_AT_END.put(map, loadBestAtEnd);
        map.put(
                EARLY_STOPPING.name(),
                earlyStopping.map(EarlyStoppingConfig::toMap).orElse(null));
        return map;
    }
}
