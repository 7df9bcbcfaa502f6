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
import org.trainguard.core.io.Hashing;
import org.trainguard.core.io.Json;
import org.trainguard.session.ModelFileException;
import org.trainguard.session.ModelReader;
import org.trainguard.trainer.features.FeatureSettings;
import org.trainguard.trainer.features.Featurizer;
import org.trainguard.trainer.train.Batches;
import org.trainguard.trainer.train.FinalBundle;
import org.trainguard.trainer.train.ModelEvaluator;

/**
 * A trained classifier loaded from a {@code final/} folder, a bundle made by {@code trainer export}, or
 * a checkpoint folder, ready to label texts.
 */
public final class InferenceModel {

    private static final Logger LOG = LoggerFactory.getLogger(InferenceModel.class);

    /**
     * One prediction.
     *
     * @param text the input text
     * @param label the predicted class
     * @param probabilities every class's probability, in label order
     */
    public record Prediction(String text, String label, Map<String, Double> probabilities) {}

    private final MultiLayerNetwork net;
    private final Featurizer featurizer;
    private final FinalBundle.Description description;
    private final Map<String, Object> runConfig;

    private InferenceModel(
            MultiLayerNetwork net,
            Featurizer featurizer,
            FinalBundle.Description description,
            Map<String, Object> runConfig) {
        this.net = net;
        this.featurizer = featurizer;
        this.description = description;
        this.runConfig = runConfig;
    }

    /**
     * Loads a bundle folder after verifying it: its manifest, then {@code bundle.json}, then
     * {@code model.zip} through {@link ModelReader} (nothing in it is Java-deserialized), then that
     * the two describe the same model. A folder an earlier trainguard wrote, without a manifest, is
     * loaded with a warning.
     *
     * A checkpoint folder is loaded as {@link #loadCheckpoint} says.
     *
     * @param bundleDir a {@code final/} folder, an exported bundle or a checkpoint folder
     * @return the loaded model
     * @throws ModelFileException when the folder is not a bundle that verifies and matches its model
     *     (the message names the path and what to do)
     * @throws IOException when it cannot be read
     */
    public static InferenceModel load(Path bundleDir) throws IOException {
        if (Files.isDirectory(bundleDir) && Files.exists(bundleDir.resolve(TrainingState.FILE_NAME))) {
            return loadCheckpoint(bundleDir);
        }
        checkFolder(bundleDir);
        FinalBundle.Check check;
        try {
            check = FinalBundle.check(bundleDir);
        } catch (CheckpointStore.UnsupportedFormatException e) {
            throw new ModelFileException(e.getMessage());
        }
        if (check.state() == FinalBundle.State.BROKEN) {
            if (!check.legacy()) {
                throw new ModelFileException(
                        bundleDir + " does not verify: " + check.problem() + "; if it is a run's final/ folder, "
                                + "start the trainer again with the run's config, which rebuilds it from the last checkpoint");
            }
            LOG.warn(
                    "{} has no {} (an earlier trainguard wrote it), so its files cannot be verified; start the trainer again with "
                            + "the run's config to rebuild it with one",
                    bundleDir,
                    CheckpointManifest.FILE_NAME);
        }
        FinalBundle.Description d = FinalBundle.read(bundleDir);
        MultiLayerNetwork net = ModelReader.readMultiLayerNetwork(bundleDir.resolve(FinalBundle.MODEL_ZIP), false);
        checkMatch(bundleDir, d, net, bundleDir.resolve(FinalBundle.BUNDLE_JSON));
        return new InferenceModel(net, new Featurizer(d.features()), d, Map.of());
    }

