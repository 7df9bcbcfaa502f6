package org.trainguard.trainer.train;

import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Starts ND4J and loads DL4J's network classes on a background thread while the job reads its
 * configuration, takes the run lock and loads its data. Together they take a good second of a
 * restart; on two or more cores that second now overlaps the rest of the start.
 *
 * <p>The warm-up builds and trains a tiny network of the classifier's layer types on its own
 * thread; it touches neither the job's network nor the random state of the training thread (ND4J
 * keeps one random generator per thread). The job waits for it ({@link #backend()}) before building its own network.
 */
public final class Warmup {

    private final CompletableFuture<String> backend;

    private Warmup(CompletableFuture<String> backend) {
        this.backend = backend;
    }

    /**
     * Starts the warm-up on a daemon thread.
     *
     * @return the running warm-up
     */
    public static Warmup start() {
        CompletableFuture<String> f = new CompletableFuture<>();
        Thread t = new Thread(
                () -> {
                    try {
                        f.complete(warm());
                    } catch (Throwable e) {
                        f.completeExceptionally(e);
                    }
                },
                "trainguard-warmup");
        t.setDaemon(true);
        t.start();
        return new Warmup(f);
    }

    /**
     * Waits for the warm-up.
     *
     * @return the ND4J backend and its thread count, e.g. {@code CpuBackend, 2 threads}
     * @throws RuntimeException what starting ND4J threw (a missing native library, for example)
     */
    public String backend() {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return backend.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    if (e.getCause() instanceof Error err) {
                        throw err;
                    }
                    throw new IllegalStateException("ND4J did not start: " + e.getCause(), e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String warm() {
        String name = Nd4j.getBackend().getClass().getSimpleName();
        Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
        MultiLayerNetwork tiny = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(1)
                .updater(new Adam(1e-3))
                .gradientNormalization(GradientNormalization.ClipL2PerLayer)
                .gradientNormalizationThreshold(1.0)
                .trainingWorkspaceMode(WorkspaceMode.NONE)
                .inferenceWorkspaceMode(WorkspaceMode.NONE)
                .list()
                .layer(new EmbeddingSequenceLayer.Builder()
                        .nIn(8)
                        .nOut(2)
                        .inputLength(3)
                        .outputDataFormat(RNNFormat.NCW)
                        .hasBias(false)
                        .build())
                .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(2)
                        .nOut(2)
                        .activation(Activation.SOFTMAX)
                        .build())
                .build());
        tiny.init();
        // One step and one prediction, shaped like the classifier's batches (ids, mask, one-hot labels): the
        // first real step then finds its code loaded. ND4J's random generator is per thread, so the training
        // thread's random state is not touched.
        INDArray ids = Nd4j.create(new float[] {1, 2, 3, 4, 5, 0}, new long[] {2, 3}, DataType.FLOAT);
        INDArray mask = Nd4j.create(new float[] {1, 1, 1, 1, 1, 0}, new long[] {2, 3}, DataType.FLOAT);
        INDArray labels = Nd4j.create(new float[] {1, 0, 0, 1}, new long[] {2, 2}, DataType.FLOAT);
        tiny.fit(new DataSet(ids, labels, mask, null));
        tiny.output(ids, false, mask, null);
        return name + ", " + env.getOrDefault("omp.threads", "?") + " threads";
    }
}
