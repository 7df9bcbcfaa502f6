package org.trainguard.trainer.train;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.trainguard.session.sparse.BagOfIdsDataSet;

/**
 * Turns featurized examples into DL4J batches: feature ids padded to the longest example of the
 * batch, with a mask that hides the padding from the pooling layer; the batch also carries the ids
 * as ints ({@link BagOfIdsDataSet}) for the fastText training step.
 */
public final class Batches {

    private Batches() {}

    /**
     * @param ids every example's feature ids
     * @param labels every example's class, or null for unlabeled input
     * @param order which examples, in which order
     * @param from the first position in {@code order}
     * @param to one past the last position
     * @param classes the number of classes
     * @return the batch (labels absent when {@code labels} is null)
     */
    public static DataSet batch(int[][] ids, int[] labels, int[] order, int from, int to, int classes) {
        int n = to - from;
        int len = 1;
        for (int i = from; i < to; i++) {
            len = Math.max(len, ids[order[i]].length);
        }
        // written a row at a time straight into the arrays' memory: no batch-sized copies on the heap
        INDArray f = Nd4j.createUninitialized(DataType.FLOAT, new long[] {n, len}, 'c');
        INDArray m = Nd4j.createUninitialized(DataType.FLOAT, new long[] {n, len}, 'c');
        FloatBuffer fb = f.data().asNioFloat();
        FloatBuffer mb = m.data().asNioFloat();
        int fBase = (int) f.offset();
        int mBase = (int) m.offset();
        float[] row = new float[len];
        float[] maskRow = new float[len];
        float[] oneHot = labels == null ? null : new float[n * classes];
        int[][] examples = new int[n][];
        int filled = 0;
        for (int r = 0; r < n; r++) {
            int[] x = ids[order[from + r]];
            examples[r] = x;
            for (int j = 0; j < x.length; j++) {
                row[j] = x[j];
            }
            Arrays.fill(row, x.length, len, 0f);
            if (x.length > filled) {
                Arrays.fill(maskRow, filled, x.length, 1f);
            } else {
                Arrays.fill(maskRow, x.length, filled, 0f);
            }
            filled = x.length;
            fb.put(fBase + r * len, row, 0, len);
            mb.put(mBase + r * len, maskRow, 0, len);
            if (oneHot != null) {
                oneHot[r * classes + labels[order[from + r]]] = 1f;
            }
        }
        INDArray l = oneHot == null ? null : array(oneHot, n, classes);
        return new BagOfIdsDataSet(f, l, m, examples);
    }

    /**
     * A new row-major array holding {@code values}: an uninitialized array filled by one bulk copy, about
     * twice as fast as {@code Nd4j.create(float[], ...)} for a batch of ids, which matters at thousands of
     * steps a minute.
     */
    static INDArray array(float[] values, long rows, long columns) {
        INDArray a = Nd4j.createUninitialized(DataType.FLOAT, new long[] {rows, columns}, 'c');
        a.data().asNioFloat().put((int) a.offset(), values, 0, values.length);
        return a;
    }

    /**
     * @param n how many
     * @return 0..n-1
     */
    public static int[] identity(int n) {
        int[] o = new int[n];
        for (int i = 0; i < n; i++) {
            o[i] = i;
        }
        return o;
    }
}
