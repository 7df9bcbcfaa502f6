package org.trainguard.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The convolutional model ({@code model.type: cnn}): embeddings, one convolution over the sequence of feature ids
 * and max pooling, then the output layer.
 *
 * @param embeddingDim   size of each feature embedding, &gt; 0
 * @param dropout        dropout applied before the output layer, 0 &le; x &lt; 1
 * @param convFilters    number of convolution filters, &gt; 0
 * @param convKernelSize convolution width in feature ids, &gt; 0 and at most {@code features.maxLength}
 * @param features       how text becomes feature ids
 * @param embedding      {@code auto} or {@code dense}: a CNN's table is dense
 */
public record CnnModel(
        int embeddingDim,
        double dropout,
        int convFilters,
        int convKernelSize,
        FeaturesConfig features,
        EmbeddingLayout embedding)
        implements ModelConfig {

    /** {@code model.conv_filters}. */
    public static final Key<Integer> CONV_FILTERS =
            Key.integer(SECTION, "conv_filters", 128).checked(Checks::positive);
    /** {@code model.conv_kernel_size}. */
    public static final Key<Integer> CONV_KERNEL_SIZE =
            Key.integer(SECTION, "conv_kernel_size", 3).checked(Checks::positive);

    /** The model's name in {@code model.type}, its keys, and how it is read. */
    public static final Type TYPE = new Type(
            "cnn",
            List.of(CONV_FILTERS, CONV_KERNEL_SIZE),
            (section, c) -> new CnnModel(
                    c.embeddingDim(),
                    c.dropout(),
                    section.get(CONV_FILTERS),
                    section.get(CONV_KERNEL_SIZE),
                    c.features(),
                    c.embedding()));

    /** Checks every range, that the table is not sparse, and that the kernel fits in the longest text. */
    public CnnModel {
        new Common(embeddingDim, dropout, features, embedding);
        CONV_FILTERS.check(convFilters);
        CONV_KERNEL_SIZE.check(convKernelSize);
        if (embedding == EmbeddingLayout.SPARSE) {
            throw new ConfigException(
                    EMBEDDING.path(),
                    "model.embedding: sparse applies to model.type fasttext only, found model.type cnn");
        }
        if (convKernelSize > features.maxLength()) {
            throw new ConfigException(
                    CONV_KERNEL_SIZE.path(),
                    "model.conv_kernel_size must be <= model.features.max_length (" + features.maxLength()
                            + ") for a cnn, found " + convKernelSize);
        }
    }

    /**
     * The settings with the embedding layout chosen automatically.
     *
     * @param embeddingDim   size of each feature embedding
     * @param dropout        dropout applied before the output layer
     * @param convFilters    number of convolution filters
     * @param convKernelSize convolution width in feature ids
     * @param features       how text becomes feature ids
     */
    public CnnModel(int embeddingDim, double dropout, int convFilters, int convKernelSize, FeaturesConfig features) {
        this(embeddingDim, dropout, convFilters, convKernelSize, features, EmbeddingLayout.AUTO);
    }

    @Override
    public String type() {
        return TYPE.name();
    }

    @Override
    public Map<String, Object> toMap() {
        Map<String, Object> own = new LinkedHashMap<>();
        CONV_FILTERS.put(own, convFilters);
        CONV_KERNEL_SIZE.put(own, convKernelSize);
        return ModelConfig.toMap(this, own);
    }
}
