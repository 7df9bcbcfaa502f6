package org.trainguard.core.config;

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
public record TrainingConfig(Path outputDir, long seed, int epochs, OptionalLong maxSteps, int batchSize,
                             double learningRate, Optimizer optimizer, double adamBeta1, double adamBeta2,
                             double adamEpsilon, double weightDecay, OptionalDouble maxGradNorm,
                             LrSchedule lrSchedule, double warmupRatio, int logEverySteps,
                             OnDivergence onDivergence, int maxRollbacks, double rollbackLrFactor,
                             int gradientAccumulationSteps) {

    /** Makes the output folder absolute and checks every range. */
    public TrainingConfig {
        outputDir = Checks.absolute("training.output_dir", outputDir);
        Checks.positive("training.epochs", epochs);
        Checks.notNull("training.max_steps", maxSteps).ifPresent(steps -> Checks.positive("training.max_steps", steps));
        Checks.positive("training.batch_size", batchSize);
        Checks.positive("training.learning_rate", learningRate);
        Checks.notNull("training.optimizer", optimizer);
        Checks.fraction("training.adam_beta1", adamBeta1);
        Checks.fraction("training.adam_beta2", adamBeta2);
        Checks.positive("training.adam_epsilon", adamEpsilon);
        Checks.nonNegative("training.weight_decay", weightDecay);
        Checks.notNull("training.max_grad_norm", maxGradNorm)
                .ifPresent(norm -> Checks.positive("training.max_grad_norm", norm));
        Checks.notNull("training.lr_schedule", lrSchedule);
        Checks.fraction("training.warmup_ratio", warmupRatio);
        Checks.positive("training.log_every_steps", logEverySteps);
        Checks.notNull("training.on_divergence", onDivergence);
        Checks.positive("training.max_rollbacks", maxRollbacks);
        if (!(rollbackLrFactor > 0 && rollbackLrFactor < 1)) {
            throw new ConfigException("training.rollback_lr_factor", "training.rollback_lr_factor must be > 0 and < 1, found "
                    + Checks.show(rollbackLrFactor));
        }
        Checks.positive("training.gradient_accumulation_steps", gradientAccumulationSteps);
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
    public TrainingConfig(Path outputDir, long seed, int epochs, OptionalLong maxSteps, int batchSize,
                          double learningRate, Optimizer optimizer, double adamBeta1, double adamBeta2,
                          double adamEpsilon, double weightDecay, OptionalDouble maxGradNorm,
                          LrSchedule lrSchedule, double warmupRatio, int logEverySteps) {
        this(outputDir, seed, epochs, maxSteps, batchSize, learningRate, optimizer, adamBeta1, adamBeta2, adamEpsilon, weightDecay,
                maxGradNorm, lrSchedule, warmupRatio, logEverySteps, OnDivergence.STOP, DEFAULT_MAX_ROLLBACKS, DEFAULT_ROLLBACK_LR_FACTOR, 1);
    }

    /** The default of {@code training.max_rollbacks}. */
    public static final int DEFAULT_MAX_ROLLBACKS = 3;
    /** The default of {@code training.rollback_lr_factor}. */
    public static final double DEFAULT_ROLLBACK_LR_FACTOR = 0.5;

    /**
     * The documented defaults for a config file in {@code baseDir}: output in {@code runs/default}, seed 42, one
     * epoch, batches of 16, Adam (1e-4, 0.9, 0.999, 1e-8), weight decay 0.01, clipping at 1.0, cosine schedule
     * with 10% warmup, a log line every 50 steps.
     *
     * @param baseDir the folder relative paths are resolved against
     * @return the default training settings
     */
    public static TrainingConfig defaults(Path baseDir) {
        return new TrainingConfig(baseDir.toAbsolutePath().normalize().resolve("runs/default"), 42, 1,
                OptionalLong.empty(), 16, 1.0e-4, Optimizer.ADAM, 0.9, 0.999, 1.0e-8, 0.01, OptionalDouble.of(1.0),
                LrSchedule.COSINE, 0.1, 50);
    }

    Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("output_dir", outputDir.toString());
        map.put("seed", seed);
        map.put("epochs", epochs);
        map.put("max_steps", maxSteps.isPresent() ? maxSteps.getAsLong() : null);
        map.put("batch_size", batchSize);
        map.put("learning_rate", learningRate);
        map.put("optimizer", Checks.yamlName(optimizer));
        map.put("adam_beta1", adamBeta1);
        map.put("adam_beta2", adamBeta2);
        map.put("adam_epsilon", adamEpsilon);
        map.put("weight_decay", weightDecay);
        map.put("max_grad_norm", maxGradNorm.isPresent() ? maxGradNorm.getAsDouble() : null);
        map.put("lr_schedule", Checks.yamlName(lrSchedule));
        map.put("warmup_ratio", warmupRatio);
        map.put("log_every_steps", logEverySteps);
        map.put("on_divergence", Checks.yamlName(onDivergence));
        map.put("max_rollbacks", maxRollbacks);
        map.put("rollback_lr_factor", rollbackLrFactor);
        map.put("gradient_accumulation_steps", gradientAccumulationSteps);
        return map;
    }
}
