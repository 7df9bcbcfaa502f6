package org.trainguard.trainer.infer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainguard.core.checkpoint.CheckpointManifest;
import org.trainguard.core.checkpoint.CheckpointStore;
import org.trainguard.core.checkpoint.TrainingState;
import org.trainguard.session.ModelFileException;
import org.trainguard.session.ModelReader;
import org.trainguard.trainer.features.Featurizer;
import org.trainguard.trainer.train.Batches;
import org.trainguard.trainer.train.FinalBundle;
import org.trainguard.trainer.train.ModelEvaluator;

/** A trained classifier loaded from a {@code final/} folder, ready to label texts. */
public final class InferenceModel {

    private static final Logger LOG = LoggerFactory.getLogger(InferenceModel.class);

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
     * Loads a bundle folder after verifying it: its manifest, then {@code bundle.json}, then
     * {@code model.zip} through {@link ModelReader} (nothing in it is Java-deserialized), then that
     * the two describe the same model. A folder an earlier trainguard wrote, without a manifest, is
     * loaded with a warning.
     *
     * @param bundleDir a {@code final/} folder
     * @return the loaded model
     * @throws ModelFileException when the folder is not a bundle that verifies and matches its model
     *     (the message names the path and what to do)
     * @throws IOException when it cannot be read
     */
    public static InferenceModel load(Path bundleDir) throws IOException {
        checkFolder(bundleDir);
        FinalBundle.Check check;
        try {
            check = FinalBundle.check(bundleDir);
        } catch (CheckpointStore.UnsupportedFormatException e) {
            throw new ModelFileException(e.getMessage());
        }
        if (check.state() == FinalBundle.State.BROKEN) {
            if (!check.legacy()) {
                throw new ModelFileException(bundleDir + " does not verify: " + check.problem() + "; if it is a run's final/ folder, "
                        + "start the trainer again with the run's config, which rebuilds it from the last checkpoint");
            }
            LOG.warn("{} has no {} (an earlier trainguard wrote it), so its files cannot be verified; start the trainer again with "
                    + "the run's config to rebuild it with one", bundleDir, CheckpointManifest.FILE_NAME);
        }
        FinalBundle.Description d = FinalBundle.read(bundleDir);
        MultiLayerNetwork net = ModelReader.readMultiLayerNetwork(bundleDir.resolve(FinalBundle.MODEL_ZIP), false);
        checkMatch(bundleDir, d, net);
        return new InferenceModel(net, new Featurizer(d.features()), d);
    }

    private static void checkFolder(Path dir) throws ModelFileException {
        String point = "; point --model at a run's final/ folder";
        if (!Files.exists(dir)) {
            throw new ModelFileException(dir + " does not exist" + point);
        }
        if (!Files.isDirectory(dir)) {
            throw new ModelFileException(dir + " is not a folder" + point + " (the folder that holds " + FinalBundle.MODEL_ZIP + " and "
                    + FinalBundle.BUNDLE_JSON + ")");
        }
        if (Files.exists(dir.resolve(TrainingState.FILE_NAME))) {
            Path parent = dir.toAbsolutePath().getParent();
            String finalDir = parent != null && parent.getFileName() != null && parent.getFileName().toString().equals(CheckpointStore.DIR_NAME)
                    && parent.getParent() != null ? parent.getParent().resolve(FinalBundle.DIR_NAME).toString() : "<output_dir>/final";
            throw new ModelFileException(dir + " is a checkpoint folder, not a model folder; point --model at the run's final/ folder ("
                    + finalDir + "), which the trainer writes when the run completes and rebuilds from the last checkpoint at each start");
        }
        if (!Files.exists(dir.resolve(FinalBundle.BUNDLE_JSON)) && !Files.exists(dir.resolve(FinalBundle.MODEL_ZIP))) {
            boolean empty;
            try (var list = Files.list(dir)) {
                empty = list.findAny().isEmpty();
            } catch (IOException e) {
                throw new ModelFileException(dir + " cannot be read: " + e.getMessage());
            }
            throw new ModelFileException(dir + (empty ? " is empty" : " is not a trainguard model folder (no " + FinalBundle.BUNDLE_JSON
                    + " or " + FinalBundle.MODEL_ZIP + ")") + point);
        }
    }

    /** bundle.json and model.zip must describe the same classifier: its classes and its feature ids. */
    private static void checkMatch(Path dir, FinalBundle.Description d, MultiLayerNetwork net) throws ModelFileException {
        var conf = net.getLayerWiseConfigurations();
        String fix = "; use the " + FinalBundle.BUNDLE_JSON + " written with this model (a run's final/ folder holds both)";
        if (conf.getConfs().isEmpty()
                || !(conf.getConf(conf.getConfs().size() - 1).getLayer() instanceof FeedForwardLayer out)
                || !(conf.getConf(0).getLayer() instanceof FeedForwardLayer in)) {
            throw new ModelFileException(dir.resolve(FinalBundle.MODEL_ZIP) + " is not a trainguard text classifier (its first and last "
                    + "layers have no input and output sizes)");
        }
        if (out.getNOut() != d.labels().size()) {
            throw new ModelFileException(dir.resolve(FinalBundle.BUNDLE_JSON) + " does not match " + FinalBundle.MODEL_ZIP + ": it lists "
                    + d.labels().size() + " labels, the model has " + out.getNOut() + " outputs" + fix);
        }
        if (in.getNIn() != d.features().buckets()) {
            throw new ModelFileException(dir.resolve(FinalBundle.BUNDLE_JSON) + " does not match " + FinalBundle.MODEL_ZIP + ": features.buckets is "
                    + d.features().buckets() + ", the model's embedding has " + in.getNIn() + " rows" + fix);
        }
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
