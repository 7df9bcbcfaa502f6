package org.trainguard.session.sparse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import org.deeplearning4j.exception.DL4JInvalidInputException;
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
    void aBatchThatCarriesItsIdsAsIntsTrainsExactlyAsItsPaddedArrays() {
        SparseNets.Settings s = new SparseNets.Settings(false, 0.01, 0.5, 0.2);
        MultiLayerNetwork viaArrays = SparseNets.sparse(7, s);
        MultiLayerNetwork viaInts = SparseNets.sparse(7, s);
        FastTextTrainingStep arraysStep =
                FastTextTrainingStep.forNetwork(viaArrays).orElseThrow();
        FastTextTrainingStep intsStep = FastTextTrainingStep.forNetwork(viaInts).orElseThrow();
        List<DataSet> data = SparseNets.batches(10, 8, 47);
        // an example without ids (all of it masked out)
        data.get(3).getFeaturesMaskArray().getRow(2).assign(0);
        for (int i = 0; i < data.size(); i++) {
            DataSet plain = data.get(i);
            BagOfIdsDataSet withInts = withInts(plain);
            assertTrue(withInts.examples().length == 8 && withInts.examples()[0].length > 0);
            Nd4j.getRandom().setSeed(StepRandom.seedFor(5, i));
            arraysStep.fit(plain);
            Nd4j.getRandom().setSeed(StepRandom.seedFor(5, i));
            intsStep.fit(withInts);
            assertEquals(viaArrays.score(), viaInts.score(), "score at step " + i);
        }
        assertArrayEquals(viaArrays.params().toFloatVector(), viaInts.params().toFloatVector());
        assertArrayEquals(
                viaArrays.getUpdater().getStateViewArray().toFloatVector(),
                viaInts.getUpdater().getStateViewArray().toFloatVector());
    }

    @Test
    void anIdOutsideTheTableIsNamedWithItsExampleAndPosition() {
        MultiLayerNetwork net = SparseNets.sparse(7, SparseNets.Settings.adam());
        FastTextTrainingStep step = FastTextTrainingStep.forNetwork(net).orElseThrow();
        BagOfIdsDataSet batch = withInts(SparseNets.batches(1, 4, 48).get(0));
        batch.examples()[1] = new int[] {3, 4, SparseNets.ROWS};
        DL4JInvalidInputException e = assertThrows(DL4JInvalidInputException.class, () -> step.fit(batch));
        assertTrue(e.getMessage().contains("id " + SparseNets.ROWS + " at position 2 of example 1"), e.getMessage());
        assertEquals(0, net.getIterationCount(), "nothing was trained");
    }

    @Test
    void withoutMomentumTheFirstMomentIsNotKeptAndTheStepFollowsFit() {
        SparseNets.Settings s = SparseNets.Settings.adam();
        LazyAdam noMomentum = new LazyAdam(0.05, null, 0.0, 0.999, 1e-8);
        MultiLayerNetwork viaFit = new MultiLayerNetwork(SparseNets.sparseConf(3, s, noMomentum));
        viaFit.init();
        MultiLayerNetwork viaStep = new MultiLayerNetwork(SparseNets.sparseConf(3, s, noMomentum));
        viaStep.init();
        float[] initial = viaStep.params().toFloatVector();
        FastTextTrainingStep step = FastTextTrainingStep.forNetwork(viaStep).orElseThrow();
        for (DataSet ds : SparseNets.batches(6, 8, 49)) {
            viaFit.fit(ds);
            step.fit(ds);
        }
        float[] a = viaFit.params().toFloatVector();
        float[] b = viaStep.params().toFloatVector();
        int table = SparseNets.ROWS * SparseNets.DIM;
        boolean moved = false;
        for (int k = 0; k < a.length; k++) {
            assertEquals(a[k], b[k], 1e-4f * Math.max(1f, Math.abs(a[k])), "parameter " + k);
            moved |= k < table && b[k] != initial[k];
        }
        assertTrue(moved, "the table trained");
        for (MultiLayerNetwork net : List.of(viaFit, viaStep)) {
            float[] state = net.getUpdater().getStateViewArray().toFloatVector();
            for (int k = 0; k < table; k++) {
                assertEquals(0f, state[k], "the table's first moment " + k + " stays zero");
            }
            boolean secondMoment = false;
            for (int k = table; k < 2 * table; k++) {
                secondMoment |= state[k] != 0f;
            }
            assertTrue(secondMoment, "the table's second moment is kept");
        }
    }

    /** The batch with its examples' ids as ints too, read from its arrays where the mask is 1. */
    private static BagOfIdsDataSet withInts(DataSet d) {
        float[][] ids = d.getFeatures().toFloatMatrix();
        float[][] mask = d.getFeaturesMaskArray().toFloatMatrix();
        int[][] examples = new int[ids.length][];
        for (int e = 0; e < ids.length; e++) {
            int[] x = new int[ids[e].length];
            int n = 0;
            for (int t = 0; t < ids[e].length; t++) {
                if (mask[e][t] != 0f) {
                    x[n++] = (int) ids[e][t];
                }
            }
            examples[e] = java.util.Arrays.copyOf(x, n);
        }
        return new BagOfIdsDataSet(d.getFeatures(), d.getLabels(), d.getFeaturesMaskArray(), examples);
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
