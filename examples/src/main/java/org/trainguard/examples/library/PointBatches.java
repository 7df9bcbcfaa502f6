package org.trainguard.examples.library;

import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.trainguard.session.ResumableDataSetIterator;

/**
 * Mini-batches of a {@link PointSet}, shuffled afresh for every epoch. The order of an epoch depends
 * only on the seed and the epoch number, and {@link #seek} jumps straight to any batch of any epoch:
 * that is what lets trainguard resume in the middle of an epoch and feed the network exactly the
 * batches an uninterrupted run would have seen.
 *
 * <p>{@link #reset()} goes back to the first batch of the current epoch; the epoch itself is chosen
 * with {@link #seek}. The last batch of an epoch may be smaller than the others.
 */
public final class PointBatches implements ResumableDataSetIterator {

    private final PointSet points;
    private final int batchSize;
    private final long seed;
    private int[] order;
    private int epoch;
    private long nextBatch;
    private DataSetPreProcessor preProcessor;

    /**
     * @param points the points to train on
     * @param batchSize points per batch
     * @param seed the seed of every epoch's shuffle
     */
    public PointBatches(PointSet points, int batchSize, long seed) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be > 0, found " + batchSize);
        }
        this.points = points;
        this.batchSize = batchSize;
        this.seed = seed;
        seek(0, 0);
    }

    @Override
    public void seek(int epoch, long batchInEpoch) {
        if (epoch < 0 || batchInEpoch < 0 || batchInEpoch > batchesPerEpoch()) {
            throw new IllegalArgumentException("cannot seek to batch " + batchInEpoch + " of epoch " + epoch
                    + "; an epoch has " + batchesPerEpoch() + " batches");
        }
        if (order == null || epoch != this.epoch) {
            order = shuffled(epoch);
            this.epoch = epoch;
        }
        nextBatch = batchInEpoch;
    }

    @Override
    public long batchesPerEpoch() {
        return (points.size() + batchSize - 1) / batchSize;
    }

    // Fisher-Yates with a generator seeded from (seed, epoch) alone, so any epoch can be rebuilt
    private int[] shuffled(int ep) {
        int[] o = new int[points.size()];
        for (int i = 0; i < o.length; i++) {
            o[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + ep);
        for (int i = o.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = o[i];
            o[i] = o[j];
            o[j] = t;
        }
        return o;
    }

    @Override
    public boolean hasNext() {
        return nextBatch < batchesPerEpoch();
    }

    @Override
    public DataSet next() {
        return next(batchSize);
    }

    @Override
    public DataSet next(int num) {
        if (!hasNext()) {
            throw new NoSuchElementException("epoch " + epoch + " has no batch after " + nextBatch);
        }
        int from = (int) (nextBatch * batchSize);
        int to = Math.min(from + num, points.size());
        int[] rows = new int[to - from];
        System.arraycopy(order, from, rows, 0, rows.length);
        nextBatch++;
        DataSet ds = points.batch(rows);
        if (preProcessor != null) {
            preProcessor.preProcess(ds);
        }
        return ds;
    }

    @Override
    public int inputColumns() {
        return points.dimensions();
    }

    @Override
    public int totalOutcomes() {
        return points.classes();
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    // DL4J would otherwise prefetch on another thread, which makes no difference here but is
    // one more thing to reason about when a run is stopped
    @Override
    public boolean asyncSupported() {
        return false;
    }

    @Override
    public void reset() {
        nextBatch = 0;
    }

    @Override
    public int batch() {
        return batchSize;
    }

    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) {
        this.preProcessor = preProcessor;
    }

    @Override
    public DataSetPreProcessor getPreProcessor() {
        return preProcessor;
    }

    @Override
    public List<String> getLabels() {
        return List.of();
    }
}
