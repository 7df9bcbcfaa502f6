package org.trainguard.session.sparse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.function.LongFunction;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.trainguard.session.SessionOptions;
import org.trainguard.session.TrainingHooks;
import org.trainguard.session.TrainingSessionManager;

/** The session manager's own checkpoints stop and resume a network with a bag-of-ids table exactly. */
class SparseSessionResumeTest {
    private static final SparseNets.Settings SETTINGS = new SparseNets.Settings(false, 0.01, 1.0, 0.2);

    private static SessionOptions.Builder options(Path dir) {
        return SessionOptions.builder(dir)
                .seed(7)
                .epochs(3)
                .checkpointEverySteps(5)
                .keepLast(2)
                .logEverySteps(1)
                .handleSignals(false);
    }

    private static ListDataSetIterator<DataSet> data() {
        // each element is already a batch of 8 padded examples with masks
        return new ListDataSetIterator<>(SparseNets.batches(9, 8, 31), 1);
    }

    private static INDArray[] run(Path dir, LongFunction<Model> network, long stopAt) throws Exception {
        Model net = network.apply(stopAt);
        try (TrainingSessionManager s =
                TrainingSessionManager.open(net, options(dir).build())) {
            TrainingSessionManager.Outcome o = s.fit(data(), new TrainingHooks() {
                @Override
                public void onProgress(Progress p) {
                    if (p.step() == stopAt) {
                        s.requestStop();
                    }
                }
            });
            assertEquals(stopAt < 0, o.completed());
            if (stopAt >= 0) {
                assertEquals(stopAt, o.step());
            }
        }
        INDArray updater = net instanceof MultiLayerNetwork m
                ? m.getUpdater().getStateViewArray()
                : ((ComputationGraph) net).getUpdater().getStateViewArray();
        return new INDArray[] {net.params().dup(), updater.dup()};
    }

    private static void stopTwiceThenFinish(Path tmp, LongFunction<Model> network) throws Exception {
        INDArray[] straight = run(tmp.resolve("a"), stop -> network.apply(1), -1);
        Path b = tmp.resolve("b");
        run(b, stop -> network.apply(1), 7);
        // a differently initialized network: everything must come from the checkpoint
        run(b, stop -> network.apply(99), 16);
        INDArray[] resumed = run(b, stop -> network.apply(5), -1);
        assertArrayEquals(straight[0].toFloatVector(), resumed[0].toFloatVector(), "parameters");
        assertArrayEquals(straight[1].toFloatVector(), resumed[1].toFloatVector(), "optimizer state");
        assertFalse(straight[1].amaxNumber().doubleValue() == 0.0);
    }

    @Test
    void multiLayerNetworkStoppedAndResumedEndsBitwiseEqual(@TempDir Path tmp) throws Exception {
        stopTwiceThenFinish(tmp, seed -> SparseNets.sparse(seed, SETTINGS));
    }

    @Test
    void computationGraphStoppedAndResumedEndsBitwiseEqual(@TempDir Path tmp) throws Exception {
        stopTwiceThenFinish(tmp, seed -> SparseNets.graph(seed, SETTINGS));
        assertTrue(SparseNets.graph(1, SETTINGS).getLayer("bag") instanceof BagOfIdsEmbeddingLayer);
    }
}
