/**
 * The trainer's job on Apache Spark: each step is one parameter-averaging round of DL4J's
 * {@code ParameterAveragingTrainingMaster}, run by trainguard's session core, so checkpoints, evaluation and exact
 * resume work as on one machine.
 */
package org.trainguard.spark;
