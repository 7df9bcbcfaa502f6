/**
 * A row-sparse bag-of-ids embedding for DL4J networks and the optimizers for its table.
 *
 * <p>{@link org.trainguard.session.sparse.BagOfIdsEmbedding} replaces an embedding layer followed by
 * masked average pooling: it takes {@code [batch, length]} feature ids with a mask and returns the
 * masked mean of their rows, reading and writing only the rows a batch touches.
 * {@link org.trainguard.session.sparse.LazyAdam} and {@link org.trainguard.session.sparse.SparseSgd}
 * update only those rows. Parameters and optimizer state live in the network's ordinary arrays, so
 * such a network is saved and restored by {@code ModelSerializer} like any other, in a
 * {@code MultiLayerNetwork} or a {@code ComputationGraph}.
 *
 * <p>The layer reads and writes host memory directly: it is meant for the CPU backend. On a GPU backend
 * it would copy the table between device and host every step; use DL4J's dense embedding there.
 */
package org.trainguard.session.sparse;
