package org.trainguard.spark;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.trainguard.config.SparkConfig;
import org.trainguard.config.TrainguardConfig;
import org.trainguard.trainer.train.StepEngine;

/** Trains the runs whose configuration has a {@code spark} section on Apache Spark (found by the trainer with ServiceLoader). */
public final class SparkEngine implements StepEngine {

    @Override
    public boolean accepts(TrainguardConfig config) {
        return config.section(SparkConfig.SECTION).isPresent();
    }

    @Override
    public Session start(TrainguardConfig config, MultiLayerNetwork net) {
        return SparkStepTrainer.start(
                config.section(SparkConfig.SECTION).orElseThrow(),
                net,
                "trainguard " + config.training().outputDir().getFileName());
    }
}
