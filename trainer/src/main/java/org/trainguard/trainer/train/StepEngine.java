package org.trainguard.trainer.train;

import java.util.Optional;
import java.util.ServiceLoader;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.trainguard.config.ConfigException;
import org.trainguard.config.SparkConfig;
import org.trainguard.config.TrainguardConfig;
import org.trainguard.session.StepTrainer;

/**
 * Trains the steps of the trainer's job somewhere other than this JVM's own {@code fit}: the {@code spark} module's
 * engine trains each step as a parameter-averaging round on Apache Spark. Engines are found with
 * {@link ServiceLoader}, so the plain {@code trainer.jar} has none and {@code trainer-spark.jar} has Spark's; the
 * session core still counts the steps, writes the checkpoints and resumes.
 */
public interface StepEngine {

    /**
     * @param config the run's configuration
     * @return whether this engine trains runs with this configuration
     */
    boolean accepts(TrainguardConfig config);

    /**
     * Starts the engine for one run; called on the training thread when the training loop starts.
     *
     * @param config the run's configuration
     * @param net the network the run checkpoints: every step's result is written back into it
     * @return the step trainer, closed when the run ends
     */
    Session start(TrainguardConfig config, MultiLayerNetwork net);

    /** A started engine: trains steps until closed. */
    interface Session extends StepTrainer, AutoCloseable {
        @Override
        void close();
    }

    /**
     * The engine for a configuration.
     *
     * @param config the run's configuration
     * @return the first engine on the class path that accepts it, or empty to train in this JVM
     * @throws ConfigException when the configuration has a {@code spark} section and no engine takes it
     */
    static Optional<StepEngine> forConfig(TrainguardConfig config) {
        for (StepEngine engine : ServiceLoader.load(StepEngine.class)) {
            if (engine.accepts(config)) {
                return Optional.of(engine);
            }
        }
        if (config.section(SparkConfig.SECTION).isPresent()) {
            throw new ConfigException(
                    "spark",
                    config.source().map(f -> f + ": ").orElse("") + "spark: this trainer trains on one "
                            + "machine only; run this configuration with trainer-spark.jar (build it with mvn -pl spark -am package; "
                            + "see docs/spark.md), or remove the spark section");
        }
        return Optional.empty();
    }
}
