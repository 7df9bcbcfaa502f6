package org.trainguard.session.sparse;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.deeplearning4j.exception.DL4JInvalidInputException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The batch's bookkeeping for {@link TableStep}: its ids and mask, read and checked, and the table rows
 * it touches, each given a slot (its place among the touched rows in increasing row order), with each
 * part's positions listed so that a part's pass over the batch reads only its own.
 *
 * <p>The arrays are reused from batch to batch and grow as needed; {@link TableStep} reads them directly.
 */
final class BatchRows {
    private final String layerName;
    /** Rows in the table. */
    private final int rows;

    // the batch: ids, and each position's weight in its example's mean
    int n;
    int length;
    int[] ids = new int[0];
    private float[] raw = new float[0];
    float[] weights = new float[0];
    // the touched rows in increasing order (a row's slot is its place in it), and the slot of each
    // position (-1 when masked out); slotOfRow is -1 for rows the batch does not touch
    private final int[] slotOfRow;
    private final long[][] rowBits;
    int[] sorted = new int[64];
    int count;
    int[] slotAt = new int[0];
    // by part: the positions whose rows the part updates, in increasing order
    final int[][] positionsOfPart = new int[TableStep.PARTS][0];
    final int[][] positionCount = new int[TableStep.PARTS][TableStep.PARTS];

    /**
     * @param layerName the table's layer name, for error messages
     * @param rows the number of rows in the table
     */
    BatchRows(String layerName, int rows) {
        this.layerName = layerName;
        this.rows = rows;
        this.slotOfRow = new int[rows];
        Arrays.fill(slotOfRow, -1);
        this.rowBits = new long[TableStep.PARTS][(rows + 63) / 64];
    }

    /**
     * Reads a batch: its ids and the weight of each position (the mask, or 1), then the rows it touches.
     *
     * @param features ids, [batch, length] (or [batch, 1, length])
     * @param mask 1 for a position that counts, 0 for padding; null when all count
     */
    void read(INDArray features, INDArray mask) {
        readInput(features, mask);
        assignSlots();
    }

    private void readInput(INDArray features, INDArray mask) {
        INDArray in = features;
        if (in.rank() == 3 && in.size(1) == 1) {
            in = in.reshape(in.ordering(), in.size(0), in.size(2));
        }
        if (in.rank() != 2) {
            throw new DL4JInvalidInputException("BagOfIdsEmbedding '" + layerName
                    + "' expects ids of shape [batch, length], found " + Arrays.toString(features.shape()));
        }
        n = (int) in.size(0);
        length = (int) in.size(1);
        if (mask != null && (mask.rank() != 2 || mask.size(0) != n || mask.size(1) != length)) {
            throw new DL4JInvalidInputException("BagOfIdsEmbedding '" + layerName + "': mask of shape "
                    + Arrays.toString(mask.shape()) + " does not match ids of shape [" + n + ", " + length + "]");
        }
        int positions = n * length;
        if (ids.length < positions) {
            ids = new int[positions];
            raw = new float[positions];
            weights = new float[positions];
            slotAt = new int[positions];
            for (int k = 0; k < TableStep.PARTS; k++) {
                positionsOfPart[k] = new int[positions];
            }
        }
        FloatBuffer idBuffer = rowMajorFloats(in);
        FloatBuffer maskBuffer = mask == null ? null : rowMajorFloats(mask);
        int[] halves = positionHalves();
        TableStep.parallel(half -> {
            int from = halves[half];
            int to = halves[half + 1];
            idBuffer.get(from, raw, from, to - from);
            for (int p = from; p < to; p++) {
                float v = raw[p];
                if (!(v >= 0 && v < rows) || v != Math.rint(v)) {
                    throw new DL4JInvalidInputException("BagOfIdsEmbedding '" + layerName + "': id " + v
                            + " at position " + p + " of the batch is not an integer in [0, " + rows + ")");
                }
                ids[p] = (int) v;
            }
            if (maskBuffer == null) {
                Arrays.fill(weights, from, to, 1f);
            } else {
                maskBuffer.get(from, weights, from, to - from);
            }
        });
    }

    /** The buffer of an array whose elements are exactly its buffer, in row-major order (a copy when they are not). */
    private static FloatBuffer rowMajorFloats(INDArray a) {
        INDArray f = a.castTo(DataType.FLOAT);
        if (f.ordering() != 'c' || f.isView() || f.data().length() != f.length()) {
            f = f.dup('c');
        }
        return f.data().asNioFloat();
    }

    /** The batch's positions in two halves by example (half k covers [bounds[k], bounds[k + 1])). */
    int[] positionHalves() {
        int[] bounds = TableStep.split(n);
        for (int k = 0; k <= TableStep.PARTS; k++) {
            bounds[k] *= length;
        }
        return bounds;
    }

    private void assignSlots() {
        int[] halves = positionHalves();
        TableStep.parallel(half -> {
            long[] bits = rowBits[half];
            for (int p = halves[half], end = halves[half + 1]; p < end; p++) {
                if (weights[p] != 0f) {
                    int row = ids[p];
                    bits[row >>> 6] |= 1L << row;
                }
            }
        });
        count = 0;
        long[] first = rowBits[0];
        for (int word = 0; word < first.length; word++) {
            long bits = first[word];
            for (int k = 1; k < TableStep.PARTS; k++) {
                bits |= rowBits[k][word];
                rowBits[k][word] = 0;
            }
            first[word] = 0;
            while (bits != 0) {
                if (count == sorted.length) {
                    sorted = Arrays.copyOf(sorted, count * 2);
                }
                int row = (word << 6) + Long.numberOfTrailingZeros(bits);
                slotOfRow[row] = count;
                sorted[count++] = row;
                bits &= bits - 1;
            }
        }
        // each part's positions, in increasing order, so that a part's pass over the batch reads only its own;
        // each half of the batch lists its positions by part, and a part reads the halves' lists in order
        int[] bounds = TableStep.split(count);
        TableStep.parallel(half -> {
            int from = halves[half];
            int to = halves[half + 1];
            int[] counts = positionCount[half];
            Arrays.fill(counts, 0);
            for (int p = from; p < to; p++) {
                if (weights[p] == 0f) {
                    slotAt[p] = -1;
                    continue;
                }
                int slot = slotOfRow[ids[p]];
                slotAt[p] = slot;
                int part = 0;
                while (slot >= bounds[part + 1]) {
                    part++;
                }
                // a half's list for a part starts at the half's first position: the lists never overlap
                positionsOfPart[part][from + counts[part]++] = p;
            }
        });
    }

    /** Forgets the batch's rows (their slots), ready for the next batch. */
    void releaseRows() {
        for (int k = 0; k < count; k++) {
            slotOfRow[sorted[k]] = -1;
        }
    }
}
