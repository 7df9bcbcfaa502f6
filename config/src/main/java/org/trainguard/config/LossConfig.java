package org.trainguard.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The training loss ({@code loss}).
 *
 * @param type         cross entropy or focal loss
 * @param focalGamma   focal loss's focusing exponent, &ge; 0 (0 is plain cross entropy)
 * @param classWeights weight per label, each &gt; 0; inside a {@link TrainguardConfig} it holds every configured
 *                     label in label order, those not given weighing 1.0
 */
public record LossConfig(LossType type, double focalGamma, Map<String, Double> classWeights) {

    /** The weights used when {@code class_weights} is not set, for those of these labels that are configured. */
    public static final Map<String, Double> DEFAULT_CLASS_WEIGHTS =
            Map.of("ALLOW", 1.0, "ESCALATION", 3.0, "DENY", 5.0, "REFUSE", 5.0);

    /** Checks that gamma is not negative and that every weight is above zero. */
    static final String SECTION = "loss";
    /** {@code loss.type}. */
    public static final Key<LossType> TYPE = Key.choice(SECTION, "type", LossType.class, LossType.CROSS_ENTROPY);
    /** {@code loss.focal_gamma}. */
    public static final Key<Double> FOCAL_GAMMA =
            Key.number(SECTION, "focal_gamma", 2.0).checked(Checks::nonNegative);
    /** {@code loss.class_weights}: by default from {@link #DEFAULT_CLASS_WEIGHTS}, 1 for any other label. */
    public static final Key<Map<String, Double>> CLASS_WEIGHTS = Key.numberMap(SECTION, "class_weights", null);

    static final Keys KEYS = Keys.of(SECTION, TYPE, FOCAL_GAMMA, CLASS_WEIGHTS);

    public LossConfig {
        TYPE.check(type);
        FOCAL_GAMMA.check(focalGamma);
        CLASS_WEIGHTS.check(classWeights);
        for (Map.Entry<String, Double> entry : classWeights.entrySet()) {
            String key = CLASS_WEIGHTS.path() + "." + Checks.notNull("loss.class_weights label", entry.getKey());
            Checks.positive(key, Checks.notNull(key, entry.getValue()));
        }
        classWeights = Collections.unmodifiableMap(new LinkedHashMap<>(classWeights));
    }

    /**
     * The documented defaults for these labels: cross entropy, gamma 2.0, and {@link #defaultClassWeights}.
     *
     * @param labels the configured labels
     * @return the default loss settings
     */
    public static LossConfig defaults(List<String> labels) {
        return new LossConfig(TYPE.fallback(), FOCAL_GAMMA.fallback(), defaultClassWeights(labels));
    }

    static LossConfig read(YamlSection section, List<String> labels) {
        return new LossConfig(
                section.get(TYPE),
                section.get(FOCAL_GAMMA),
                section.optional(CLASS_WEIGHTS).orElseGet(() -> defaultClassWeights(labels)));
    }

    /**
     * ALLOW 1, ESCALATION 3, DENY 5, REFUSE 5 for those labels that are configured, 1.0 for any other label.
     *
     * @param labels the configured labels
     * @return a weight for every label, in label order
     */
    public static Map<String, Double> defaultClassWeights(List<String> labels) {
        Map<String, Double> weights = new LinkedHashMap<>();
        for (String label : labels) {
            weights.put(label, DEFAULT_CLASS_WEIGHTS.getOrDefault(label, 1.0));
        }
        return Collections.unmodifiableMap(weights);
    }

    /**
     * The class weights in the order of {@code labels}, as the output layer's loss function wants them.
     *
     * @param labels the labels in output order, normally {@link TrainguardConfig#labels()}
     * @return one weight per label
     * @throws IllegalArgumentException when a label has no weight here
     */
    public double[] classWeightArray(List<String> labels) {
        double[] weights = new double[labels.size()];
        for (int i = 0; i < weights.length; i++) {
            Double weight = classWeights.get(labels.get(i));
            if (weight == null) {
                throw new IllegalArgumentException("loss.class_weights has no weight for label " + labels.get(i)
                        + "; it has " + classWeights.keySet());
            }
            weights[i] = weight;
        }
        return weights;
    }

    Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        TYPE.put(map, type);
        FOCAL_GAMMA.put(map, focalGamma);
        CLASS_WEIGHTS.put(map, classWeights);
        return map;
    }
}
