package org.trainguard.session.sparse;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.exception.DL4JInvalidInputException;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.api.TrainingConfig;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.regularization.Regularization;

/**
 * The implementation of {@link BagOfIdsEmbedding}: forward and backward passes that read and write
 * only the table rows of the ids in the batch.
 *
 * <p>Its gradient view holds the batch-averaged gradient of the touched rows and zeros elsewhere. The
 * rows written by one backward pass are zeroed by the next one (the optimizer turns them into the
 * step's update in place), so the gradient never needs a pass over the whole table. It hides gradient
 * normalization from DL4J (it applies it to the touched rows itself) and, with a row-sparse updater,
 * regularization too (the updater applies it to the touched rows).
 */
public class BagOfIdsEmbeddingLayer extends BaseLayer<BagOfIdsEmbedding> {
    private static final long serialVersionUID = 1L;

    // state of the last forward pass, needed by the backward pass
    private transient int[] ids;
    private transient float[] weights;
    private transient int batch;
    private transient int length;

    // per-row scratch for the backward pass; slotOfRow is -1 for rows not in the current batch
    private transient int[] slotOfRow;
    private transient int[] rows;
    private transient float[] rowGradients;
    private transient int[] lastRows = new int[0];
    private transient int lastCount;
    private transient boolean gradientKnownZeroOutsideLastRows;

    private final transient TouchedRows touched = new TouchedRows(this);
    private transient BoundUpdater boundUpdater;
    private transient TrainingConfig trainingConfig;

    /**
     * @param conf the layer's configuration
     * @param dataType the network's data type (FLOAT)
     */
    public BagOfIdsEmbeddingLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    String layerName() {
        String name = layerConf().getLayerName();
        return name == null ? String.valueOf(getIndex()) : name;
    }

    /**
     * The rows the last backward pass wrote, in order of first appearance in the batch.
     *
     * @return a copy of the row indices
     */
    public int[] touchedRows() {
        return Arrays.copyOf(lastRows, lastCount);
    }

