package org.trainguard.trainer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;
import org.trainguard.session.sparse.BagOfIdsDataSet;

class BatchesTest {

    @Test
    void idsArePaddedToTheLongestWithAMaskAndCarriedAsInts() {
        int[][] ids = {{5, 6, 7}, {}, {9}, {1, 2, 3, 4}, {8, 8}};
        int[] labels = {0, 1, 2, 1, 0};
        int[] order = {4, 3, 1, 0, 2};
        DataSet d = Batches.batch(ids, labels, order, 1, 5, 3);
        assertArrayEquals(
                new float[][] {{1, 2, 3, 4}, {0, 0, 0, 0}, {5, 6, 7, 0}, {9, 0, 0, 0}},
                d.getFeatures().toFloatMatrix());
        assertArrayEquals(
                new float[][] {{1, 1, 1, 1}, {0, 0, 0, 0}, {1, 1, 1, 0}, {1, 0, 0, 0}},
                d.getFeaturesMaskArray().toFloatMatrix());
        assertArrayEquals(
                new float[][] {{0, 1, 0}, {0, 1, 0}, {1, 0, 0}, {0, 0, 1}},
                d.getLabels().toFloatMatrix());
        int[][] examples = ((BagOfIdsDataSet) d).examples();
        assertSame(ids[3], examples[0]);
        assertSame(ids[2], examples[3]);
        assertNull(Batches.batch(ids, null, order, 0, 2, 3).getLabels());
    }
}
