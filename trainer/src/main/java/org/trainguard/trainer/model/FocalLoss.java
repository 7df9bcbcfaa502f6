package org.trainguard.trainer.model;

import java.util.Arrays;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Focal loss (Lin et al. 2017) with optional class weights, for a softmax output:
 * {@code L = -sum_c w_c y_c (1 - p_c)^gamma log p_c}. With gamma 0 it is weighted cross-entropy.
 * DL4J has no focal loss; this one serializes into DL4J's model JSON like its own losses.
 */
public final class FocalLoss implements ILossFunction {
    private static final long serialVersionUID = 1L;
    private static final double EPS = 1e-7;

    private final double gamma;
    private final double[] weights;

    /**
     * @param gamma the focusing parameter, >= 0
     * @param weights one weight per class, or an empty array for all 1
     */
    public FocalLoss(@JsonProperty("gamma") double gamma, @JsonProperty("weights") double[] weights) {
        this.gamma = gamma;
        this.weights = weights == null ? new double[0] : weights.clone();
    }

    /** @return gamma */
    @JsonProperty("gamma")
    public double getGamma() {
        return gamma;
    }

    /** @return the class weights */
    @JsonProperty("weights")
    public double[] getWeights() {
        return weights.clone();
    }

    private INDArray probabilities(INDArray preOutput, IActivation activationFn) {
        INDArray p = activationFn.getActivation(preOutput.dup(), true);
        return Transforms.max(Transforms.min(p, 1 - EPS, false), EPS, false);
    }

    private INDArray weightRow(INDArray like) {
        if (weights.length == 0) {
            return Nd4j.ones(like.dataType(), 1, like.size(1));
        }
        return Nd4j.createFromArray(weights).castTo(like.dataType()).reshape(1, weights.length);
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray p = probabilities(preOutput, activationFn);
        INDArray focal = Transforms.pow(p.rsub(1.0), gamma, true);
        INDArray perClass = Transforms.log(p, true)
                .muli(focal)
                .muli(labels)
                .muliRowVector(weightRow(p))
                .negi();
        INDArray score = perClass.sum(true, 1);
        if (mask != null) {
            score.muli(mask.reshape(mask.size(0), 1).castTo(score.dataType()));
        }
        return score;
    }

    @Override
    public double computeScore(
            INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask, boolean average) {
        double sum = computeScoreArray(labels, preOutput, activationFn, mask)
                .sumNumber()
                .doubleValue();
        return average ? sum / preOutput.size(0) : sum;
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray p = probabilities(preOutput, activationFn);
        INDArray oneMinus = p.rsub(1.0);
        // dL/dp_c = w_c y_c [ gamma (1-p_c)^(gamma-1) log p_c - (1-p_c)^gamma / p_c ]
        INDArray term1 = gamma == 0
                ? Nd4j.zerosLike(p)
                : Transforms.pow(oneMinus, gamma - 1, true)
                        .muli(Transforms.log(p, true))
                        .muli(gamma);
        INDArray term2 = Transforms.pow(oneMinus, gamma, true).divi(p);
        INDArray dLdp = term1.subi(term2).muli(labels).muliRowVector(weightRow(p));
        INDArray grad = activationFn.backprop(preOutput.dup(), dLdp).getFirst();
        if (mask != null) {
            grad.muliColumnVector(mask.reshape(mask.size(0), 1).castTo(grad.dataType()));
        }
        return grad;
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(
            INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask, boolean average) {
        return new Pair<>(
                computeScore(labels, preOutput, activationFn, mask, average),
                computeGradient(labels, preOutput, activationFn, mask));
    }

    @Override
    public String name() {
        return "focal(gamma=" + gamma + ", weights=" + Arrays.toString(weights) + ")";
    }

    @Override
    public String toString() {
        return name();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FocalLoss f && f.gamma == gamma && Arrays.equals(f.weights, weights);
    }

    @Override
    public int hashCode() {
        return 31 * Double.hashCode(gamma) + Arrays.hashCode(weights);
    }
}
