package org.trainguard.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The optimization loop ({@code training}).
 *
 * @param outputDir     the run folder (absolute): session file, checkpoints, metrics, logs, report, final model
 * @param seed          seed for weight initialization, shuffling and dropout
 * @param epochs        passes over the training data, &gt; 0
 * @param maxSteps      a cap on optimizer steps, &gt; 0; empty for no cap beyond {@code epochs}
 * @param batchSize     examples per optimizer step, &gt; 0
 * @param learningRate  peak learning rate, &gt; 0
 * @param optimizer     Adam or SGD
 * @param adamBeta1     Adam's first-moment decay, 0 &le; x &lt; 1
 * @param adamBeta2     Adam's second-moment decay, 0 &le; x &lt; 1
 * @param adamEpsilon   Adam's denominator guard, &gt; 0
 * @param weightDecay   decoupled weight decay, &ge; 0
 * @param maxGradNorm   gradients are rescaled to at most this L2 norm, &gt; 0; empty for no clipping
 * @param lrSchedule    learning-rate curve after warmup
 * @param warmupRatio   share of all steps spent warming up linearly from zero, 0 &le; x &lt; 1
 * @param logEverySteps steps between progress lines in the log and {@code metrics.jsonl}, &gt; 0
 * @param onDivergence  what a NaN or infinite loss does: stop (exit 4) or roll back to the newest checkpoint before it
 * @param maxRollbacks  rollbacks a run may make before it stops with exit 4, &gt; 0
 * @param rollbackLrFactor each rollback multiplies the learning rate by this, 0 &lt; x &lt; 1
 * @param gradientAccumulationSteps batches of {@code batchSize} whose gradients make one optimizer step, &gt; 0
 */
