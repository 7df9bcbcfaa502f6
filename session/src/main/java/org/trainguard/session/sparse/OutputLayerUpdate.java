package org.trainguard.session.sparse;

import java.nio.FloatBuffer;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.regularization.L1Regularization;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;

/** The output layer's update in {@link FastTextTrainingStep}, with DL4J's formulas, on the network's own buffers. */
final class OutputLayerUpdate {
    private final Layer out;
    private final List<UpdaterBlock> outBlocks;
    private final long outOffset;
    private final int dim;
    private final int classes;
    private float[] w;
    private float[] g;

    OutputLayerUpdate(Layer out, List<UpdaterBlock> outBlocks, long outOffset, int dim, int classes) {
        this.out = out;
        this.outBlocks = outBlocks;
        this.outOffset = outOffset;
        this.dim = dim;
        this.classes = classes;
    }

    /**
     * @param w the layer's parameters before the step ([W | b])
     * @param g the summed gradient, turned into the update
     */
    void apply(int iteration, int epoch, int n, float[] w, float[] g, FloatBuffer params, int pBase) {
        this.w = w;
        this.g = g;
        updateOutput(iteration, epoch, n, params, pBase);
    }

    /** As DL4J's updater: divide by the batch, normalize per layer, L1/L2, optimizer, weight decay, subtract. */
    private void updateOutput(int iteration, int epoch, int n, FloatBuffer params, int pBase) {
        float b = n;
        for (int k = 0; k < g.length; k++) {
            g[k] /= b;
        }
        int wb = dim * classes;
        org.deeplearning4j.nn.conf.layers.BaseLayer conf =
                (org.deeplearning4j.nn.conf.layers.BaseLayer) out.conf().getLayer();
        GradientNormalization gn = conf.getGradientNormalization();
        double threshold = conf.getGradientNormalizationThreshold();
        if (gn != null) {
            switch (gn) {
                case RenormalizeL2PerLayer -> renormalize(0, g.length);
                case RenormalizeL2PerParamType -> {
                    renormalize(0, wb);
                    renormalize(wb, g.length);
                }
                case ClipL2PerLayer -> clip(0, g.length, threshold);
                case ClipL2PerParamType -> {
                    clip(0, wb, threshold);
                    clip(wb, g.length, threshold);
                }
                case ClipElementWiseAbsoluteValue -> {
                    float t = (float) threshold;
                    for (int k = 0; k < g.length; k++) {
                        g[k] = Math.max(-t, Math.min(t, g[k]));
                    }
                }
                default -> {}
            }
        }
        for (UpdaterBlock block : outBlocks) {
            int from = (int) (block.getParamOffsetStart() - outOffset);
            int to = (int) (block.getParamOffsetEnd() - outOffset);
            IUpdater u = block.getGradientUpdater().getConfig();
            double lr = u.hasLearningRate() ? u.getLearningRate(iteration, epoch) : 1.0;
            for (UpdaterBlock.ParamState ps : block.getLayersAndVariablesInBlock()) {
                regularize(Regularization.ApplyStep.BEFORE_UPDATER, ps, iteration, epoch, lr);
            }
            if (u instanceof Adam adam) {
                adam(adam, block.getUpdaterView(), from, to, iteration, lr);
            } else {
                float rate = (float) lr;
                for (int k = from; k < to; k++) {
                    g[k] *= rate;
                }
            }
            for (UpdaterBlock.ParamState ps : block.getLayersAndVariablesInBlock()) {
                regularize(Regularization.ApplyStep.POST_UPDATER, ps, iteration, epoch, lr);
            }
        }
        for (int k = 0; k < g.length; k++) {
            params.put(pBase + k, w[k] - g[k]);
        }
        // the gradient view holds the update afterwards, as after fit()
        INDArray gv = out.getGradientsViewArray();
        gv.data().asNioFloat().put((int) gv.offset(), g, 0, g.length);
    }

    private void regularize(
            Regularization.ApplyStep step, UpdaterBlock.ParamState ps, int iteration, int epoch, double lr) {
        List<Regularization> regs = out.getConfig().getRegularizationByParam(ps.getParamName());
        if (regs == null) {
            return;
        }
        int from = (int) (ps.getParamOffsetStart() - outOffset);
        int to = (int) (ps.getParamOffsetEnd() - outOffset);
        for (Regularization r : regs) {
            if (r.applyStep() != step) {
                continue;
            }
            if (r instanceof L2Regularization l2) {
                float c = (float) l2.getL2().valueAt(iteration, epoch);
                for (int k = from; k < to; k++) {
                    g[k] += c * w[k];
                }
            } else if (r instanceof L1Regularization l1) {
                float c = (float) l1.getL1().valueAt(iteration, epoch);
                for (int k = from; k < to; k++) {
                    g[k] += c * Math.signum(w[k]);
                }
            } else if (r instanceof WeightDecay d) {
                float c = (float) (d.getCoeff().valueAt(iteration, epoch) * (d.isApplyLR() ? lr : 1.0));
                for (int k = from; k < to; k++) {
                    g[k] += c * w[k];
                }
            }
        }
    }

    /** ND4J's Adam kernel, in the same float arithmetic, on the block's moments [M | V]. */
    private void adam(Adam a, INDArray state, int from, int to, int iteration, double lr) {
        float beta1 = (float) a.getBeta1();
        float beta2 = (float) a.getBeta2();
        float epsilon = (float) a.getEpsilon();
        float beta1T = (float) Math.pow(beta1, iteration + 1);
        float beta2T = (float) Math.pow(beta2, iteration + 1);
        float alpha = (float) lr * (float) Math.sqrt(1f - beta2T) / (1f - beta1T);
        if (Float.isNaN(alpha) || Float.isInfinite(alpha) || alpha == 0f) {
            alpha = epsilon;
        }
        FloatBuffer s = state.data().asNioFloat();
        int mBase = (int) state.offset();
        int size = to - from;
        int vBase = mBase + size;
        for (int k = 0; k < size; k++) {
            float gk = g[from + k];
            float m = beta1 * s.get(mBase + k) + gk * (1f - beta1);
            float v = beta2 * s.get(vBase + k) + gk * gk * (1f - beta2);
            s.put(mBase + k, m);
            s.put(vBase + k, v);
            g[from + k] = m * alpha / ((float) Math.sqrt(v) + epsilon);
        }
    }

    private void renormalize(int from, int to) {
        double l2 = norm(from, to);
        if (l2 == 0.0) {
            l2 = 1e-5;
        }
        scale(from, to, 1.0 / l2);
    }

    private void clip(int from, int to, double threshold) {
        double l2 = norm(from, to);
        if (l2 > threshold) {
            scale(from, to, threshold / l2);
        }
    }

    private double norm(int from, int to) {
        double s = 0;
        for (int k = from; k < to; k++) {
            s += (double) g[k] * g[k];
        }
        return Math.sqrt(s);
    }

    private void scale(int from, int to, double factor) {
        float f = (float) factor;
        for (int k = from; k < to; k++) {
            g[k] *= f;
        }
    }
}
