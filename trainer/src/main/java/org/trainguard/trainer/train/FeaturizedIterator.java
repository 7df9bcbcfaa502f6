package org.trainguard.trainer.train;

import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.trainguard.session.ResumableDataSetIterator;
import org.trainguard.session.StepRandom;
import org.trainguard.trainer.features.FeaturizedData;

/**
 * Batches of featurized training data in an order that depends only on the run's seed and the
 * epoch, so a resumed run can seek straight to any batch of any epoch.
 */
public final class FeaturizedIterator implements ResumableDataSetIterator {
    private static final long serialVersionUID = 1L;

    private final transient FeaturizedData data;
    private final int batchSize;
    private final long seed;
    private final boolean shuffle;
    private final int classes;
    private final List<String> labels;
    private int[] order;
    private int epoch = -1;
    private int cursor;

    /**
     * @param data the featurized examples
     * @param labels the classes
     * @param batchSize examples per batch (the last batch of an epoch may be smaller)
     * @param seed the run's seed
     * @param shuffle whether each epoch has its own shuffled order
     */
    public FeaturizedIterator(FeaturizedData data, List<String> labels, int batchSize, long seed, boolean shuffle) {
        this.data = data;
        this.labels = List.copyOf(labels);
        this.classes = labels.size();
        this.batchSize = batchSize;
        this.seed = seed;
        this.shuffle = shuffle;
        seek(0, 0);
    }

    @Override
    public void seek(int ep, long batchInEpoch) {
        if (ep != epoch) {
            order = orderOf(ep);
            epoch = ep;
        }
        cursor = (int) Math.min((long) data.size(), batchInEpoch * batchSize);
    }

    private int[] orderOf(int ep) {
        int[] o = Batches.identity(data.size());
        if (shuffle) {
            SplittableRandom r = new SplittableRandom(StepRandom.epochSeed(seed, ep));
            for (int i = o.length - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int t = o[i];
                o[i] = o[j];
                o[j] = t;
            }
        }
        return o;
    }

    @Override
    public long batchesPerEpoch() {
        return (data.size() + batchSize - 1) / batchSize;
    }

    @Override
    public DataSet next(int num) {
        int to = Math.min(data.size(), cursor + num);
        DataSet ds = Batches.batch(data.ids(), data.labels(), order, cursor, to, classes);
        cursor = to;
        return ds;
    }

    @Override
    public DataSet next() {
        return next(batchSize);
    }

    @Override
    public boolean hasNext() {
        return cursor < data.size();
    }

    @Override
    public int inputColumns() {
        return -1;
    }

    @Override
    public int totalOutcomes() {
        return classes;
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    @Override
    public boolean asyncSupported() {
        return false;
    }

    @Override
    public void reset() {
        seek(Math.max(epoch, 0), 0);
    }

    @Override
    public int batch() {
        return batchSize;
    }

    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) {
        throw new UnsupportedOperationException("featurized batches need no preprocessor");
    }

    @Override
    public DataSetPreProcessor getPreProcessor() {
        return null;
    }

    @Override
    public List<String> getLabels() {
        return labels;
    }
}