public record TrainingConfig(
        Path outputDir,
        long seed,
        int epochs,
        OptionalLong maxSteps,
        int batchSize,
        double learningRate,
        Optimizer optimizer,
        double adamBeta1,
        double adamBeta2,
        double adamEpsilon,
        double weightDecay,
        OptionalDouble maxGradNorm,
        LrSchedule lrSchedule,
        double warmupRatio,
        int logEverySteps,
        OnDivergence onDivergence,
        int maxRollbacks,
        double rollbackLrFactor,
        int gradientAccumulationSteps) {

    static final String SECTION = "training";
    /** The default of {@code training.output_dir}, relative to the config file's folder. */
    public static final String DEFAULT_OUTPUT_DIR = "runs/default";
    /** {@code training.output_dir}: {@code runs/default} beside the config file by default. */
    public static final Key<Path> OUTPUT_DIR =
            Key.path(SECTION, "output_dir").documented(TrainingConfig.DEFAULT_OUTPUT_DIR);
    /** {@code training.seed}. */
    public static final Key<Long> SEED = Key.longInteger(SECTION, "seed", 42L);
    /** {@code training.epochs}. */
    public static final Key<Integer> EPOCHS = Key.integer(SECTION, "epochs", 1).checked(Checks::positive);
    /** {@code training.max_steps}: no cap by default. */
    public static final Key<Long> MAX_STEPS =
            Key.longInteger(SECTION, "max_steps", null).checked(Checks::positive);
    /** {@code training.batch_size}. */
    public static final Key<Integer> BATCH_SIZE =
            Key.integer(SECTION, "batch_size", 16).checked(Checks::positive);
    /** {@code training.learning_rate}. */
    public static final Key<Double> LEARNING_RATE =
            Key.number(SECTION, "learning_rate", 1.0e-4).checked(Checks::positive);
    /** {@code training.optimizer}. */
    public static final Key<Optimizer> OPTIMIZER = Key.choice(SECTION, "optimizer", Optimizer.class, Optimizer.ADAM);
    /** {@code training.adam_beta1}. */
    public static final Key<Double> ADAM_BETA1 =
            Key.number(SECTION, "adam_beta1", 0.9).checked(Checks::fraction);
    /** {@code training.adam_beta2}. */
    public static final Key<Double> ADAM_BETA2 =
            Key.number(SECTION, "adam_beta2", 0.999).checked(Checks::fraction);
    /** {@code training.adam_epsilon}. */
    public static final Key<Double> ADAM_EPSILON =
            Key.number(SECTION, "adam_epsilon", 1.0e-8).checked(Checks::positive);
    /** {@code training.weight_decay}. */
    public static final Key<Double> WEIGHT_DECAY =
            Key.number(SECTION, "weight_decay", 0.01).checked(Checks::nonNegative);
    /** {@code training.max_grad_norm}; {@code null} turns clipping off. */
    public static final Key<Double> MAX_GRAD_NORM =
            Key.number(SECTION, "max_grad_norm", 1.0).checked(Checks::positive);
    /** {@code training.lr_schedule}. */
    public static final Key<LrSchedule> LR_SCHEDULE =
            Key.choice(SECTION, "lr_schedule", LrSchedule.class, LrSchedule.COSINE);
    /** {@code training.warmup_ratio}. */
    public static final Key<Double> WARMUP_RATIO =
            Key.number(SECTION, "warmup_ratio", 0.1).checked(Checks::fraction);
    /** {@code training.log_every_steps}. */
    public static final Key<Integer> LOG_EVERY_STEPS =
            Key.integer(SECTION, "log_every_steps", 50).checked(Checks::positive);
    /** {@code training.on_divergence}. */
    public static final Key<OnDivergence> ON_DIVERGENCE =
            Key.choice(SECTION, "on_divergence", OnDivergence.class, OnDivergence.STOP);
    /** {@code training.max_rollbacks}. */
    public static final Key<Integer> MAX_ROLLBACKS =
            Key.integer(SECTION, "max_rollbacks", 3).checked(Checks::positive);
    /** {@code training.rollback_lr_factor}. */
    public static final Key<Double> ROLLBACK_LR_FACTOR = Key.number(SECTION, "rollback_lr_factor", 0.5)
            .checked((key, value) -> {
                if (!(value > 0 && value < 1)) {
                    throw new ConfigException(key, key + " must be > 0 and < 1, found " + Checks.show(value));
                }
            });
    /** {@code training.gradient_accumulation_steps}. */
    public static final Key<Integer> GRADIENT_ACCUMULATION_STEPS =
            Key.integer(SECTION, "gradient_accumulation_steps", 1).checked(Checks::positive);

    static final Keys KEYS = Keys.of(
            SECTION,
            OUTPUT_DIR,
            SEED,
            EPOCHS,
            MAX_STEPS,
            BATCH_SIZE,
            LEARNING_RATE,
            OPTIMIZER,
            ADAM_BETA1,
            ADAM_BETA2,
            ADAM_EPSILON,
            WEIGHT_DECAY,
            MAX_GRAD_NORM,
            LR_SCHEDULE,
            WARMUP_RATIO,
            LOG_EVERY_STEPS,
            ON_DIVERGENCE,
            MAX_ROLLBACKS,
            ROLLBACK_LR_FACTOR,
            GRADIENT_ACCUMULATION_STEPS);

    /** The default of {@code training.max_rollbacks}. */
    public static final int DEFAULT_MAX_ROLLBACKS = MAX_ROLLBACKS.fallback();
    /** The default of {@code training.rollback_lr_factor}. */
    public static final double DEFAULT_ROLLBACK_LR_FACTOR = ROLLBACK_LR_FACTOR.fallback();

    /** Makes the output folder absolute and checks every range. */
    public TrainingConfig {
        outputDir = Checks.absolute(OUTPUT_DIR.path(), outputDir);
        EPOCHS.check(epochs);
        Checks.notNull(MAX_STEPS.path(), maxSteps).ifPresent(MAX_STEPS::check);
        BATCH_SIZE.check(batchSize);
        LEARNING_RATE.check(learningRate);
        OPTIMIZER.check(optimizer);
        ADAM_BETA1.check(adamBeta1);
        ADAM_BETA2.check(adamBeta2);
        ADAM_EPSILON.check(adamEpsilon);
        WEIGHT_DECAY.check(weightDecay);
        Checks.notNull(MAX_GRAD_NORM.path(), maxGradNorm).ifPresent(MAX_GRAD_NORM::check);
        LR_SCHEDULE.check(lrSchedule);
        WARMUP_RATIO.check(warmupRatio);
        LOG_EVERY_STEPS.check(logEverySteps);
        ON_DIVERGENCE.check(onDivergence);
        MAX_ROLLBACKS.check(maxRollbacks);
        ROLLBACK_LR_FACTOR.check(rollbackLrFactor);
        GRADIENT_ACCUMULATION_STEPS.check(gradientAccumulationSteps);
    }

    /**
     * The settings without the divergence keys, which take their defaults (stop; 3 rollbacks; factor 0.5).
     *
     * @param outputDir     the run folder
     * @param seed          the seed
     * @param epochs        passes over the data
     * @param maxSteps      a cap on optimizer steps
     * @param batchSize     examples per step
     * @param learningRate  peak learning rate
     * @param optimizer     Adam or SGD
     * @param adamBeta1     Adam's first-moment decay
     * @param adamBeta2     Adam's second-moment decay
     * @param adamEpsilon   Adam's denominator guard
     * @param weightDecay   weight decay
     * @param maxGradNorm   gradient clipping
     * @param lrSchedule    learning-rate curve
     * @param warmupRatio   share of warmup steps
     * @param logEverySteps steps between progress lines
     */
    public TrainingConfig(
            Path outputDir,
            long seed,
            int epochs,
            OptionalLong maxSteps,
            int batchSize,
            double learningRate,
            Optimizer optimizer,
            double adamBeta1,
            double adamBeta2,
            double adamEpsilon,
            double weightDecay,
            OptionalDouble maxGradNorm,
            LrSchedule lrSchedule,
            double warmupRatio,
            int logEverySteps) {
        this(
                outputDir,
                seed,
                epochs,
                maxSteps,
                batchSize,
                learningRate,
                optimizer,
                adamBeta1,
                adamBeta2,
                adamEpsilon,
                weightDecay,
                maxGradNorm,
                lrSchedule,
                warmupRatio,
                logEverySteps,
                ON_DIVERGENCE.fallback(),
                MAX_ROLLBACKS.fallback(),
                ROLLBACK_LR_FACTOR.fallback(),
                GRADIENT_ACCUMULATION_STEPS.fallback());
    }

    /**
     * The documented defaults for a config file in {@code baseDir}: output in {@code runs/default}, seed 42, one
     * epoch, batches of 16, Adam (1e-4, 0.9, 0.999, 1e-8), weight decay 0.01, clipping at 1.0, cosine schedule
     * with 10% warmup, a log line every 50 steps.
     *
     * @param baseDir the folder relative paths are resolved against
     * @return the default training settings
     */
    public static TrainingConfig defaults(Path baseDir) {
        return new TrainingConfig(
                baseDir.toAbsolutePath().normalize().resolve(DEFAULT_OUTPUT_DIR),
                SEED.fallback(),
                EPOCHS.fallback(),
                OptionalLong.empty(),
                BATCH_SIZE.fallback(),
                LEARNING_RATE.fallback(),
                OPTIMIZER.fallback(),
                ADAM_BETA1.fallback(),
                ADAM_BETA2.fallback(),
                ADAM_EPSILON.fallback(),
                WEIGHT_DECAY.fallback(),
                OptionalDouble.of(MAX_GRAD_NORM.fallback()),
                LR_SCHEDULE.fallback(),
                WARMUP_RATIO.fallback(),
                LOG_EVERY_STEPS.fallback());
    }

    static TrainingConfig read(YamlSection section, Path baseDir) {
        OptionalDouble maxGradNorm = !section.has(MAX_GRAD_NORM)
                ? OptionalDouble.of(MAX_GRAD_NORM.fallback())
                : section.optional(MAX_GRAD_NORM).map(OptionalDouble::of).orElse(OptionalDouble.empty());
        return new TrainingConfig(
                section.get(OUTPUT_DIR, defaults(baseDir).outputDir()),
                section.get(SEED),
                section.get(EPOCHS),
                section.optional(MAX_STEPS).map(OptionalLong::of).orElse(OptionalLong.empty()),
                section.get(BATCH_SIZE),
                section.get(LEARNING_RATE),
                section.get(OPTIMIZER),
                section.get(ADAM_BETA1),
                section.get(ADAM_BETA2),
                section.get(ADAM_EPSILON),
                section.get(WEIGHT_DECAY),
                maxGradNorm,
                section.get(LR_SCHEDULE),
                section.get(WARMUP_RATIO),
                section.get(LOG_EVERY_STEPS),
                section.get(ON_DIVERGENCE),
                section.get(MAX_ROLLBACKS),
                section.get(ROLLBACK_LR_FACTOR),
                section.get(GRADIENT_ACCUMULATION_STEPS));
    }

    Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        OUTPUT_DIR.put(map, outputDir);
        SEED.put(map, seed);
        EPOCHS.put(map, epochs);
        MAX_STEPS.put(map, maxSteps.isPresent() ? maxSteps.getAsLong() : null);
        BATCH_SIZE.put(map, batchSize);
        LEARNING_RATE.put(map, learningRate);
        OPTIMIZER.put(map, optimizer);
        ADAM_BETA1.put(map, adamBeta1);
        ADAM_BETA2.put(map, adamBeta2);
        ADAM_EPSILON.put(map, adamEpsilon);
        WEIGHT_DECAY.put(map, weightDecay);
        MAX_GRAD_NORM.put(map, maxGradNorm.isPresent() ? maxGradNorm.getAsDouble() : null);
        LR_SCHEDULE.put(map, lrSchedule);
        WARMUP_RATIO.put(map, warmupRatio);
        LOG_EVERY_STEPS.put(map, logEverySteps);
        ON_DIVERGENCE.put(map, onDivergence);
        MAX_ROLLBACKS.put(map, maxRollbacks);
        ROLLBACK_LR_FACTOR.put(map, rollbackLrFactor);
        GRADIENT_ACCUMULATION_STEPS.put(map, gradientAccumulationSteps);
        return map;
    }
}
