package org.trainguard.trainer.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.trainguard.core.checkpoint.CheckpointStore;
import org.trainguard.core.io.AtomicFiles;
import org.trainguard.core.io.Json;
import org.trainguard.trainer.eval.EvalResult;
import org.trainguard.trainer.features.FeatureSettings;

/**
 * {@code final/}: what inference needs: the model (without optimizer state), the labels, the
 * feature settings and the metrics. Written into a temporary folder and swapped in by a rename, so
 * a crash never leaves half a bundle.
 */
public final class FinalBundle {

    /** The folder name inside the output folder. */
    public static final String DIR_NAME = "final";
    /** The bundle description inside the folder. */
    public static final String BUNDLE_JSON = "bundle.json";
    /** The model inside the folder. */
    public static final String MODEL_ZIP = "model.zip";
    /** The bundle format this build writes and reads. */
    public static final int FORMAT_VERSION = 1;

    private FinalBundle() {
    }

    /**
     * The content of {@code bundle.json}.
     *
     * @param formatVersion {@link #FORMAT_VERSION}
     * @param labels the classes, in output order
     * @param features the featurizer settings
     * @param allowLabel the allow label
     * @param harmfulLabels the harmful labels
     * @param step the step the model was taken at
     * @param createdAt when the bundle was written
     * @param trainguardVersion the version that wrote it
     */
    public record Description(int formatVersion, List<String> labels, FeatureSettings features, String allowLabel,
                              List<String> harmfulLabels, long step, Instant createdAt, String trainguardVersion) {
    }

    /**
     * Writes the bundle.
     *
     * @param outputDir the run's output folder
     * @param net the trained network
     * @param description what to record
     * @param metrics the final evaluation, when there is one
     * @param configYaml the resolved configuration
     * @return the bundle folder
     * @throws IOException when writing fails; an earlier bundle then stays
     */
    public static Path write(Path outputDir, MultiLayerNetwork net, Description description, EvalResult metrics, String configYaml)
            throws IOException {
        Path target = outputDir.resolve(DIR_NAME);
        Path tmp = outputDir.resolve("." + DIR_NAME + ".tmp-" + System.nanoTime());
        Files.createDirectories(tmp);
        try {
            ModelSerializer.writeModel(net, tmp.resolve(MODEL_ZIP).toFile(), false);
            AtomicFiles.writeDurably(tmp.resolve(BUNDLE_JSON), out -> out.write(Json.mapper().writeValueAsBytes(description)));
            if (metrics != null) {
                Map<String, Object> m = new LinkedHashMap<>(metrics.toMap());
                AtomicFiles.writeDurably(tmp.resolve("metrics.json"), out -> out.write(Json.mapper().writeValueAsBytes(m)));
            }
            AtomicFiles.writeDurably(tmp.resolve("config.yaml"), out -> out.write(configYaml.getBytes(StandardCharsets.UTF_8)));
            Path old = outputDir.resolve("." + DIR_NAME + ".old-" + System.nanoTime());
            if (Files.exists(target)) {
                AtomicFiles.moveAtomically(target, old);
            }
            AtomicFiles.moveAtomically(tmp, target);
            AtomicFiles.fsyncDirectory(outputDir);
            CheckpointStore.deleteRecursively(old);
            return target;
        } finally {
            CheckpointStore.deleteRecursively(tmp);
        }
    }

    /**
     * @param bundleDir a bundle folder
     * @return its description
     * @throws IOException when it cannot be read
     */
    public static Description read(Path bundleDir) throws IOException {
        Path f = bundleDir.resolve(BUNDLE_JSON);
        if (!Files.isRegularFile(f)) {
            throw new IOException(bundleDir + " is not a trainguard model folder: no " + BUNDLE_JSON
                    + " (point --model at a run's final/ folder)");
        }
        Description d = Json.mapper().readValue(f.toFile(), Description.class);
        if (d.formatVersion() > FORMAT_VERSION) {
            throw new IOException(f + ": bundle format " + d.formatVersion() + " is newer than this build supports ("
                    + FORMAT_VERSION + "); upgrade trainguard");
        }
        return d;
    }
}
