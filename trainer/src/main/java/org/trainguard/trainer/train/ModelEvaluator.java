package org.trainguard.trainer.train;

import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.trainguard.trainer.eval.EvalAccumulator;
import org.trainguard.trainer.eval.EvalResult;
import org.trainguard.trainer.eval.Evaluator;
import org.trainguard.trainer.features.FeaturizedData;

/** Runs a network over labeled featurized data and computes the metrics. */
public final class ModelEvaluator {

    private final Evaluator evaluator;
    private final int batchSize;

    /**
     * @param labels the classes
     * @param allowLabel the class index of the allow label
     * @param harmfulLabels the class indices of the harmful labels
     * @param batchSize examples per forward pass
     */
    public ModelEvaluator(List<String> labels, int allowLabel, int[] harmfulLabels, int batchSize) {
        this.evaluator = new Evaluator(labels, allowLabel, harmfulLabels);
        this.batchSize = batchSize;
    }

    /**
     * @param net the network
     * @param data the examples
     * @param step the step to record
     * @param perBatch called after each batch (heartbeat)
     * @return the metrics
     */
    public EvalResult evaluate(MultiLayerNetwork net, FeaturizedData data, long step, Runnable perBatch) {
        EvalAccumulator acc = evaluator.accumulator();
        int[] order = Batches.identity(data.size());
        int classes = evaluator.labels().size();
        for (int from = 0; from < data.size(); from += batchSize) {
            int to = Math.min(data.size(), from + batchSize);
            DataSet ds = Batches.batch(data.ids(), data.labels(), order, from, to, classes);
            INDArray probs = net.output(ds.getFeatures(), false, ds.getFeaturesMaskArray(), null);
            float[][] p = probs.toFloatMatrix();
            int[] truth = new int[p.length];
            int[] predicted = new int[p.length];
            double lossSum = 0;
            for (int i = 0; i < p.length; i++) {
                truth[i] = data.label(from + i);
                predicted[i] = argmax(p[i]);
                lossSum += -Math.log(Math.max(1e-12, p[i][truth[i]]));
            }
            acc.add(truth, predicted);
            acc.addLoss(lossSum, p.length);
            perBatch.run();
        }
        return acc.result((int) step);
    }

    /**
     * @param row probabilities
     * @return the index of the largest
     */
    public static int argmax(float[] row) {
        int best = 0;
        for (int i = 1; i < row.length; i++) {
            if (row[i] > row[best]) {
                best = i;
            }
        }
        return best;
    }
}
