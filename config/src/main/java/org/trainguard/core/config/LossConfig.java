package org.trainguard.core.config;

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
    public LossConfig {
        Checks.notNull("loss.type", type);
        Checks.nonNegative("loss.focal_gamma", focalGamma);
        Checks.notNull("loss.class_weights", classWeights);
        for (Map.Entry<String, Double> entry : classWeights.entrySet()) {
            String key = "loss.class_weights." + Checks.notNull("loss.class_weights label", entry.getKey());
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
        return new LossConfig(LossType.CROSS_ENTROPY, 2.0, defaultClassWeights(labels));
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
        map.put("type", Checks.yamlName(type));
        map.put("focal_gamma", focalGamma);
        map.put("class_weights", new LinkedHashMap<>(classWeights));
        return map;
    }
}