    /**
     * Loads the model of a checkpoint folder after verifying it against its manifest. The labels and
     * feature settings come from the run's configuration that the manifest records; a checkpoint
     * without one (written through the library API) takes them from the {@code final/} folder of its
     * run, when that verifies. Either must match the fingerprints in {@code training_state.json}.
     * {@code model.zip} is read through {@link ModelReader}, without its optimizer state.
     *
     * @param checkpointDir a {@code checkpoint-<step>} folder
     * @return the loaded model; {@link FinalBundle.Description#source()} is {@link FinalBundle#SOURCE_CHECKPOINT}
     * @throws ModelFileException when the folder does not verify or does not say what its model means
     *     (the message names the path and what to do)
     * @throws IOException when it cannot be read
     */
    public static InferenceModel loadCheckpoint(Path checkpointDir) throws IOException {
        Path dir = checkpointDir.toAbsolutePath().normalize();
        String other =
                "; use another checkpoint of the run (trainer checkpoints verify --config FILE shows which verify)";
        if (!Files.isDirectory(dir)) {
            throw new ModelFileException(checkpointDir + (Files.exists(dir) ? " is not a folder" : " does not exist")
                    + "; point it at a checkpoint-<step> folder of a run");
        }
        Path mf = dir.resolve(CheckpointManifest.FILE_NAME);
        if (!Files.isRegularFile(mf)) {
            throw new ModelFileException(checkpointDir + " is not a committed checkpoint: it has no "
                    + CheckpointManifest.FILE_NAME + " (its write never finished)" + other);
        }
        if (Files.size(mf) > MAX_JSON_BYTES) {
            throw new ModelFileException(
                    mf + " is " + Files.size(mf) + " bytes, more than a checkpoint manifest can be" + other);
        }
        CheckpointStore.Verification v;
        try {
            v = new CheckpointStore(dir.getParent() == null ? dir : dir.getParent()).verify(dir);
        } catch (CheckpointStore.UnsupportedFormatException e) {
            throw new ModelFileException(e.getMessage());
        }
        if (!v.ok()) {
            throw new ModelFileException(checkpointDir + " does not verify: " + v.problem() + other);
        }
        CheckpointManifest manifest = v.manifest().orElseThrow();
        List<String> listed = manifest.files().stream()
                .map(CheckpointManifest.FileEntry::name)
                .toList();
        for (String name : listed) {
            if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals("..") || name.equals(".")) {
                throw new ModelFileException(checkpointDir + " does not verify: " + CheckpointManifest.FILE_NAME
                        + " lists a file outside the " + "folder" + other);
            }
        }
        for (String needed : List.of(FinalBundle.MODEL_ZIP, TrainingState.FILE_NAME)) {
            if (!listed.contains(needed)) {
                throw new ModelFileException(checkpointDir + " does not verify: " + CheckpointManifest.FILE_NAME
                        + " does not list " + needed + other);
            }
        }
        Path tsFile = dir.resolve(TrainingState.FILE_NAME);
        if (Files.size(tsFile) > MAX_JSON_BYTES) {
            throw new ModelFileException(
                    tsFile + " is " + Files.size(tsFile) + " bytes, more than a training state can be" + other);
        }
        TrainingState ts;
        try {
            ts = Json.mapper().readValue(Files.readAllBytes(tsFile), TrainingState.class);
        } catch (IOException e) {
            throw new ModelFileException(
                    tsFile + " is not a valid training state: " + firstLine(e.getMessage()) + other);
        }
        Map<String, Object> config = runConfig(manifest);
        FinalBundle.Description d = config.isEmpty()
                ? fromFinalBeside(checkpointDir, dir, manifest)
                : describe(checkpointDir, config, manifest);
        checkFingerprints(checkpointDir, d, ts, config.isEmpty());
        MultiLayerNetwork net = ModelReader.readMultiLayerNetwork(dir.resolve(FinalBundle.MODEL_ZIP), false);
        checkMatch(checkpointDir, d, net, mf);
        return new InferenceModel(net, new Featurizer(d.features()), d, config);
    }

    /** The largest manifest or training state read; real ones are a few kB. */
    private static final long MAX_JSON_BYTES = 1 << 20;

    @SuppressWarnings("unchecked")
    private static Map<String, Object> runConfig(CheckpointManifest manifest) {
        return manifest.provenance().get("config") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /** The description of a checkpoint from the run's configuration recorded in its manifest. */
    private static FinalBundle.Description describe(
            Path checkpointDir, Map<String, Object> config, CheckpointManifest manifest) throws ModelFileException {
        try {
            List<String> labels = strings(config.get("labels"));
            Map<?, ?> model = (Map<?, ?>) config.get("model");
            Map<?, ?> f = (Map<?, ?>) model.get("features");
            FeatureSettings features = new FeatureSettings(
                    integer(f.get("buckets")),
                    integer(f.get("max_length")),
                    integer(f.get("word_ngrams")),
                    (Boolean) f.get("char_ngrams"),
                    integer(f.get("char_ngram_min")),
                    integer(f.get("char_ngram_max")),
                    (Boolean) f.get("lowercase"));
            Map<?, ?> eval = config.get("eval") instanceof Map<?, ?> e ? e : Map.of();
            String allow = eval.get("allow_label") instanceof String a ? a : null;
            List<String> harmful = eval.get("harmful_labels") == null ? List.of() : strings(eval.get("harmful_labels"));
            if (labels.isEmpty() || labels.stream().distinct().count() != labels.size()) {
                throw new IllegalArgumentException("labels is empty or holds a label twice");
            }
            return new FinalBundle.Description(
                    FinalBundle.FORMAT_VERSION,
                    labels,
                    features,
                    allow,
                    harmful,
                    manifest.step(),
                    manifest.createdAt(),
                    String.valueOf(manifest.provenance().getOrDefault("trainguard_version", "unknown")),
                    FinalBundle.SOURCE_CHECKPOINT);
        } catch (RuntimeException e) {
            throw new ModelFileException(
                    checkpointDir.resolve(CheckpointManifest.FILE_NAME) + ": the run's configuration it records is "
                            + "incomplete (" + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : ": " + e.getMessage())
                            + "); use another checkpoint of the run, or the run's final/ folder");
        }
    }

    /** A checkpoint written through the library API records no configuration: its run's final/ says what the outputs mean. */
    private static FinalBundle.Description fromFinalBeside(Path checkpointDir, Path dir, CheckpointManifest manifest)
            throws IOException {
        Path checkpoints = dir.getParent();
        Path finalDir = checkpoints == null || checkpoints.getParent() == null
                ? null
                : checkpoints.getParent().resolve(FinalBundle.DIR_NAME);
        if (finalDir == null || FinalBundle.check(finalDir).state() != FinalBundle.State.OK) {
            throw new ModelFileException(
                    checkpointDir + " records no labels or feature settings (its " + CheckpointManifest.FILE_NAME
                            + " has no config) and there is no final/ beside it that verifies"
                            + (finalDir == null ? "" : " (" + finalDir + ")")
                            + "; load it from the program that trained it");
        }
        FinalBundle.Description b = FinalBundle.read(finalDir);
        return new FinalBundle.Description(
                FinalBundle.FORMAT_VERSION,
                b.labels(),
                b.features(),
                b.allowLabel(),
                b.harmfulLabels(),
                manifest.step(),
                manifest.createdAt(),
                String.valueOf(manifest.provenance().getOrDefault("trainguard_version", "unknown")),
                FinalBundle.SOURCE_CHECKPOINT);
    }

    /** Labels and features must be those the checkpoint was trained with, as its training state's fingerprints say. */
    private static void checkFingerprints(
            Path checkpointDir, FinalBundle.Description d, TrainingState ts, boolean fromFinal)
            throws ModelFileException {
        String where =
                fromFinal ? "the run's final/bundle.json" : "the configuration in " + CheckpointManifest.FILE_NAME;
        String labels = ts.fingerprints().get("labels");
        if (labels != null && !labels.equals(Hashing.sha256(String.join("\n", d.labels())))) {
            throw new ModelFileException(checkpointDir + ": the labels in " + where + " ("
                    + String.join(", ", d.labels()) + ") are not those the checkpoint was trained with (its "
                    + TrainingState.FILE_NAME + " fingerprint differs)");
        }
        String features = ts.fingerprints().get("features");
        if (features != null && !features.equals(d.features().fingerprint())) {
            throw new ModelFileException(
                    checkpointDir + ": the feature settings in " + where + " are not those the checkpoint was "
                            + "trained with (its " + TrainingState.FILE_NAME + " fingerprint differs)");
        }
    }

    private static List<String> strings(Object o) {
        List<String> out = new ArrayList<>();
        for (Object x : (List<?>) o) {
            out.add((String) x);
        }
        return out;
    }

    private static int integer(Object o) {
        return ((Number) o).intValue();
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }

    private static void checkFolder(Path dir) throws ModelFileException {
        String point = "; point --model at a run's final/ folder or a checkpoint folder";
        if (!Files.exists(dir)) {
            throw new ModelFileException(dir + " does not exist" + point);
        }
        if (!Files.isDirectory(dir)) {
            throw new ModelFileException(dir + " is not a folder" + point + " (the folder that holds "
                    + FinalBundle.MODEL_ZIP + " and " + FinalBundle.BUNDLE_JSON + ")");
        }
        if (!Files.exists(dir.resolve(FinalBundle.BUNDLE_JSON)) && !Files.exists(dir.resolve(FinalBundle.MODEL_ZIP))) {
            boolean empty;
            try (var list = Files.list(dir)) {
                empty = list.findAny().isEmpty();
            } catch (IOException e) {
                throw new ModelFileException(dir + " cannot be read: " + e.getMessage());
            }
            throw new ModelFileException(dir
                    + (empty
                            ? " is empty"
                            : " is not a trainguard model folder (no " + FinalBundle.BUNDLE_JSON + " or "
                                    + FinalBundle.MODEL_ZIP + ")")
                    + point);
        }
    }

    /** bundle.json and model.zip must describe the same classifier: its classes and its feature ids. */
    private static void checkMatch(Path dir, FinalBundle.Description d, MultiLayerNetwork net, Path describedBy)
            throws ModelFileException {
        var conf = net.getLayerWiseConfigurations();
        String fix = "; use the " + describedBy.getFileName()
                + " written with this model (a run's final/ folder holds both)";
        if (conf.getConfs().isEmpty()
                || !(conf.getConf(conf.getConfs().size() - 1).getLayer() instanceof FeedForwardLayer out)
                || !(conf.getConf(0).getLayer() instanceof FeedForwardLayer in)) {
            throw new ModelFileException(
                    dir.resolve(FinalBundle.MODEL_ZIP) + " is not a trainguard text classifier (its first and last "
                            + "layers have no input and output sizes)");
        }
        if (out.getNOut() != d.labels().size()) {
            throw new ModelFileException(describedBy + " does not match " + FinalBundle.MODEL_ZIP + ": it lists "
                    + d.labels().size() + " labels, the model has " + out.getNOut() + " outputs" + fix);
        }
        if (in.getNIn() != d.features().buckets()) {
            throw new ModelFileException(
                    describedBy + " does not match " + FinalBundle.MODEL_ZIP + ": features.buckets is "
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

    /** @return the run's resolved configuration a checkpoint records, as a map of sections; empty for a bundle */
    public Map<String, Object> runConfig() {
        return runConfig;
    }

    /**
     * @param texts texts to classify
     * @return one prediction per text, in order
     */
    public synchronized List<Prediction> predict(List<String> texts) {
        // synchronized: a DL4J network keeps each layer's input in fields, so two threads must not run it at once
        List<Prediction> out = new ArrayList<>();
        int batch = 256;
        for (int from = 0; from < texts.size(); from += batch) {
            int to = Math.min(texts.size(), from + batch);
            int[][] ids = new int[to - from][];
            for (int i = from; i < to; i++) {
                ids[i - from] = featurizer.featurize(texts.get(i));
            }
            DataSet ds = Batches.batch(ids, null, Batches.identity(ids.length), 0, ids.length, labels().size());
            float[][] p = net.output(ds.getFeatures(), false, ds.getFeaturesMaskArray(), null)
                    .toFloatMatrix();
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
