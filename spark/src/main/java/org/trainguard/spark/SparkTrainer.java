package org.trainguard.spark;

import java.io.ObjectInputFilter;
import org.slf4j.LoggerFactory;
import org.trainguard.trainer.cli.TrainerCli;

/**
 * The entry point of {@code trainer-spark.jar}: the {@code trainer} command, with Spark's engine on the class path.
 *
 * <p>The plain trainer rejects every Java deserialization in its JVM. Spark cannot work so: it ships tasks, and the
 * workers' results come back, as Java-serialized objects between the driver and its executors. This JVM's filter
 * admits the classes of Java, Scala, Spark, DL4J, ND4J and trainguard and rejects everything else (each rejection is
 * logged with the class name); files are still never Java-deserialized, since trainguard reads models, checkpoints
 * and caches with its own readers. Keep the cluster's network to the machines of the cluster.
 */
public final class SparkTrainer {

    /** The packages whose classes may be Java-deserialized in the driver (a {@code jdk.serialFilter} pattern). */
    static final String ALLOWED = String.join(
            ";",
            "java.**",
            "javax.**",
            "scala.**",
            "org.apache.spark.**",
            "org.sparkproject.**",
            "org.deeplearning4j.**",
            "org.nd4j.**",
            "org.datavec.**",
            "org.trainguard.**",
            "org.apache.hadoop.**",
            "org.json4s.**",
            "com.google.common.**",
            "org.roaringbitmap.**",
            "!*");

    private SparkTrainer() {}

    /**
     * Runs the {@code trainer} command.
     *
     * @param args the command line, as for {@code trainer.jar}
     */
    public static void main(String[] args) {
        allowSparkDeserializationOnly();
        TrainerCli.main(args);
    }

    /** Installs the filter, unless one was set with {@code -Djdk.serialFilter=...}, which then stays in charge. */
    static void allowSparkDeserializationOnly() {
        if (ObjectInputFilter.Config.getSerialFilter() != null) {
            return;
        }
        ObjectInputFilter patterns = ObjectInputFilter.Config.createFilter(ALLOWED);
        ObjectInputFilter.Config.setSerialFilter(info -> {
            ObjectInputFilter.Status s = patterns.checkInput(info);
            if (s == ObjectInputFilter.Status.REJECTED && info.serialClass() != null) {
                LoggerFactory.getLogger(SparkTrainer.class)
                        .error(
                                "refused to deserialize a {} (not a Java, Scala, Spark, DL4J, ND4J or "
                                        + "trainguard class)",
                                info.serialClass().getName());
            }
            return s;
        });
    }
}
