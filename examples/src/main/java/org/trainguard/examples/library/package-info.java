/**
 * Using trainguard from your own Deeplearning4j code: {@link org.trainguard.examples.library.EmbedInYourApp}
 * trains a small point classifier of its own (a {@code MultiLayerNetwork} or a
 * {@code ComputationGraph}) under a {@link org.trainguard.session.TrainingSessionManager}, so that
 * it checkpoints, evaluates on held-out points, survives SIGTERM and resumes exactly where it
 * stopped when started again on the same folder.
 */
package org.trainguard.examples.library;
