package org.trainguard.session.sparse;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The table's part of {@link FastTextTrainingStep}: the masked mean of the batch's rows, their
 * gradients, and the row-sparse optimizer's update, read from and written to the network's own
 * parameter and updater-state buffers a row at a time, through float buffers over their native memory
 * (no copy of the table). It computes what {@link BagOfIdsEmbeddingLayer}'s passes and {@link LazyAdam} or
 * {@link SparseSgd} compute, fused into one pass per touched row, and leaves the layer's gradient view
 * alone (nothing reads it between steps).
 *
 * <p>The batch's distinct rows ({@link BatchRows}) are first copied, in increasing row order, into a compact array that the
 * forward pass and the update read (a batch of AG News touches about 8,000 of 131,072 rows: reading each
 * once and in address order costs far fewer cache misses than reading a row per position); the update
 * writes each row back once, again in increasing order.
 *
 * <p>The work is split into {@link #PARTS} fixed parts (examples for the forward pass, touched rows for
 * the rest) that run on two threads when the machine has two cores ({@link Parts}: each part is run by
 * whichever thread is free first). The split does not depend on the threads: each row's sum runs over the batch's positions in order, whichever thread computes it, and
 * the gradient norm adds the parts' sums in a fixed order, so a run is the same on any machine and a
 * resumed run continues exactly.
 */
final class TableStep {
    /** Fixed number of parts the work is split into. */
    static final int PARTS = Parts.COUNT;

    private final BagOfIdsEmbeddingLayer table;
    private final UpdaterBlock block;
    private final RowSparseUpdater optimizer;
    private final int dim;

    // the batch's ids, weights and touched rows
    private final BatchRows batch;
    // by slot: the rows' gradients, parameters and (Adam) moments, copied out of the network's buffers
    private float[] gradients = new float[64];
    private float[] rowCopy = new float[64];
    private float[] mCopy = new float[64];
    private float[] vCopy = new float[64];
    private final double[] squares = new double[PARTS];

    /**
     * @param net a network
     * @return whether its parameter and updater-state buffers can be indexed with an int, as a float buffer
     *     is (tables of up to 2^31 floats, 8 GB, per buffer)
     */
    static boolean fits(org.deeplearning4j.nn.multilayer.MultiLayerNetwork net) {
        INDArray state = net.getUpdater(true) == null ? null : net.getUpdater().getStateViewArray();
        return net.params().data().length() <= Integer.MAX_VALUE
                && (state == null || state.data().length() <= Integer.MAX_VALUE);
    }

    TableStep(BagOfIdsEmbeddingLayer table, UpdaterBlock block) {
        this.table = table;
        this.block = block;
        this.optimizer = ((RowSparseGradientUpdater<?>) block.getGradientUpdater()).getConfig();
        INDArray w = table.getParam(BagOfIdsParamInitializer.WEIGHT_KEY);
        this.dim = (int) w.size(1);
        this.batch = new BatchRows(table.layerName(), (int) w.size(0));
    }

    /**
     * The masked mean of each example's rows.
     *
     * @param input the batch: ids [batch, length] (or [batch, 1, length]) with their mask (1 for a position
     *     that counts, 0 for padding; absent when all count), or a {@link BagOfIdsDataSet}'s ints
     * @param x receives the means, [batch, dim] row-major; at least batch * dim long
     * @return the batch size
     */
    int forward(org.nd4j.linalg.dataset.api.DataSet input, float[] x) {
        batch.read(input);
        int n = batch.n;
        int count = batch.count;
        // room for the copies of every touched row
        if (gradients.length < count * dim) {
            int size = batch.sorted.length * dim;
            gradients = new float[size];
            rowCopy = new float[size];
            mCopy = new float[size];
            vCopy = new float[size];
        }
        INDArray param = table.getParam(BagOfIdsParamInitializer.WEIGHT_KEY);
        FloatBuffer t = buffer(param);
        int tBase = (int) param.offset();
        INDArray state = block.getUpdaterView();
        boolean moments = optimizer instanceof LazyAdam;
        boolean firstMoment = optimizer instanceof LazyAdam a && a.keepsFirstMoment();
        FloatBuffer st = moments ? buffer(state) : null;
        int mBase = moments ? (int) state.offset() : 0;
        int vBase = mBase + (int) param.length();
        int[] sorted = batch.sorted;
        int[] rowParts = split(count);
        Parts.run(part -> {
            batch.assignSlots(part);
            for (int k = rowParts[part]; k < rowParts[part + 1]; k++) {
                int first = sorted[k] * dim;
                int c = k * dim;
                t.get(tBase + first, rowCopy, c, dim);
                if (firstMoment) {
                    st.get(mBase + first, mCopy, c, dim);
                }
                if (moments) {
                    st.get(vBase + first, vCopy, c, dim);
                }
            }
        });
        float[] weights = batch.weights;
        int[] slotAt = batch.slotAt;
        int[] start = batch.start;
        int[] bounds = split(n);
        Parts.run(part -> {
            for (int i = bounds[part]; i < bounds[part + 1]; i++) {
                float total = 0f;
                for (int p = start[i], end = start[i + 1]; p < end; p++) {
                    total += weights[p];
                }
                RowSums.mean(rowCopy, dim, slotAt, weights, start[i], start[i + 1], total, x, i * dim);
                // each position's weight in the mean, for the backward pass
                for (int p = start[i], end = start[i + 1]; p < end; p++) {
                    weights[p] = total == 0f ? 0f : weights[p] / total;
                }
            }
        });
        return n;
    }

