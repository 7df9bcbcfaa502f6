package org.trainguard.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Training on Apache Spark with parameter averaging ({@code spark}; read by the {@code trainer-spark.jar} of the
 * {@code spark} module, refused by the plain trainer). Each step of the run is one averaging round over
 * {@code training.batch_size} examples: {@code workers} workers each fit {@code averaging_frequency} minibatches
 * of {@code batch_per_worker} examples, then their parameters and optimizer state are averaged on the driver. The
 * section's value, {@code config.section(SparkConfig.SECTION)}, is empty when the file has no {@code spark} section.
 *
 * @param master             the Spark master URL ({@code local[2]}, {@code spark://host:7077}, {@code yarn}); empty
 *                           to take the one {@code spark-submit} sets, else {@code local[workers]}
 * @param workers            Spark task slots that train at once, &gt; 0
 * @param averagingFrequency minibatches each worker fits between two averagings, &gt; 0
 * @param batchPerWorker     examples in a worker's minibatch, &gt; 0; {@code workers * averaging_frequency *
 *                           batch_per_worker} must equal {@code training.batch_size}
 * @param conf               further Spark properties ({@code spark.executor.memory: 4g}), each key starting with
 *                           {@code spark.}
 */
public record SparkConfig(
        Optional<String> master, int workers, int averagingFrequency, int batchPerWorker, Map<String, String> conf) {

    static final String NAME = "spark";
    /** {@code spark.master}: by default the one {@code spark-submit} sets, else {@code local[workers]}. */
    public static final Key<String> MASTER = Key.text(NAME, "master", null).checked(Checks::notBlank);
    /** {@code spark.workers}. */
    public static final Key<Integer> WORKERS = Key.integer(NAME, "workers", 2).checked(Checks::positive);
    /** {@code spark.averaging_frequency}. */
    public static final Key<Integer> AVERAGING_FREQUENCY =
            Key.integer(NAME, "averaging_frequency", 1).checked(Checks::positive);
    /** {@code spark.batch_per_worker}: by default the batch split across the workers and averagings. */
    public static final Key<Integer> BATCH_PER_WORKER = Key.integer(NAME, "batch_per_worker", null)
            .checked(Checks::positive)
            .documented("training.batch_size / (workers x averaging_frequency)");
    /** {@code spark.conf}. */
    public static final Key<Map<String, String>> CONF =
            Key.textMap(NAME, "conf", Map.of()).typed("map of text");

    static final Keys KEYS = Keys.of(NAME, MASTER, WORKERS, AVERAGING_FREQUENCY, BATCH_PER_WORKER, CONF);

    /** The {@code spark} section: empty without one in the file, so the run trains on this machine. */
    public static final Section<Optional<SparkConfig>> SECTION = new Section<>() {
        @Override
        public Keys keys() {
            return KEYS;
        }

        @Override
        public Optional<SparkConfig> read(YamlSection section, Context context) {
            return section.isWritten() ? Optional.of(SparkConfig.read(section, context.training())) : Optional.empty();
        }

        @Override
        public Optional<SparkConfig> defaults(Context context) {
            return Optional.empty();
        }

        @Override
        public Map<String, Object> toMap(Optional<SparkConfig> value) {
            return value.map(SparkConfig::toMap).orElse(Map.of());
        }
    };

    /** Checks the ranges and the property names. */
    public SparkConfig {
        Checks.notNull(MASTER.path(), master);
        MASTER.checkPresent(master);
        WORKERS.check(workers);
        AVERAGING_FREQUENCY.check(averagingFrequency);
        BATCH_PER_WORKER.check(batchPerWorker);
        conf = Map.copyOf(Checks.notNull(CONF.path(), conf));
        for (String key : conf.keySet()) {
            if (!key.startsWith("spark.")) {
                throw new ConfigException(
                        CONF.path() + "." + key,
                        CONF.path() + "." + key + ": a Spark property name starts with \"spark.\", found "
                                + Checks.quote(key));
            }
        }
    }

    /** @return the examples of one step: {@code workers * averaging_frequency * batch_per_worker} */
    public int examplesPerStep() {
        return workers * averagingFrequency * batchPerWorker;
    }

    private static SparkConfig read(YamlSection s, TrainingConfig training) {
        int workers = s.get(WORKERS);
        int frequency = s.get(AVERAGING_FREQUENCY);
        int perWorker = s.optional(BATCH_PER_WORKER)
                .orElseGet(() -> Math.max(1, training.batchSize() / Math.max(1, workers * frequency)));
        SparkConfig spark = new SparkConfig(s.optional(MASTER), workers, frequency, perWorker, s.get(CONF));
        spark.requireStepOf(training);
        return spark;
    }

    /**
     * Checks that one step of the run is one averaging round, and that the run trains with one batch per step.
     *
     * @param training the run's training section
     * @throws ConfigException naming {@code spark.batch_per_worker} (or the key at odds) and the values found
     */
    public void requireStepOf(TrainingConfig training) {
        if (examplesPerStep() != training.batchSize()) {
            throw new ConfigException(
                    BATCH_PER_WORKER.path(),
                    BATCH_PER_WORKER.path() + ": workers " + workers + " x averaging_frequency " + averagingFrequency
                            + " x batch_per_worker " + batchPerWorker + " = " + examplesPerStep()
                            + " must equal training.batch_size, found " + training.batchSize());
        }
        if (training.gradientAccumulationSteps() != 1) {
            throw new ConfigException(
                    TrainingConfig.GRADIENT_ACCUMULATION_STEPS.path(),
                    TrainingConfig.GRADIENT_ACCUMULATION_STEPS.path()
                            + " must be 1 with a spark section (a step is one averaging" + " round), found "
                            + training.gradientAccumulationSteps());
        }
    }

    Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        master.ifPresent(m -> MASTER.put(map, m));
        WORKERS.put(map, workers);
        AVERAGING_FREQUENCY.put(map, averagingFrequency);
        BATCH_PER_WORKER.put(map, batchPerWorker);
        if (!conf.isEmpty()) {
            CONF.put(map, new LinkedHashMap<>(new TreeMap<>(conf)));
        }
        return map;
    }
}
