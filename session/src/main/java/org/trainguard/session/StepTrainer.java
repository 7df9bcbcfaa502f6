package org.trainguard.session;

import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.dataset.api.DataSet;

/**
 * Trains a network on the batch of one step in place of DL4J's {@code fit}: trainguard's own steps for
 * row-sparse embeddings are such trainers, and an application can give one through
 * {@link TrainingHooks#stepTrainer(Model)} (an engine that trains elsewhere and writes the result back, for
 * instance). It must leave everything in the network's own arrays and counters (parameters, updater state,
 * iteration count, score), as {@code fit} does, so that checkpoints, evaluation and resume see an ordinary
 * network.
 */
@FunctionalInterface
public interface StepTrainer {

    /**
     * Trains on one batch and counts one iteration, as {@code fit(batch)} would.
     *
     * @param batch the step's batch
     */
    void fit(DataSet batch);
}