    boolean rowSparseUpdater() {
        return layerConf().getIUpdater() instanceof RowSparseUpdater;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        readInput();
        int dim = (int) layerConf().getNOut();
        INDArray table = getParam(BagOfIdsParamInitializer.WEIGHT_KEY);
        FloatBuffer t = table.data().asNioFloat();
        int tBase = (int) table.offset();
        float[] out = new float[batch * dim];
        float[] sum = new float[dim];
        // a row is copied out in bulk: element-wise reads of a direct buffer are several times slower
        float[] row = new float[dim];
        for (int i = 0; i < batch; i++) {
            Arrays.fill(sum, 0f);
            float total = 0f;
            for (int p = i * length, end = p + length; p < end; p++) {
                float m = weights[p];
                if (m == 0f) {
                    continue;
                }
                total += m;
                t.get(tBase + ids[p] * dim, row, 0, dim);
                if (m == 1f) {
                    for (int j = 0; j < dim; j++) {
                        sum[j] += row[j];
                    }
                } else {
                    for (int j = 0; j < dim; j++) {
                        sum[j] += m * row[j];
                    }
                }
            }
            if (total != 0f) {
                for (int j = 0; j < dim; j++) {
                    out[i * dim + j] = sum[j] / total;
                }
            }
            // turn mask values into the weight of each position in the mean, for the backward pass
            for (int p = i * length, end = p + length; p < end; p++) {
                weights[p] = total == 0f ? 0f : weights[p] / total;
            }
        }
        INDArray ret =
                workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, new long[] {batch, dim}, 'c');
        FloatBuffer r = ret.data().asNioFloat();
        r.put(r.position(), out);
        return ret;
    }

    private void readInput() {
        INDArray in = input;
        if (in.rank() == 3 && in.size(1) == 1) {
            in = in.reshape(in.ordering(), in.size(0), in.size(2));
        }
        if (in.rank() != 2) {
            throw new DL4JInvalidInputException("BagOfIdsEmbedding '" + layerName()
                    + "' expects ids of shape [batch, length], found " + Arrays.toString(input.shape()));
        }
        batch = (int) in.size(0);
        length = (int) in.size(1);
        float[] raw = floats(in);
        long rowsInTable = layerConf().getNIn();
        ids = new int[raw.length];
        for (int p = 0; p < raw.length; p++) {
            float v = raw[p];
            if (!(v >= 0 && v < rowsInTable) || v != Math.rint(v)) {
                throw new DL4JInvalidInputException("BagOfIdsEmbedding '" + layerName() + "': id " + v + " at position "
                        + p + " of the batch is not an integer in [0, " + rowsInTable + ")");
            }
            ids[p] = (int) v;
        }
        if (maskArray == null) {
            weights = new float[raw.length];
            Arrays.fill(weights, 1f);
        } else {
            if (maskArray.rank() != 2 || maskArray.size(0) != batch || maskArray.size(1) != length) {
                throw new DL4JInvalidInputException(
                        "BagOfIdsEmbedding '" + layerName() + "': mask of shape " + Arrays.toString(maskArray.shape())
                                + " does not match ids of shape [" + batch + ", " + length + "]");
            }
            weights = floats(maskArray);
        }
    }

    /** The elements in row-major order; copies through a native op only when the array is not already laid out so. */
    private static float[] floats(INDArray a) {
        INDArray f = a.castTo(DataType.FLOAT);
        if (f.ordering() != 'c' || f.isView() || f.data().length() != f.length()) {
            f = f.dup('c');
        }
        return f.data().asFloat();
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (ids == null) {
            activate(true, workspaceMgr);
        }
        int dim = (int) layerConf().getNOut();
        int tableRows = (int) layerConf().getNIn();
        float[] eps = floats(epsilon);
        if (slotOfRow == null || slotOfRow.length != tableRows) {
            slotOfRow = new int[tableRows];
            Arrays.fill(slotOfRow, -1);
            rows = new int[64];
            rowGradients = new float[64 * dim];
        }
        int count = 0;
        for (int i = 0; i < batch; i++) {
            for (int p = i * length, end = p + length; p < end; p++) {
                float w = weights[p];
                if (w == 0f) {
                    continue;
                }
                int row = ids[p];
                int slot = slotOfRow[row];
                if (slot < 0) {
                    if (count == rows.length) {
                        rows = Arrays.copyOf(rows, count * 2);
                        rowGradients = Arrays.copyOf(rowGradients, count * 2 * dim);
                    }
                    slot = count++;
                    slotOfRow[row] = slot;
                    rows[slot] = row;
                    // the first occurrence sets the row (0f + x, as the sum from zero would, so -0f stays +0f)
                    for (int j = 0, g = slot * dim, e = i * dim; j < dim; j++) {
                        rowGradients[g + j] = 0f + w * eps[e + j];
                    }
                    continue;
                }
                int g = slot * dim;
                int e = i * dim;
                for (int j = 0; j < dim; j++) {
                    rowGradients[g + j] += w * eps[e + j];
                }
            }
        }
        // the layer averages over the batch itself (updaterDivideByMinibatch is false), as DL4J would
        float b = batch;
        for (int k = 0, n = count * dim; k < n; k++) {
            rowGradients[k] /= b;
        }
        RowGradientNormalization.apply(
                rowGradients,
                count * dim,
                layerConf().getGradientNormalization(),
                layerConf().getGradientNormalizationThreshold(),
                layerName());

        INDArray gradientView = gradientViews.get(BagOfIdsParamInitializer.WEIGHT_KEY);
        FloatBuffer gv = gradientView.data().asNioFloat();
        int gBase = (int) gradientView.offset();
        if (gradientKnownZeroOutsideLastRows && rowSparseUpdater()) {
            float[] zeros = new float[dim];
            for (int k = 0; k < lastCount; k++) {
                gv.put(gBase + lastRows[k] * dim, zeros, 0, dim);
            }
        } else {
            // first pass of this instance, or a dense updater that wrote every row
            gradientView.assign(0);
        }
        for (int k = 0; k < count; k++) {
            gv.put(gBase + rows[k] * dim, rowGradients, k * dim, dim);
            slotOfRow[rows[k]] = -1;
        }
        gradientKnownZeroOutsideLastRows = true;
        if (lastRows.length < count) {
            lastRows = new int[rows.length];
        }
        System.arraycopy(rows, 0, lastRows, 0, count);
        lastCount = count;
        touched.publish(rows, count);

        Gradient ret = new DefaultGradient();
        ret.gradientForVariable().put(BagOfIdsParamInitializer.WEIGHT_KEY, gradientView);
        return new Pair<>(ret, null);
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArray(
            INDArray maskArray, MaskState currentMaskState, int minibatchSize) {
        // the mask is consumed by the mean: the output has no positions left to mask
        this.maskArray = maskArray;
        this.maskState = currentMaskState;
        return null;
    }

    @Override
    public boolean updaterDivideByMinibatch(String paramName) {
        return false;
    }

    @Override
    public double calcRegularizationScore(boolean backpropParamsOnly) {
        // a row-sparse updater regularizes lazily; a whole-table score would cost a pass per step
        return rowSparseUpdater() ? 0.0 : super.calcRegularizationScore(backpropParamsOnly);
    }

    @Override
    public TrainingConfig getConfig() {
        if (trainingConfig == null) {
            trainingConfig = new SparseTrainingConfig();
        }
        return trainingConfig;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public boolean hasBias() {
        return false;
    }

    @Override
    public Type type() {
        return Type.FEED_FORWARD;
    }

    @Override
    public void clear() {
        super.clear();
        ids = null;
        weights = null;
    }

    @Override
    protected void applyDropOutIfNecessary(boolean training, LayerWorkspaceMgr workspaceMgr) {
        // ids cannot be dropped out; the configuration refuses dropout on this layer
    }

    /** @return the regularization that a row-sparse updater applies lazily to the touched rows */
    List<Regularization> tableRegularization() {
        List<Regularization> l = layerConf().getRegularizationByParam(BagOfIdsParamInitializer.WEIGHT_KEY);
        return l == null ? List.of() : l;
    }

    /**
     * What DL4J's updater sees of this layer: no gradient normalization (done here), no
     * regularization when the table's updater applies it lazily, and an updater bound to this layer
     * instance so it learns which rows were touched.
     */
    private final class SparseTrainingConfig implements TrainingConfig {
        @Override
        public String getLayerName() {
            return layerConf().getLayerName();
        }

        @Override
        public List<Regularization> getRegularizationByParam(String paramName) {
            return rowSparseUpdater() ? List.of() : layerConf().getRegularizationByParam(paramName);
        }

        @Override
        public boolean isPretrainParam(String paramName) {
            return false;
        }

        @Override
        public IUpdater getUpdaterByParam(String paramName) {
            IUpdater u = layerConf().getUpdaterByParam(paramName);
            if (u instanceof RowSparseUpdater s) {
                if (boundUpdater == null || boundUpdater.settings() != s) {
                    boundUpdater = new BoundUpdater(s, touched);
                }
                return boundUpdater;
            }
            return u;
        }

        @Override
        public GradientNormalization getGradientNormalization() {
            return GradientNormalization.None;
        }

        @Override
        public double getGradientNormalizationThreshold() {
            return layerConf().getGradientNormalizationThreshold();
        }

        @Override
        public void setDataType(DataType dataType) {
            layerConf().setDataType(dataType);
        }
    }
}
