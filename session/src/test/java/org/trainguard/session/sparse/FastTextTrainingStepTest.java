package org.trainguard.session.sparse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.trainguard.session.ProgressCallback;
import org.trainguard.session.StepRandom;

class FastTextTrainingStepTest {

    @Test
    void selfCheckFindsTheStepWithinFloatToleranceOfFit() {
        FastTextSelfCheck.run();
        double d = FastTextTrainingStep.selfCheckDifference();
        System.out.println("fastText step vs fit(): largest relative difference " + d);
        assertTrue(d <= FastTextTrainingStep.TOLERANCE, "difference " + d);
    }

    @Test
    void stepsFollowFitWithDropoutDecayClippingAndSgd() {
        for (SparseNets.Settings s :
                List.of(new SparseNets.Settings(false, 0.01, 0.5, 0.2), new SparseNets.Settings(true, 0, 0, 0))) {
            MultiLayerNetwork viaFit = SparseNets.sparse(5, s);
            MultiLayerNetwork viaStep = SparseNets.sparse(5, s);
            FastTextTrainingStep step = FastTextTrainingStep.forNetwork(viaStep).orElseThrow();
            // a shorter last batch, as at the end of an epoch
            List<DataSet> data = new java.util.ArrayList<>(SparseNets.batches(12, 8, 41));
            data.addAll(SparseNets.batches(1, 3, 44));
            for (int i = 0; i < data.size(); i++) {
                Nd4j.getRandom().setSeed(StepRandom.seedFor(3, i));
                viaFit.fit(data.get(i));
                Nd4j.getRandom().setSeed(StepRandom.seedFor(3, i));
                step.fit(data.get(i));
                assertEquals(viaFit.score(), viaStep.score(), 1e-4 * Math.abs(viaFit.score()), "score at step " + i);
            }
            float[] a = viaFit.params().toFloatVector();
            float[] b = viaStep.params().toFloatVector();
            for (int k = 0; k < a.length; k++) {
                assertEquals(a[k], b[k], 1e-4f * Math.max(1f, Math.abs(a[k])), "parameter " + k + " with " + s);
            }
            assertEquals(viaFit.getIterationCount(), viaStep.getIterationCount());
        }
    }

    @Test
    void saveRestoreAndContinueIsBitwiseEqualToAnUninterruptedRun() throws Exception {
        SparseNets.Settings s = new SparseNets.Settings(false, 0.01, 0.5, 0.2);
        List<DataSet> data = SparseNets.batches(16, 8, 43);
        MultiLayerNetwork straight = SparseNets.sparse(9, s);
        train(straight, data, 0, data.size());

        MultiLayerNetwork first = SparseNets.sparse(9, s);
        train(first, data, 0, 7);
        ByteArrayOutputStream saved = new ByteArrayOutputStream();
        ModelSerializer.writeModel(first, saved, true);
        MultiLayerNetwork restored =
                ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(saved.toByteArray()), true);
        train(restored, data, 7, data.size());

        assertArrayEquals(straight.params().toFloatVector(), restored.params().toFloatVector());
        assertArrayEquals(
                straight.getUpdater().getStateViewArray().toFloatVector(),
                restored.getUpdater().getStateViewArray().toFloatVector());
        assertEquals(straight.getIterationCount(), restored.getIterationCount());
        assertEquals(straight.score(), restored.score());
    }

    private static void train(MultiLayerNetwork net, List<DataSet> data, int from, int to) {
        FastTextTrainingStep step = FastTextTrainingStep.forNetwork(net).orElseThrow();
        for (int i = from; i < to; i++) {
            Nd4j.getRandom().setSeed(StepRandom.seedFor(17, i));
            step.fit(data.get(i));
        }
    }

    @Test
    void theProgressShowsTheDataLossAsUnderFit() {
        SparseNets.Settings s = new SparseNets.Settings(false, 0.5, 0, 0);
        MultiLayerNetwork viaFit = SparseNets.sparse(5, s);
        MultiLayerNetwork viaStep = SparseNets.sparse(5, s);
        ProgressCallback fitProgress = new ProgressCallback(1000, new PrintStream(OutputStream.nullOutputStream()));
        ProgressCallback stepProgress = new ProgressCallback(1000, new PrintStream(OutputStream.nullOutputStream()));
        viaFit.addListeners(fitProgress);
        viaStep.addListeners(stepProgress);
        FastTextTrainingStep step = FastTextTrainingStep.forNetwork(viaStep).orElseThrow();
        for (DataSet ds : SparseNets.batches(4, 8, 45)) {
            viaFit.fit(ds);
            step.fit(ds);
            // a large weight decay makes the regularization term a visible part of the score
            assertTrue(viaStep.score() - stepProgress.loss() > 1e-3, "score includes the regularization term");
            assertEquals(fitProgress.loss(), stepProgress.loss(), 1e-4 * Math.abs(fitProgress.loss()));
        }
        assertEquals(4, stepProgress.step());
    }

    @Test
    void onlyTheFastTextShapeGetsTheStep() {
        assertFalse(FastTextTrainingStep.forNetwork(SparseNets.dense(1, SparseNets.Settings.adam()))
                .isPresent());
        assertFalse(FastTextTrainingStep.forNetwork(SparseNets.graph(1, SparseNets.Settings.adam()))
                .isPresent());
        assertTrue(FastTextTrainingStep.forNetwork(SparseNets.sparse(1, SparseNets.Settings.adam()))
                .isPresent());
    }
}
