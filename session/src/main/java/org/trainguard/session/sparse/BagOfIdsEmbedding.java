package org.trainguard.session.sparse;

import java.util.Collection;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A bag-of-ids embedding: input {@code [batch, length]} feature ids (as floats) with an optional
 * {@code [batch, length]} mask, output {@code [batch, nOut]}, the mask-weighted mean of the table rows
 * of the ids. It computes what an {@code EmbeddingSequenceLayer} followed by masked average pooling
 * computes, but touches only the rows of the ids in the batch, forward and backward.
 *
 * <p>The table ({@code nIn} rows of {@code nOut}) is one parameter, {@code "W"}, stored row-major.
 * The layer divides its gradient by the batch size itself and applies the configured gradient
 * normalization to the rows it wrote (exactly what DL4J would compute, since the other rows of the
 * gradient are zero). With {@link LazyAdam} or {@link SparseSgd} as the table's updater only the touched
 * rows are updated, and L1, L2 and weight decay apply to the touched rows only (lazily, as TensorFlow's
 * AdamW does for sparse gradients); with any other updater DL4J updates and regularizes the whole
 * table as usual.
 *
 * <p>Dropout cannot apply to ids and activations other than identity are refused. The layer works on
 * the CPU backend's host memory; on a GPU backend use DL4J's embedding layers.
 */
public class BagOfIdsEmbedding extends FeedForwardLayer {
    private static final long serialVersionUID = 1L;

    /** For JSON deserialization. */
    public BagOfIdsEmbedding() {
        super();
    }

    private BagOfIdsEmbedding(Builder builder) {
        super(builder);
        initializeConstraints(builder);
    }

    @Override
    public Layer instantiate(
            NeuralNetConfiguration conf,
            Collection<TrainingListener> trainingListeners,
            int layerIndex,
            INDArray layerParamsView,
            boolean initializeParams,
            DataType networkDataType) {
        if (networkDataType != DataType.FLOAT) {
            throw new IllegalStateException(
                    "BagOfIdsEmbedding '" + getLayerName() + "' needs a FLOAT network, found " + networkDataType);
        }
        if (getIDropout() != null) {
            throw new IllegalStateException("BagOfIdsEmbedding '" + getLayerName()
                    + "' takes feature ids: dropout cannot apply to them; put it on a later layer");
        }
        if (!(getActivationFn() instanceof ActivationIdentity)) {
            throw new IllegalStateException("BagOfIdsEmbedding '" + getLayerName()
                    + "' supports the identity activation only, found " + getActivationFn());
        }
        if (getConstraints() != null && !getConstraints().isEmpty()) {
            throw new IllegalStateException("BagOfIdsEmbedding '" + getLayerName()
                    + "' does not support parameter constraints (they would pass over the whole table)");
        }
        BagOfIdsEmbeddingLayer layer = new BagOfIdsEmbeddingLayer(conf, networkDataType);
        layer.setListeners(trainingListeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        Map<String, INDArray> paramTable = initializer().init(conf, layerParamsView, initializeParams);
        layer.setParamTable(paramTable);
        layer.setConf(conf);
        return layer;
    }

    @Override
    public ParamInitializer initializer() {
        return BagOfIdsParamInitializer.getInstance();
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return InputType.feedForward(getNOut());
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        // nIn is the number of table rows, not the width of the input: never inferred
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return null;
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        InputType outputType = getOutputType(-1, inputType);
        long numParams = initializer().numParams(this);
        int updaterStateSize = (int) getIUpdater().stateSize(numParams);
        return new LayerMemoryReport.Builder(getLayerName(), BagOfIdsEmbedding.class, inputType, outputType)
                .standardMemory(numParams, updaterStateSize)
                .workingMemory(0, 0, 0, outputType.arrayElementsPerExample())
                .cacheMemory(MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS)
                .build();
    }

    @Override
    public boolean isPretrainParam(String paramName) {
        return false;
    }

    @Override
    public BagOfIdsEmbedding clone() {
        return (BagOfIdsEmbedding) super.clone();
    }

    @Override
    protected boolean canEqual(Object other) {
        return other instanceof BagOfIdsEmbedding;
    }

    /** Builds a {@link BagOfIdsEmbedding}: {@code nIn} is the number of rows (ids), {@code nOut} their size. */
    public static class Builder extends FeedForwardLayer.Builder<Builder> {

        /** Starts with the identity activation, whatever the network's default. */
        public Builder() {
            this.activationFn = new ActivationIdentity();
        }

        @Override
        @SuppressWarnings("unchecked")
        public BagOfIdsEmbedding build() {
            return new BagOfIdsEmbedding(this);
        }
    }
}
