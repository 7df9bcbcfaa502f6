package org.trainguard.session.sparse;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.deeplearning4j.exception.DL4JInvalidInputException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The batch's bookkeeping for {@link TableStep}: the positions that count (ids whose weight is not 0), in
 * batch order and without padding, and the table rows they touch, each given a slot (its place among the
 * touched rows in increasing row order), with each part's positions listed so that a part's pass over the
 * batch reads only its own.
 *
 * <p>The ids come from a {@link BagOfIdsDataSet}'s ints when it has them, otherwise from the padded features
 * and mask arrays. The arrays are reused from batch to batch and grow as needed; {@link TableStep} reads them
 * directly.
 */
final class BatchRows {
    private final String layerName;
    /** Rows in the table. */
    private final int rows;

    /** Examples in the batch. */
    int n;
    /** Positions that count; example e's are [start[e], start[e + 1]). */
    int positions;

    int[] start = new int[1];
    // by position: the id, its weight in its example's mean (the mask's value until the forward pass
    // divides it by the example's total), its example and its row's slot
    int[] ids = new int[0];
    float[] weights = new float[0];
    int[] exampleOf = new int[0];
    int[] slotAt = new int[0];
    private float[] raw = new float[0];
    private float[] mask = new float[0];
    // the touched rows in increasing order (a row's slot is its place in it); slotOfRow is -1 for rows the
    // batch does not touch; rowBits marks each half's rows
    private final int[] slotOfRow;
    private final long[][] rowBits;
    int[] sorted = new int[64];
    int count;
    // by part: the positions whose rows the part updates, in increasing order; the list a half of the
    // positions makes for a part starts at that half's first position, so the lists never overlap
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
     * Reads a batch, its ids and the weight of each position, and finds the rows it touches (not yet their
     * slots: see {@link #assignSlots(int)}).
     *
     * @param batch the batch (a {@link BagOfIdsDataSet} with its ints is read from them)
     */
    void read(org.nd4j.linalg.dataset.api.DataSet batch) {
        int[][] examples = batch instanceof BagOfIdsDataSet b ? b.examples() : null;
        if (examples != null && batch.getFeatures().size(0) == examples.length) {
            readExamples(examples);
        } else {
            readArrays(batch.getFeatures(), batch.getFeaturesMaskArray());
        }
        mergeRows();
    }

    private void readExamples(int[][] examples) {
        n = examples.length;
        growStart();
        int total = 0;
        for (int e = 0; e < n; e++) {
            start[e] = total;
            total += examples[e].length;
        }
        start[n] = total;
        grow(total);
        positions = total;
        int[] halves = positionHalves();
        Parts.run(half -> {
            long[] bits = rowBits[half];
            int e = exampleAt(halves[half]);
            for (int p = halves[half], end = halves[half + 1]; p < end; p++) {
                while (p >= start[e + 1]) {
                    e++;
                }
                int id = examples[e][p - start[e]];
                if (id < 0 || id >= rows) {
                    throw new DL4JInvalidInputException("BagOfIdsEmbedding '" + layerName + "': id " + id
                            + " at position " + (p - start[e]) + " of example " + e
                            + " of the batch is not an integer in [0, " + rows + ")");
                }
                ids[p] = id;
                weights[p] = 1f;
                exampleOf[p] = e;
                bits[id >>> 6] |= 1L << id;
            }
        });
    }

    /** The example whose positions include p (the first of several when some are empty). */
    private int exampleAt(int p) {
        int e = 0;
        while (e < n - 1 && p >= start[e + 1]) {
            e++;
        }
        return e;
    }

    private void readArrays(INDArray features, INDArray maskArray) {
        INDArray in = features;
        if (in.rank() == 3 && in.size(1) == 1) {
            in = in.reshape(in.ordering(), in.size(0), in.size(2));
        }
        if (in.rank() != 2) {
            throw new DL4JInvalidInputException("BagOfIdsEmbedding '" + layerName
                    + "' expects ids of shape [batch, length], found " + Arrays.toString(features.shape()));
        }
        n = (int) in.size(0);
        int length = (int) in.size(1);
        if (maskArray != null && (maskArray.rank() != 2 || maskArray.size(0) != n || maskArray.size(1) != length)) {
            throw new DL4JInvalidInputException("BagOfIdsEmbedding '" + layerName + "': mask of shape "
                    + Arrays.toString(maskArray.shape()) + " does not match ids of shape [" + n + ", " + length
                    + "]");
        }
        int all = n * length;
        if (raw.length < all) {
            raw = new float[all];
            mask = new float[all];
        }
        rowMajorFloats(in).get(0, raw, 0, all);
        if (maskArray == null) {
            Arrays.fill(mask, 0, all, 1f);
        } else {
            rowMajorFloats(maskArray).get(0, mask, 0, all);
        }
        for (int p = 0; p < all; p++) {
            float v = raw[p];
            if (!(v >= 0 && v < rows) || v != Math.rint(v)) {
                throw new DL4JInvalidInputException("BagOfIdsEmbedding '" + layerName + "': id " + v + " at position "
                        + p + " of the batch is not an integer in [0, " + rows + ")");
            }
        }
        growStart();
        grow(all);
        int q = 0;
        long[] bits = rowBits[0];
        for (int e = 0; e < n; e++) {
            start[e] = q;
            for (int p = e * length, end = p + length; p < end; p++) {
                if (mask[p] != 0f) {
                    int id = (int) raw[p];
                    ids[q] = id;
                    weights[q] = mask[p];
                    exampleOf[q] = e;
                    bits[id >>> 6] |= 1L << id;
                    q++;
                }
            }
        }
        start[n] = q;
        positions = q;
    }

    private void growStart() {
        if (start.length < n + 1) {
            start = new int[n + 1];
        }
    }

    private void grow(int size) {
        if (ids.length < size) {
            ids = new int[size];
            weights = new float[size];
            exampleOf = new int[size];
            slotAt = new int[size];
            for (int k = 0; k < TableStep.PARTS; k++) {
                positionsOfPart[k] = new int[size];
            }
        }
    }

    /** The buffer of an array whose elements are exactly its buffer, in row-major order (a copy when they are not). */
    private static FloatBuffer rowMajorFloats(INDArray a) {
        INDArray f = a.castTo(DataType.FLOAT);
        if (f.ordering() != 'c' || f.isView() || f.data().length() != f.length()) {
            f = f.dup('c');
        }
        return f.data().asNioFloat();
    }

    /** The positions in two halves (half k covers [bounds[k], bounds[k + 1])). */
    int[] positionHalves() {
        return TableStep.split(positions);
    }

    /** The touched rows, in increasing order, from the halves' marks (which it clears). */
    private void mergeRows() {
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
    }

    /**
     * Gives one half of the positions its rows' slots and lists its positions by the part that updates
     * their rows.
     *
     * @param half which half of the positions
     */
    void assignSlots(int half) {
        int[] halves = positionHalves();
        int[] bounds = TableStep.split(count);
        int from = halves[half];
        int to = halves[half + 1];
        int[] counts = positionCount[half];
        Arrays.fill(counts, 0);
        for (int p = from; p < to; p++) {
            int slot = slotOfRow[ids[p]];
            slotAt[p] = slot;
            int part = 0;
            while (slot >= bounds[part + 1]) {
                part++;
            }
            positionsOfPart[part][from + counts[part]++] = p;
        }
    }

    /** Forgets the batch's rows (their slots), ready for the next batch. */
    void releaseRows() {
        for (int k = 0; k < count; k++) {
            slotOfRow[sorted[k]] = -1;
        }
    }
}
