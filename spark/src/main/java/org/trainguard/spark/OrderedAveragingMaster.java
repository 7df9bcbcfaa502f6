package org.trainguard.spark;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingResult;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's parameter averaging with the workers' results added in partition order. DL4J adds them with a tree
 * aggregation whose last level merges partial sums in the order tasks finish; with three or more workers the
 * floating-point sum, and so the model, would then depend on timing. Collecting the results in partition order
 * makes every round, and so every resumed run, add the same numbers in the same order.
 */
final class OrderedAveragingMaster extends ParameterAveragingTrainingMaster {

    private static final long serialVersionUID = 1L;

    OrderedAveragingMaster(Builder builder) {
        super(builder);
    }

    @Override
    protected void processResults(
            SparkDl4jMultiLayer network,
            SparkComputationGraph graph,
            JavaRDD<ParameterAveragingTrainingResult> results,
            int splitNum,
            int totalSplits) {
        if (network == null) {
            throw new UnsupportedOperationException("trainguard trains MultiLayerNetwork models on Spark");
        }
        // DL4J's result type is not serializable: its aggregation adds results up on the executors
        List<WorkerResult> all = results.map(
                        r -> new WorkerResult(r.getParameters(), r.getUpdaterState(), r.getScore()))
                .collect();
        INDArray params = null;
        INDArray state = null;
        double score = 0;
        int n = 0;
        for (WorkerResult r : all) {
            if (r.params() == null) {
                continue; // a partition without data
            }
            params = params == null ? r.params().dup() : params.addi(r.params());
            if (r.state() != null) {
                state = state == null ? r.state().dup() : state.addi(r.state());
            }
            score += r.score();
            n++;
        }
        if (n == 0) {
            throw new IllegalStateException(
                    "no worker trained in this round (" + all.size() + " partitions, all empty)");
        }
        MultiLayerNetwork net = network.getNetwork();
        net.setParameters(params.divi(n));
        if (state != null) {
            net.getUpdater().setStateViewArray(null, state.divi(n), false);
        }
        network.setScore(score / n);
    }

    /** What one worker sends back: its parameters, optimizer state and last loss (nulls when its partition was empty). */
    private record WorkerResult(INDArray params, INDArray state, double score) implements java.io.Serializable {}
}
