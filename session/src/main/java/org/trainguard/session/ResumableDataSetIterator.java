package org.trainguard.session;

import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * A data iterator that can start any epoch at any batch without reading the batches before it.
 * The order of an epoch must depend only on the epoch number (for example, shuffled with a seed
 * derived from the run's seed and the epoch), so that a resumed run sees the same batches.
 *
 * <p>Plain {@link DataSetIterator}s work too: trainguard then calls {@code reset()} and skips
 * batches by reading them, which requires that {@code reset()} gives the same order every time.
 */
public interface ResumableDataSetIterator extends DataSetIterator {

    /**
     * Positions the iterator at a batch of an epoch.
     *
     * @param epoch the epoch, counting from 0
     * @param batchInEpoch how many batches of it to skip
     */
    void seek(int epoch, long batchInEpoch);

    /** @return how many batches one epoch has */
    long batchesPerEpoch();
}
