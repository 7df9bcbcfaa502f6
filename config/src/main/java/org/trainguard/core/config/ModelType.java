package org.trainguard.core.config;

/** The network that classifies the hashed text features ({@code model.type}). */
public enum ModelType {
    /** Averaged embeddings of word and character n-grams, then the output layer: fast and strong on short texts. */
    FASTTEXT,
    /** Embeddings, one convolution over the token sequence and max pooling, then the output layer. */
    CNN
}
