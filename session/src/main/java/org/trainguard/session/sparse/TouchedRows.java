package org.trainguard.session.sparse;

import java.util.Arrays;

/**
 * The rows of one table that the last backward pass wrote, handed from the layer to the optimizer
 * of its table. One per layer instance: networks never share it, even when built from one
 * configuration.
 */
final class TouchedRows {
    private final BagOfIdsEmbeddingLayer layer;
    private int[] rows = new int[0];
    private int count;
    private boolean pending;

    TouchedRows(BagOfIdsEmbeddingLayer layer) {
        this.layer = layer;
    }

    BagOfIdsEmbeddingLayer layer() {
        return layer;
    }

    synchronized void publish(int[] source, int n) {
        if (rows.length < n) {
            rows = new int[Math.max(n, rows.length * 2)];
        }
        System.arraycopy(source, 0, rows, 0, n);
        count = n;
        pending = true;
    }

    /**
     * @return the rows of the last backward pass, once: a second update without a backward pass in
     *         between would apply a stale gradient
     */
    synchronized int[] take() {
        if (!pending) {
            throw new IllegalStateException("the optimizer of embedding table '" + layer.layerName()
                    + "' ran without a backward pass of that layer since its last update");
        }
        pending = false;
        return Arrays.copyOf(rows, count);
    }

    synchronized int[] last() {
        return Arrays.copyOf(rows, count);
    }
}
