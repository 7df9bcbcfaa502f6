package org.trainguard.bench;

import java.util.Arrays;
import java.util.List;
import java.util.function.LongConsumer;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.trainguard.session.ResumableDataSetIterator;

/**
 * Wraps a training iterator and notes when each batch is asked for. The time between two
 * requests is one whole training step as the loop sees it: the update itself, every listener, and
 * whatever the loop does between steps (a checkpoint, the session file). Timing the step that saves
 * against the ones that do not shows how long a save held up training, measured the same way for
 * every system.
 */
public final class TimedIterator implements ResumableDataSetIterator {
    private static final long serialVersionUID = 1L;

    private final transient ResumableDataSetIterator inner;
    private final transient LongConsumer beforeBatch;
    private long[] times = new long[1024];
    private int count;

    /**
     * @param inner the iterator that makes the batches
     * @param beforeBatch called with the number of batches handed out so far, before each batch
     *     (and before its time is noted), e.g. to read how long the last checkpoint blocked
     */
    public TimedIterator(ResumableDataSetIterator inner, LongConsumer beforeBatch) {
        this.inner = inner;
        this.beforeBatch = beforeBatch;
    }

    /** @return the {@link System#nanoTime()} of every batch request so far, in order */
    public long[] times() {
        return Arrays.copyOf(times, count);
    }

    /** @return how many batches were handed out */
    public int count() {
        return count;
    }

    private void note() {
        beforeBatch.accept(count);
        if (count == times.length) {
            times = Arrays.copyOf(times, count * 2);
        }
        times[count++] = System.nanoTime();
    }

    @Override
    public DataSet next(int num) {
        note();
        return inner.next(num);
    }

    @Override
    public DataSet next() {
        note();
        return inner.next();
    }

    @Override
    public void seek(int epoch, long batchInEpoch) {
        inner.seek(epoch, batchInEpoch);
    }

    @Override
    public long batchesPerEpoch() {
        return inner.batchesPerEpoch();
    }

    @Override
    public boolean hasNext() {
        return inner.hasNext();
    }

    @Override
    public int inputColumns() {
        return inner.inputColumns();
    }

    @Override
    public int totalOutcomes() {
        return inner.totalOutcomes();
    }

    @Override
    public boolean resetSupported() {
        return inner.resetSupported();
    }

    @Override
    public boolean asyncSupported() {
        return false;
    }

    @Override
    public void reset() {
        inner.reset();
    }

    @Override
    public int batch() {
        return inner.batch();
    }

    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) {
        inner.setPreProcessor(preProcessor);
    }

    @Override
    public DataSetPreProcessor getPreProcessor() {
        return inner.getPreProcessor();
    }

    @Override
    public List<String> getLabels() {
        return inner.getLabels();
    }
}
