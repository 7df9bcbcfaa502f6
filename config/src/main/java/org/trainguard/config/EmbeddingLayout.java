package org.trainguard.config;

/** How the fastText model stores and trains its embedding table ({@code model.embedding}). */
public enum EmbeddingLayout {
    /**
     * Row-sparse on the CPU backend, dense on a GPU backend; a run whose checkpoints hold the dense
     * layout keeps it.
     */
    AUTO,
    /** DL4J's embedding layer and average pooling: every step updates the whole table. */
    DENSE,
    /** A bag-of-ids layer whose optimizer updates only the rows a batch touched (CPU backend only). */
    SPARSE
}
