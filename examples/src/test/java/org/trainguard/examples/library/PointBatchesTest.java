package org.trainguard.examples.library;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

class PointBatchesTest {

    private static final PointSet POINTS = PointClouds.sample(70, 1);

    @Test
    void anEpochVisitsEveryPointOnceInBatchesWithAShorterLastOne() {
        PointBatches batches = new PointBatches(POINTS, 32, 7);
        assertEquals(3, batches.batchesPerEpoch());
        List<float[]> seen = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        while (batches.hasNext()) {
            DataSet ds = batches.next();
            sizes.add(ds.numExamples());
            for (int i = 0; i < ds.numExamples(); i++) {
                seen.add(ds.getFeatures().getRow(i).toFloatVector());
            }
        }
        assertEquals(List.of(32, 32, 6), sizes);
        List<String> expected =
                Arrays.stream(POINTS.features()).map(Arrays::toString).sorted().toList();
        assertEquals(expected, seen.stream().map(Arrays::toString).sorted().toList());
    }

    @Test
    void seekingGivesTheSameBatchesAsReadingThroughAndEpochsDiffer() {
        PointBatches reader = new PointBatches(POINTS, 16, 7);
        List<float[]> epoch1 = new ArrayList<>();
        reader.seek(1, 0);
        while (reader.hasNext()) {
            epoch1.add(reader.next().getFeatures().ravel().toFloatVector());
        }

        PointBatches other = new PointBatches(POINTS, 16, 7);
        other.seek(1, 3);
        assertArrayEquals(epoch1.get(3), other.next().getFeatures().ravel().toFloatVector());

        other.seek(0, 0);
        assertFalse(
                Arrays.equals(epoch1.get(0), other.next().getFeatures().ravel().toFloatVector()),
                "each epoch has its own order");

        other.seek(1, 2);
        other.next();
        other.reset();
        assertArrayEquals(
                epoch1.get(0),
                other.next().getFeatures().ravel().toFloatVector(),
                "reset() restarts the current epoch");

        PointBatches otherSeed = new PointBatches(POINTS, 16, 8);
        otherSeed.seek(1, 0);
        assertFalse(
                Arrays.equals(
                        epoch1.get(0), otherSeed.next().getFeatures().ravel().toFloatVector()),
                "another seed, another order");
    }

    @Test
    void seekingPastTheEpochIsRefusedNamingTheValues() {
        PointBatches batches = new PointBatches(POINTS, 32, 7);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> batches.seek(0, 4));
        assertTrue(
                e.getMessage().contains("batch 4 of epoch 0") && e.getMessage().contains("3 batches"), e.getMessage());
    }

    @Test
    void pointsAndTheirFingerprintDependOnlyOnTheSeed() {
        assertEquals(POINTS.fingerprint(), PointClouds.sample(70, 1).fingerprint());
        assertNotEquals(POINTS.fingerprint(), PointClouds.sample(70, 2).fingerprint());
        float[][] moved = Arrays.stream(POINTS.features()).map(float[]::clone).toArray(float[][]::new);
        moved[69][9] += 1e-3f;
        assertNotEquals(POINTS.fingerprint(), new PointSet(moved, POINTS.labels(), POINTS.classes()).fingerprint());
    }
}
