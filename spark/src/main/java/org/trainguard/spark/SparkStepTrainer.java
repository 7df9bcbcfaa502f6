package org.trainguard.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainguard.config.SparkConfig;
import org.trainguard.trainer.train.StepEngine;

/**
 * Trains one step of the run as one parameter-averaging round on Spark. The step's batch is cut into minibatches of
 * {@code batch_per_worker} examples, {@code averaging_frequency} consecutive ones for each of {@code workers}
 * partitions; each worker fits its minibatches from the driver's parameters and optimizer state, and the averages
 * of both are written back into the driver's network, the one trainguard checkpoints. The network's iteration
 * counter counts rounds, as trainguard counts steps, so that learning-rate schedules and a resumed run see the same
 * numbers; a resumed run restores the driver's network and continues with the next round.
 */
final class SparkStepTrainer implements StepEngine.Session {

    private static final Logger LOG = LoggerFactory.getLogger(SparkStepTrainer.class);

    private final SparkConfig spark;
    private final MultiLayerNetwork net;
    private final JavaSparkContext sc;
    private final SparkDl4jMultiLayer sparkNet;
    private final RoundSeeds seeds = new RoundSeeds();

    private SparkStepTrainer(SparkConfig spark, MultiLayerNetwork net, JavaSparkContext sc) {
        this.spark = spark;
        this.net = net;
        this.sc = sc;
        ParameterAveragingTrainingMaster.Builder b = new ParameterAveragingTrainingMaster.Builder(
                        spark.workers(), spark.batchPerWorker())
                .batchSizePerWorker(spark.batchPerWorker())
                .averagingFrequency(spark.averagingFrequency())
                // the builder leaves it off although DL4J's documentation says it is on: without it Adam's state is
                // lost at every round
                .saveUpdater(true)
                // the partitions are cut here, one per worker; nothing is exported to disk or kept between rounds
                .rddTrainingApproach(RDDTrainingApproach.Direct)
                .repartionData(Repartition.Never)
                .storageLevel(null)
                .trainingHooks(seeds)
                .rngSeed(0L); // DL4J draws from it only to split a larger data set into rounds: one round here, never
        // used
        this.sparkNet = new SparkDl4jMultiLayer(sc, net, new OrderedAveragingMaster(b));
    }

    /**
     * Starts Spark: the configured master, else the one {@code spark-submit} set, else {@code local[workers]}.
     *
     * @param spark the settings
     * @param net the driver's network
     * @param appName the application's name in Spark's UI
     * @return the step trainer
     */
    static SparkStepTrainer start(SparkConfig spark, MultiLayerNetwork net, String appName) {
        SparkConf conf = new SparkConf().setAppName(appName);
        if (spark.master().isPresent()) {
            conf.setMaster(spark.master().get());
        } else if (!conf.contains("spark.master")) {
            conf.setMaster("local[" + spark.workers() + "]");
        }
        spark.conf().forEach(conf::set);
        quietSparkLogs();
        JavaSparkContext sc = new JavaSparkContext(conf);
        LOG.info(
                "training on Spark {} (master {}): {} workers x {} minibatches of {} examples per step, parameters and optimizer "
                        + "state averaged after each step",
                sc.version(),
                sc.master(),
                spark.workers(),
                spark.averagingFrequency(),
                spark.batchPerWorker());
        return new SparkStepTrainer(spark, net, sc);
    }

    /** Spark and DL4J's Spark classes log several lines per job at INFO: one step would bury the trainer's own lines. */
    private static void quietSparkLogs() {
        for (String name :
                List.of("org.apache.spark", "org.sparkproject", "org.apache.hadoop", "org.deeplearning4j.spark")) {
            if (LoggerFactory.getLogger(name) instanceof ch.qos.logback.classic.Logger l && l.getLevel() == null) {
                l.setLevel(ch.qos.logback.classic.Level.WARN);
            }
        }
    }

    @Override
    public void fit(org.nd4j.linalg.dataset.api.DataSet batch) {
        int iteration = net.getIterationCount();
        int epoch = net.getEpochCount();
        // the session seeded the generator for this step: the round's seed follows from it, in a resumed run too
        seeds.round(iteration, Nd4j.getRandom().nextLong());
        List<DataSet> minibatches = minibatches(batch, spark.batchPerWorker());
        int partitions = Math.min(spark.workers(), minibatches.size());
        sparkNet.fit(sc.parallelize(minibatches, partitions));
        // DL4J counts averaging_frequency iterations and one epoch per fit; a step is one iteration
        net.setIterationCount(iteration + 1);
        net.setEpochCount(epoch);
        for (Layer l : net.getLayers()) {
            l.setIterationCount(iteration + 1);
            l.setEpochCount(epoch);
        }
        net.setScore(sparkNet.getScore());
        // listeners read the batch size from the input and labels
        net.setInput(batch.getFeatures());
        net.setLabels(batch.getLabels());
        try {
            for (TrainingListener l : new ArrayList<>(net.getListeners())) {
                l.iterationDone(net, iteration, epoch);
            }
        } finally {
            net.setInput(null);
            net.setLabels(null);
        }
    }

    /** The batch's examples in order, cut into minibatches of {@code size} (the last may be smaller). */
    static List<DataSet> minibatches(org.nd4j.linalg.dataset.api.DataSet batch, int size) {
        int n = batch.numExamples();
        List<DataSet> out = new ArrayList<>((n + size - 1) / size);
        for (int from = 0; from < n; from += size) {
            int to = Math.min(n, from + size);
            out.add(new DataSet(
                    rows(batch.getFeatures(), from, to),
                    rows(batch.getLabels(), from, to),
                    rows(batch.getFeaturesMaskArray(), from, to),
                    rows(batch.getLabelsMaskArray(), from, to)));
        }
        return out;
    }

    private static INDArray rows(INDArray a, int from, int to) {
        if (a == null) {
            return null;
        }
        org.nd4j.linalg.indexing.INDArrayIndex[] index = new org.nd4j.linalg.indexing.INDArrayIndex[a.rank()];
        index[0] = NDArrayIndex.interval(from, to);
        for (int i = 1; i < index.length; i++) {
            index[i] = NDArrayIndex.all();
        }
        return a.get(index).dup();
    }

    @Override
    public void close() {
        sc.stop();
    }
}