    /**
     * Gradients of the touched rows from the gradient of the means, averaged over the batch, then the
     * optimizer's update of those rows, as the layer's backward pass and its row-sparse updater would.
     *
     * @param eps the loss gradient of each mean, [batch, dim] row-major
     * @param iteration the step's iteration
     * @param epoch the step's epoch
     */
    void backwardAndUpdate(float[] eps, int iteration, int epoch) {
        float[] weights = batch.weights;
        int[] slotAt = batch.slotAt;
        int[] exampleOf = batch.exampleOf;
        int[][] positionsOfPart = batch.positionsOfPart;
        int[][] positionCount = batch.positionCount;
        int[] bounds = split(batch.count);
        int[] halves = batch.positionHalves();
        float b = batch.n;
        boolean needsNorm = needsNorm(table.layerConf().getGradientNormalization());
        Parts.run(part -> {
            int from = bounds[part];
            int to = bounds[part + 1];
            Arrays.fill(gradients, from * dim, to * dim, 0f);
            int[] mine = positionsOfPart[part];
            for (int half = 0; half < PARTS; half++) {
                RowSums.scatter(
                        gradients,
                        dim,
                        mine,
                        halves[half],
                        halves[half] + positionCount[half][part],
                        slotAt,
                        exampleOf,
                        weights,
                        eps);
            }
            if (needsNorm) {
                double s = 0;
                for (int k = from * dim, end = to * dim; k < end; k++) {
                    float v = gradients[k] / b;
                    gradients[k] = v;
                    s += (double) v * v;
                }
                squares[part] = s;
            }
        });
        double sumOfSquares = 0;
        for (double s : squares) {
            sumOfSquares += s;
        }
        // without a norm to compute, each row's sum is divided by the batch size just before its update
        update(bounds, Math.sqrt(sumOfSquares), needsNorm ? 1f : b, iteration, epoch);
        batch.releaseRows();
    }

    /** Whether the gradient normalization needs the L2 norm of the table's whole gradient. */
    private static boolean needsNorm(GradientNormalization gn) {
        return gn == GradientNormalization.RenormalizeL2PerLayer
                || gn == GradientNormalization.RenormalizeL2PerParamType
                || gn == GradientNormalization.ClipL2PerLayer
                || gn == GradientNormalization.ClipL2PerParamType;
    }

    private void update(int[] bounds, double l2, float divisor, int iteration, int epoch) {
        GradientNormalization gn = table.layerConf().getGradientNormalization();
        double threshold = table.layerConf().getGradientNormalizationThreshold();
        float scale = 1f;
        float clip = Float.POSITIVE_INFINITY;
        if (gn != null) {
            switch (gn) {
                case None -> {}
                case RenormalizeL2PerLayer, RenormalizeL2PerParamType ->
                    scale = (float) (1.0 / (l2 == 0.0 ? 1e-5 : l2));
                case ClipL2PerLayer, ClipL2PerParamType -> scale = l2 > threshold ? (float) (threshold / l2) : 1f;
                case ClipElementWiseAbsoluteValue -> clip = (float) threshold;
                default ->
                    throw new IllegalStateException("BagOfIdsEmbedding '" + table.layerName()
                            + "': gradient normalization " + gn + " is not supported");
            }
        }
        double lr = optimizer.getLearningRate(iteration, epoch);
        float[] reg = RowSparseGradientUpdater.regularization(table, iteration, epoch, lr);
        RowUpdate u = new RowUpdate(scale, clip, reg[0], reg[1], reg[2], optimizer, iteration, lr);
        INDArray param = table.getParam(BagOfIdsParamInitializer.WEIGHT_KEY);
        FloatBuffer p = buffer(param);
        int pBase = (int) param.offset();
        INDArray state = block.getUpdaterView();
        FloatBuffer s = u.adam() ? buffer(state) : null;
        int mBase = s == null ? 0 : (int) state.offset();
        int vBase = mBase + (int) param.length();
        int[] sorted = batch.sorted;
        boolean firstMoment = u.firstMoment();
        Parts.run(part -> {
            for (int k = bounds[part]; k < bounds[part + 1]; k++) {
                int c = k * dim;
                if (divisor != 1f) {
                    for (int j = c, end = c + dim; j < end; j++) {
                        gradients[j] = gradients[j] / divisor;
                    }
                }
                u.row(gradients, rowCopy, mCopy, vCopy, c, dim);
            }
            // written back in increasing address order, a row at a time
            for (int k = bounds[part]; k < bounds[part + 1]; k++) {
                int first = sorted[k] * dim;
                int c = k * dim;
                p.put(pBase + first, rowCopy, c, dim);
                if (s != null) {
                    if (firstMoment) {
                        s.put(mBase + first, mCopy, c, dim);
                    }
                    s.put(vBase + first, vCopy, c, dim);
                }
            }
        });
    }

    /** Part k covers [bounds[k], bounds[k + 1]). */
    static int[] split(int size) {
        int[] bounds = new int[PARTS + 1];
        for (int k = 0; k <= PARTS; k++) {
            bounds[k] = (int) ((long) size * k / PARTS);
        }
        return bounds;
    }

    /**
     * The whole buffer behind an array, as a float buffer over its native memory (no copy; index with the
     * array's offset added). Bulk reads and writes of a row through it are bounds-checked and copy the row
     * in one call, about twice as fast as element-wise access.
     */
    private static FloatBuffer buffer(INDArray a) {
        if (a.dataType() != DataType.FLOAT) {
            throw new IllegalStateException("the fastText step needs FLOAT arrays, found " + a.dataType());
        }
        return a.data().asNioFloat();
    }
}
