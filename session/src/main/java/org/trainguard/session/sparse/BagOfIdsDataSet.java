package org.trainguard.session.sparse;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * A batch for a {@link BagOfIdsEmbedding} network that also carries its examples' ids as ints: the features
 * are the ids padded to the longest example and the features mask is 1 exactly over each example's ids, as
 * any DL4J consumer expects, and the fastText training step reads the ints instead of the padded float
 * arrays (no conversion, no padding to skip).
 *
 * <p>The ints must be what the arrays hold; replacing the features or their mask through the setters drops
 * them, so a changed batch is read from its arrays. They are not serialized (a deserialized batch is read
 * from its arrays).
 */
public class BagOfIdsDataSet extends DataSet {
    private static final long serialVersionUID = 1L;

    private transient int[][] examples;

    /**
     * @param features the ids, [batch, length], each example padded to the longest
     * @param labels the labels, or null
     * @param featuresMask 1 over each example's ids, 0 over the padding
     * @param examples each example's ids (not copied), exactly those in {@code features} where the mask is 1
     */
    public BagOfIdsDataSet(INDArray features, INDArray labels, INDArray featuresMask, int[][] examples) {
        super(features, labels, featuresMask, null);
        this.examples = examples;
    }

    /** @return each example's ids, or null when the features were replaced since the batch was made */
    public int[][] examples() {
        return examples;
    }

    @Override
    public void setFeatures(INDArray features) {
        super.setFeatures(features);
        examples = null;
    }

    @Override
    public void setFeaturesMaskArray(INDArray featuresMask) {
        super.setFeaturesMaskArray(featuresMask);
        examples = null;
    }
}
