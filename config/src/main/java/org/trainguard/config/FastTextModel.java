package org.trainguard.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fastText-style model ({@code model.type: fasttext}): the embeddings of all word and character n-grams are
 * averaged, then classified. Fast and strong on short texts.
 *
 * @param embeddingDim size of each feature embedding, &gt; 0
 * @param dropout      dropout applied before the output layer, 0 &le; x &lt; 1
 * @param features     how text becomes feature ids
 * @param embedding    how the embedding table is stored and trained; {@code auto} unless set
 */
public record FastTextModel(int embeddingDim, double dropout, FeaturesConfig features, EmbeddingLayout embedding)
        implements ModelConfig {

    /** The model's name in {@code model.type}, and how it is read; it has no keys of its own. */
    public static final Type TYPE = new Type(
            "fasttext",
            List.of(),
            (section, c) -> new FastTextModel(c.embeddingDim(), c.dropout(), c.features(), c.embedding()));

    /** Checks every range. */
    public FastTextModel {
        new Common(embeddingDim, dropout, features, embedding);
    }

    /**
     * The settings with the embedding layout chosen automatically.
     *
     * @param embeddingDim size of each feature embedding
     * @param dropout      dropout applied before the output layer
     * @param features     how text becomes feature ids
     */
    public FastTextModel(int embeddingDim, double dropout, FeaturesConfig features) {
        this(embeddingDim, dropout, features, EmbeddingLayout.AUTO);
    }

    @Override
    public String type() {
        return TYPE.name();
    }

    @Override
    public Map<String, Object> toMap() {
        // The CNN's defaults stay in the map of a fastText model, as they were before each model had a record of its
        // own: the map is part of a run's fingerprint, so runs recorded before keep resuming.
        Map<String, Object> legacy = new LinkedHashMap<>();
        CnnModel.CONV_FILTERS.put(legacy, CnnModel.CONV_FILTERS.fallback());
        CnnModel.CONV_KERNEL_SIZE.put(legacy, CnnModel.CONV_KERNEL_SIZE.fallback());
        return ModelConfig.toMap(this, legacy);
    }
}
