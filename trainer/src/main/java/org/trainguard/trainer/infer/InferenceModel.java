package org.trainguard.trainer.infer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.dataset.DataSet;
import org.trainguard.trainer.features.Featurizer;
import org.trainguard.trainer.train.Batches;
import org.trainguard.trainer.train.FinalBundle;
import org.trainguard.trainer.train.ModelEvaluator;

/** A trained classifier loaded from a {@code final/} folder, ready to label texts. */
public final class InferenceModel {

    /**
     * One prediction.
     *
     * @param text the input text
     * @param label the predicted class
     * @param probabilities every class's probability, in label order
     */
    public record Prediction(String text, String label, Map<String, Double> probabilities) {
    }

    private final MultiLayerNetwork net;
    private final Featurizer featurizer;
    private final FinalBundle.Description description;

    private InferenceModel(MultiLayerNetwork net, Featurizer featurizer, FinalBundle.Description description) {
        this.net = net;
        this.featurizer = featurizer;
        this.description = description;
    }

    /**
     * @param bundleDir a {@code final/} folder
     * @return the loaded model
     * @throws IOException when the folder is not a bundle or cannot be read
     */
    public static InferenceModel load(Path bundleDir) throws IOException {
        FinalBundle.Description d = FinalBundle.read(bundleDir);
        MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(bundleDir.resolve(FinalBundle.MODEL_ZIP).toFile(), false);
        return new InferenceModel(net, new Featurizer(d.features()), d);
    }

    /** @return the classes, in output order */
    public List<String> labels() {
        return description.labels();
    }

    /** @return the featurizer of this model */
    public Featurizer featurizer() {
        return featurizer;
    }

    /** @return the network */
    public MultiLayerNetwork network() {
        return net;
    }

    /** @return what the bundle records */
    public FinalBundle.Description description() {
        return description;
    }

    /**
     * @param texts texts to classify
     * @return one prediction per text, in order
     */
    public List<Prediction> predict(List<String> texts) {
        List<Prediction> out = new ArrayList<>();
        int batch = 256;
        for (int from = 0; from < texts.size(); from += batch) {
            int to = Math.min(texts.size(), from + batch);
            int[][] ids = new int[to - from][];
            for (int i = from; i < to; i++) {
                ids[i - from] = featurizer.featurize(texts.get(i));
            }
            DataSet ds = Batches.batch(ids, null, Batches.identity(ids.length), 0, ids.length, labels().size());
            float[][] p = net.output(ds.getFeatures(), false, ds.getFeaturesMaskArray(), null).toFloatMatrix();
            for (int i = 0; i < p.length; i++) {
                Map<String, Double> probs = new LinkedHashMap<>();
                for (int c = 0; c < p[i].length; c++) {
                    probs.put(labels().get(c), (double) p[i][c]);
                }
                out.add(new Prediction(texts.get(from + i), labels().get(ModelEvaluator.argmax(p[i])), probs));
            }
        }
        return out;
    }
}
