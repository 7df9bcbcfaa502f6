package org.trainguard.core.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The network ({@code model}).
 *
 * @param type           fastText-style averaging or a CNN
 * @param embeddingDim   size of each feature embedding, &gt; 0
 * @param dropout        dropout applied before the output layer, 0 &le; x &lt; 1
 * @param convFilters    CNN only: number of convolution filters, &gt; 0
 * @param convKernelSize CNN only: convolution width in feature ids, &gt; 0 and at most
 *                       {@code features.maxLength}
 * @param features       how text becomes feature ids
 * @param embedding      how the fastText model stores and trains its table; {@code auto} unless set
 */
public record ModelConfig(ModelType type, int embeddingDim, double dropout, int convFilters, int convKernelSize,
                          FeaturesConfig features, EmbeddingLayout embedding) {

    /** Checks every range, and that a CNN's kernel fits in the longest text. */
    public ModelConfig {
        Checks.notNull("model.type", type);
        Checks.positive("model.embedding_dim", embeddingDim);
        Checks.fraction("model.dropout", dropout);
        Checks.positive("model.conv_filters", convFilters);
        Checks.positive("model.conv_kernel_size", convKernelSize);
        Checks.notNull("model.features", features);
        Checks.notNull("model.embedding", embedding);
        if (type == ModelType.CNN && embedding == EmbeddingLayout.SPARSE) {
            throw new ConfigException("model.embedding",
                    "model.embedding: sparse applies to model.type fasttext only, found model.type cnn");
        }
        if (type == ModelType.CNN && convKernelSize > features.maxLength()) {
            throw new ConfigException("model.conv_kernel_size",
                    "model.conv_kernel_size must be <= model.features.max_length (" + features.maxLength()
                            + ") for a cnn, found " + convKernelSize);
        }
    }

    /**
     * Settings with the embedding layout chosen automatically.
     *
     * @param type           fastText-style averaging or a CNN
     * @param embeddingDim   size of each feature embedding
     * @param dropout        dropout applied before the output layer
     * @param convFilters    CNN only: number of convolution filters
     * @param convKernelSize CNN only: convolution width in feature ids
     * @param features       how text becomes feature ids
     */
    public ModelConfig(ModelType type, int embeddingDim, double dropout, int convFilters, int convKernelSize,
                       FeaturesConfig features) {
        this(type, embeddingDim, dropout, convFilters, convKernelSize, features, EmbeddingLayout.AUTO);
    }

    /**
     * The documented defaults: fastText, 64 dimensions, dropout 0.1, 128 filters of width 3.
     *
     * @return the default model settings
     */
    public static ModelConfig defaults() {
        return new ModelConfig(ModelType.FASTTEXT, 64, 0.1, 128, 3, FeaturesConfig.defaults());
    }

    Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("type", Checks.yamlName(type));
        map.put("embedding_dim", embeddingDim);
        map.put("dropout", dropout);
        map.put("conv_filters", convFilters);
        map.put("conv_kernel_size", convKernelSize);
        map.put("features", features.toMap());
        if (embedding != EmbeddingLayout.AUTO) {
            // absent when automatic, so runs recorded before the key existed keep their fingerprints
            map.put("embedding", Checks.yamlName(embedding));
        }
        return map;
    }
}
