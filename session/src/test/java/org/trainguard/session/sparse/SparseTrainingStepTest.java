package org.trainguard.session.sparse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.trainguard.session.StepRandom;

class SparseTrainingStepTest {

    @Test
    void stepsEqualDl4jFitBitForBitWithDropoutDecayAndClipping() {
        SparseNets.Settings s = new SparseNets.Settings(false, 0.01, 0.5, 0.2);
        MultiLayerNetwork viaFit = SparseNets.sparse(5, s);
        MultiLayerNetwork viaStep = SparseNets.sparse(5, s);
        SparseTrainingStep step = SparseTrainingStep.forNetwork(viaStep).orElseThrow();
        List<DataSet> data = SparseNets.batches(8, 8, 41);
        for (int i = 0; i < data.size(); i++) {
            Nd4j.getRandom().setSeed(StepRandom.seedFor(3, i));
            viaFit.fit(data.get(i));
            Nd4j.getRandom().setSeed(StepRandom.seedFor(3, i));
            step.fit(data.get(i));
            assertEquals(viaFit.score(), viaStep.score(), "score at step " + i);
        }
        assertArrayEquals(viaFit.params().toFloatVector(), viaStep.params().toFloatVector());
        assertArrayEquals(
                viaFit.getUpdater().getStateViewArray().toFloatVector(),
                viaStep.getUpdater().getStateViewArray().toFloatVector());
        assertEquals(viaFit.getIterationCount(), viaStep.getIterationCount());
        assertEquals(8, viaStep.getIterationCount());
    }

    @Test
    void sparseSgdStepsEqualFitToo() {
        SparseNets.Settings s = new SparseNets.Settings(true, 0, 0, 0);
        MultiLayerNetwork viaFit = SparseNets.sparse(5, s);
        MultiLayerNetwork viaStep = SparseNets.sparse(5, s);
        SparseTrainingStep step = SparseTrainingStep.forNetwork(viaStep).orElseThrow();
        for (DataSet ds : SparseNets.batches(5, 8, 42)) {
            viaFit.fit(ds);
            step.fit(ds);
        }
        assertArrayEquals(viaFit.params().toFloatVector(), viaStep.params().toFloatVector());
    }

    @Test
    void onlyNetworksWithARowSparseTableGetTheStep() {
        assertFalse(SparseTrainingStep.forNetwork(SparseNets.dense(1, SparseNets.Settings.adam()))
                .isPresent());
        assertFalse(SparseTrainingStep.forNetwork(SparseNets.graph(1, SparseNets.Settings.adam()))
                .isPresent());
        assertTrue(SparseTrainingStep.forNetwork(SparseNets.sparse(1, SparseNets.Settings.adam()))
                .isPresent());
    }
}
