package org.trainguard.session;

import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;

/**
 * One optimizer step from several batches ({@code training.gradient_accumulation_steps}), on DL4J's
 * standard {@code fit} path: the first batches only compute their gradients, which are summed; the
 * last batch goes through {@code MultiLayerNetwork.fit}, and just before DL4J's updater runs (its
 * {@code onGradientCalculation} callback) the held sum is added and the whole is scaled so that the
 * updater's division by the batch size divides by all the step's examples. Clipping, weight decay,
 * Adam, the parameter update, the listeners and the iteration counter are DL4J's own, once per step.
 * The result is the gradient of the mean loss over every example of the step, as one batch of all of
 * them would give (equal within float rounding).
 */
final class GradientAccumulation extends BaseTrainingListener {

    private final MultiLayerNetwork net;
    private INDArray held;
    private double heldScale = Double.NaN;
    private double scoreOfStep = Double.NaN;

    private GradientAccumulation(MultiLayerNetwork net) {
        this.net = net;
    }

    /**
     * @param model the network
     * @return the accumulation for it
     * @throws IllegalArgumentException for a network other than a {@link MultiLayerNetwork}
     */
    static GradientAccumulation of(Model model) {
        if (!(model instanceof MultiLayerNetwork mln)) {
            throw new IllegalArgumentException(
                    "gradient accumulation (gradientAccumulationSteps > 1) supports a MultiLayerNetwork, found "
                            + model.getClass().getSimpleName());
        }
        GradientAccumulation a = new GradientAccumulation(mln);
        mln.addListeners(a);
        return a;
    }

    /**
     * One optimizer step from these batches.
     *
     * @param batches one or more batches, in data order
     */
    void fit(List<DataSet> batches) {
        DataSet last = batches.get(batches.size() - 1);
        if (batches.size() == 1) {
            net.fit(last);
            return;
        }
        long examples = 0;
        double scoreSum = 0;
        for (int i = 0; i < batches.size() - 1; i++) {
            DataSet b = batches.get(i);
            net.setInput(b.getFeatures());
            net.setLabels(b.getLabels());
            net.setLayerMaskArrays(b.getFeaturesMaskArray(), b.getLabelsMaskArray());
            net.computeGradientAndScore();
            if (held == null) {
                // DL4J makes the gradient view at the first backward pass
                held = net.getGradientsViewArray().dup();
            } else if (i == 0) {
                held.assign(net.getGradientsViewArray());
            } else {
                held.addi(net.getGradientsViewArray());
            }
            scoreSum += net.score() * b.numExamples();
            examples += b.numExamples();
            net.clearLayerMaskArrays();
            net.clearLayersStates();
        }
        long all = examples + last.numExamples();
        // DL4J's updater divides by the last batch's size; the step's gradient is the sum over all examples
        heldScale = (double) last.numExamples() / all;
        scoreOfStep = scoreSum;
        try {
            net.fit(last);
        } finally {
            heldScale = Double.NaN;
        }
    }

    /** Adds the held gradients before DL4J's updater sees the last batch's. */
    @Override
    public void onGradientCalculation(Model model) {
        if (Double.isNaN(heldScale)) {
            return;
        }
        INDArray view = net.getGradientsViewArray();
        view.addi(held).muli(heldScale);
        // the step's score: every batch's score (mean loss plus the same regularization) weighed by its examples
        long lastExamples = net.getInput().size(0);
        double all = lastExamples / heldScale;
        net.setScore((scoreOfStep + net.score() * lastExamples) / all);
    }

    /** Stops listening to the network. */
    void close() {
        net.getListeners().remove(this);
    }
}
