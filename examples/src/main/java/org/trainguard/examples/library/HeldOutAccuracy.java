package org.trainguard.examples.library;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.DataSet;
import org.trainguard.session.TrainingHooks;

/**
 * The evaluation hook of the example: accuracy and macro F1 of the network on points it never
 * trains on. trainguard calls it every {@code evalEverySteps} steps and at the end, ranks
 * checkpoints by {@code accuracy} and keeps the best one out of rotation.
 */
public final class HeldOutAccuracy implements TrainingHooks {

    /** The metric that ranks checkpoints (greater is better). */
    public static final String ACCURACY = "accuracy";
    /** Also reported, for the session file and metrics. */
    public static final String F1_MACRO = "f1_macro";

    private final Model net;
    private final PointSet heldOut;
    private final DataSet batch;

    /**
     * @param net the network being trained (it is read, never changed)
     * @param heldOut points kept out of training
     */
    public HeldOutAccuracy(Model net, PointSet heldOut) {
        this.net = net;
        this.heldOut = heldOut;
        this.batch = heldOut.all();
    }

    @Override
    public Optional<Map<String, Double>> evaluate(EvalContext ctx) {
        return Optional.of(measure());
    }

    /**
     * Evaluates the network as it is now.
     *
     * @return {@value #ACCURACY} and {@value #F1_MACRO}
     */
    public Map<String, Double> measure() {
        Evaluation e = new Evaluation(heldOut.classes());
        e.eval(batch.getLabels(), PointClassifiers.predict(net, batch.getFeatures()));
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(ACCURACY, e.accuracy());
        m.put(F1_MACRO, e.f1());
        return m;
    }
}
