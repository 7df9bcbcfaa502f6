package org.trainguard.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** A step's batch is cut into the workers' minibatches in order, masks with their rows. */
class SparkStepTrainerTest {

    @Test
    void theBatchIsCutInOrderIntoMinibatchesOfTheWorkersSize() {
        var features = Nd4j.arange(0, 13 * 3).castTo(DataType.FLOAT).reshape(13, 3);
        var labels = Nd4j.eye(13).castTo(DataType.FLOAT).getColumns(0, 1);
        var mask = Nd4j.ones(DataType.FLOAT, 13, 3);
        List<DataSet> parts = SparkStepTrainer.minibatches(new DataSet(features, labels, mask, null), 5);
        assertEquals(List.of(5, 5, 3), parts.stream().map(DataSet::numExamples).toList());
        assertEquals(features.getRow(10), parts.get(2).getFeatures().getRow(0), "row 10 starts the third minibatch");
        assertEquals(labels.getRow(4), parts.get(0).getLabels().getRow(4));
        assertEquals(3, parts.get(2).getFeaturesMaskArray().rows());
        assertNull(parts.get(0).getLabelsMaskArray());
    }
}
