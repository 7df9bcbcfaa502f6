package org.trainguard.core.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Training on Apache Spark with parameter averaging ({@code spark}; read by the {@code trainer-spark.jar} of the
 * {@code spark} module, refused by the plain trainer). Each step of the run is one averaging round over
 * {@code training.batch_size} examples: {@code workers} workers each fit {@code averaging_frequency} minibatches
 * of {@code batch_per_worker} examples, then their parameters and optimizer state are averaged on the driver.
 *
 * @param master            the Spark master URL ({@code local[2]}, {@code spark://host:7077}, {@code yarn}); empty
 *                          to take the one {@code spark-submit} sets, else {@code local[workers]}
 * @param workers           Spark task slots that train at once, &gt; 0
 * @param averagingFrequency minibatches each worker fits between two averagings, &gt; 0
 * @param batchPerWorker    examples in a worker's minibatch, &gt; 0; {@code workers * averaging_frequency *
 *                          batch_per_worker} must equal {@code training.batch_size}
 * @param conf              further Spark properties ({@code spark.executor.memory: 4g}), each key starting with
 *                          {@code spark.}
 */
public record SparkConfig(Optional<String> master, int workers, int averagingFrequency, int batchPerWorker,
                          Map<String, String> conf) {

    static final Set<String> KEYS = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(
            java.util.List.of("master", "workers", "averaging_frequency", "batch_per_worker", "conf")));

    /** Checks the ranges and the property names. */
    public SparkConfig {
        Checks.notNull("spark.master", master);
        master.ifPresent(m -> Checks.notBlank("spark.master", m));
        Checks.positive("spark.workers", workers);
        Checks.positive("spark.averaging_frequency", averagingFrequency);
        Checks.positive("spark.batch_per_worker", batchPerWorker);
        conf = Map.copyOf(Checks.notNull("spark.conf", conf));
        for (String key : conf.keySet()) {
            if (!key.startsWith("spark.")) {
                throw new ConfigException("spark.conf." + key, "spark.conf." + key + ": a Spark property name starts with "
                        + "\"spark.\", found " + Checks.quote(key));
            }
        }
    }

    /** @return the examples of one step: {@code workers * averaging_frequency * batch_per_worker} */
    public int examplesPerStep() {
        return workers * averagingFrequency * batchPerWorker;
    }

    /**
     * Reads the {@code spark} section of a configuration, when there is one.
     *
     * @param root     the document
     * @param training the training section, whose batch size a step must match
     * @return the settings, or empty without a {@code spark} section
     */
    static Optional<SparkConfig> read(YamlSection root, TrainingConfig training) {
        if (!root.has("spark")) {
            return Optional.empty();
        }
        YamlSection s = root.section("spark", KEYS);
        int workers = s.integer("workers", 2);
        int frequency = s.integer("averaging_frequency", 1);
        int perWorker = s.has("batch_per_worker") ? s.integer("batch_per_worker", 1)
                : Math.max(1, training.batchSize() / Math.max(1, workers * frequency));
        SparkConfig spark = new SparkConfig(s.optionalString("master"), workers, frequency, perWorker,
                s.optionalStringMap("conf").orElse(Map.of()));
        spark.requireStepOf(training);
        return Optional.of(spark);
    }

    /**
     * Checks that one step of the run is one averaging round, and that the run trains with one batch per step.
     *
     * @param training the run's training section
     * @throws ConfigException naming {@code spark.batch_per_worker} (or the key at odds) and the values found
     */
    public void requireStepOf(TrainingConfig training) {
        if (examplesPerStep() != training.batchSize()) {
            throw new ConfigException("spark.batch_per_worker", "spark.batch_per_worker: workers " + workers + " x averaging_frequency "
                    + averagingFrequency + " x batch_per_worker " + batchPerWorker + " = " + examplesPerStep()
                    + " must equal training.batch_size, found " + training.batchSize());
        }
        if (training.gradientAccumulationSteps() != 1) {
            throw new ConfigException("training.gradient_accumulation_steps", "training.gradient_accumulation_steps must be 1 "
                    + "with a spark section (a step is one averaging round), found " + training.gradientAccumulationSteps());
        }
    }

    Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        master.ifPresent(m -> map.put("master", m));
        map.put("workers", workers);
        map.put("averaging_frequency", averagingFrequency);
        map.put("batch_per_worker", batchPerWorker);
        if (!conf.isEmpty()) {
            map.put("conf", new LinkedHashMap<>(new java.util.TreeMap<>(conf)));
        }
        return map;
    }
}
