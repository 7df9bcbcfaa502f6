package org.trainguard.trainer.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainguard.core.checkpoint.CheckpointManifest;
import org.trainguard.core.checkpoint.CheckpointStore;
import org.trainguard.core.io.AtomicFiles;
import org.trainguard.core.io.Hashing;
import org.trainguard.core.io.Json;
import org.trainguard.core.run.RunLayout;
import org.trainguard.session.ModelFileException;
import org.trainguard.trainer.eval.MetricsLog;
import org.trainguard.trainer.features.FeatureSettings;

/**
 * {@code final/}: what inference needs: the model (without optimizer state), the labels, the
 * feature settings and the metrics. Committed like a checkpoint: written into a temporary folder,
 * every file fsynced, a {@code MANIFEST.json} of sizes and SHA-256 written last, verified, then
 * swapped in by a rename; an earlier {@code final/} is replaced only once the new one is complete.
 * A crash at any moment leaves either the old bundle, the new one, or none (which the next start
 * rebuilds from the last checkpoint), never half of one.
 */
public final class FinalBundle {

    private static final Logger LOG = LoggerFactory.getLogger(FinalBundle.class);

    /** The folder name inside the output folder. */
    public static final String DIR_NAME = RunLayout.FINAL;
    /** The bundle description inside the folder. */
    public static final String BUNDLE_JSON = "bundle.json";
    /** The model inside the folder. */
    public static final String MODEL_ZIP = RunLayout.MODEL_ZIP;
    /** The final evaluation inside the folder, when there was one. */
    public static final String METRICS_JSON = "metrics.json";
    /** The resolved configuration inside the folder. */
    public static final String CONFIG_YAML = "config.yaml";
    /** The bundle format this build writes and reads. */
    public static final int FORMAT_VERSION = 1;
    /**
     * For tests of the crash window: when this system property names a file, {@link #write} creates
     * that file once the new bundle is complete but not yet committed, and waits until the file is
     * deleted (at most 10 minutes), so that a test can kill the trainer at exactly that moment.
     */
    public static final String PAUSE_PROPERTY = "trainguard.test.final_pause";

    private static final String TEMP_PREFIX = "." + DIR_NAME + ".tmp-";
    private static final String OLD_PREFIX = "." + DIR_NAME + ".old-";

    private FinalBundle() {}

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
     * @param source where the model came from: {@link #SOURCE_LAST} (the run's last step),
     *     {@link #SOURCE_BEST} (the best checkpoint, {@code eval.load_best_at_end}) or
     *     {@link #SOURCE_CHECKPOINT} ({@code trainer export} of a checkpoint)
     */
    public record Description(
            int formatVersion,
            List<String> labels,
            FeatureSettings features,
            String allowLabel,
            List<String> harmfulLabels,
            long step,
            Instant createdAt,
            String trainguardVersion,
            String source) {

        /** Without a source: bundles of earlier versions, which always held the last step. */
        public Description(
                int formatVersion,
                List<String> labels,
                FeatureSettings features,
                String allowLabel,
                List<String> harmfulLabels,
                long step,
                Instant createdAt,
                String trainguardVersion) {
            this(
                    formatVersion,
                    labels,
                    features,
                    allowLabel,
                    harmfulLabels,
                    step,
                    createdAt,
                    trainguardVersion,
                    SOURCE_LAST);
        }
    }

    /** {@link Description#source()} of a bundle that holds the run's last step. */
    public static final String SOURCE_LAST = "last";
    /** {@link Description#source()} of a bundle built from the best checkpoint. */
    public static final String SOURCE_BEST = "best";
    /** {@link Description#source()} of a bundle exported from a checkpoint. */
    public static final String SOURCE_CHECKPOINT = "checkpoint";

    /** What {@link #check} found. */
    public enum State {
        /** {@code final/} verifies against its manifest. */
        OK,
        /** There is no {@code final/}. */
        MISSING,
        /** {@code final/} exists but does not verify (or has no manifest: an earlier version wrote it). */
        BROKEN
    }

    /**
     * The result of checking a bundle folder.
     *
     * @param state what was found
     * @param problem why it does not verify; empty when it does or is missing
     * @param legacy true when the folder has no manifest at all but looks like a bundle of an
     *     earlier trainguard (which wrote none)
     */
    public record Check(State state, String problem, boolean legacy) {}

    /**
     * Writes and commits the bundle.
     *
     * @param outputDir the run's output folder
     * @param net the trained network
     * @param description what to record
     * @param metrics the final evaluation as written to {@code metrics.json}, or an empty map
     * @param configYaml the resolved configuration
     * @return the bundle folder
     * @throws IOException when writing fails; an earlier bundle then stays
     */
    public static Path write(
            Path outputDir,
            MultiLayerNetwork net,
            Description description,
            Map<String, Object> metrics,
            String configYaml)
            throws IOException {
        Path target = outputDir.resolve(DIR_NAME);
        Path tmp = outputDir.resolve(
                TEMP_PREFIX + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1));
        Files.createDirectory(tmp);
        try {
            writeInto(tmp, net, description, metrics, configYaml);
            pauseForTests();
            Path old = outputDir.resolve(
                    OLD_PREFIX + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1));
            if (Files.exists(target)) {
                AtomicFiles.moveAtomically(target, old);
            }
            AtomicFiles.moveAtomically(tmp, target);
            AtomicFiles.fsyncDirectory(outputDir);
            CheckpointStore.deleteRecursively(old);
            // only now: until the new bundle is committed, an earlier write's leftovers may be all there is
            removeUnfinished(outputDir);
            return target;
        } finally {
            CheckpointStore.deleteRecursively(tmp);
        }
    }

    /**
     * Writes a bundle into a folder that does not exist yet or is empty, the same way as {@link #write}:
     * complete and verified under a temporary name beside it, then renamed into place.
     *
     * @param target the folder to create
     * @param net the network
     * @param description what to record
     * @param metrics the evaluation to write to {@code metrics.json}, or an empty map
     * @param configYaml the run's configuration, or null when it is not known
     * @return the bundle folder
     * @throws IOException when writing fails, or {@code target} exists and is not an empty folder
     */
    public static Path export(
            Path target, MultiLayerNetwork net, Description description, Map<String, Object> metrics, String configYaml)
            throws IOException {
        Path absolute = target.toAbsolutePath().normalize();
        Path parent = absolute.getParent();
        if (parent == null || absolute.getFileName() == null) {
            throw new IOException(target + " cannot be a model folder");
        }
        Files.createDirectories(parent);
        Path tmp = parent.resolve("." + absolute.getFileName() + ".tmp-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1));
        Files.createDirectory(tmp);
        try {
            writeInto(tmp, net, description, metrics, configYaml);
            if (Files.exists(absolute)) {
                // only an empty folder gets here (the caller refuses others); rename cannot replace it everywhere
                Files.delete(absolute);
            }
            AtomicFiles.moveAtomically(tmp, absolute);
            AtomicFiles.fsyncDirectory(parent);
            return absolute;
        } finally {
            CheckpointStore.deleteRecursively(tmp);
        }
    }

    private static void writeInto(
            Path tmp, MultiLayerNetwork net, Description description, Map<String, Object> metrics, String configYaml)
            throws IOException {
        AtomicFiles.writeDurably(tmp.resolve(MODEL_ZIP), out -> ModelSerializer.writeModel(net, out, false));
        AtomicFiles.writeDurably(
                tmp.resolve(BUNDLE_JSON), out -> out.write(Json.mapper().writeValueAsBytes(description)));
        if (!metrics.isEmpty()) {
            AtomicFiles.writeDurably(
                    tmp.resolve(METRICS_JSON), out -> out.write(Json.mapper().writeValueAsBytes(metrics)));
        }
        if (configYaml != null) {
            AtomicFiles.writeDurably(
                    tmp.resolve(CONFIG_YAML), out -> out.write(configYaml.getBytes(StandardCharsets.UTF_8)));
        }
        writeManifest(tmp, description);
        CheckpointStore.Verification v = new CheckpointStore(tmp.getParent()).verify(tmp);
        if (!v.ok()) {
            throw new IOException("the new bundle does not verify after writing: " + v.problem());
        }
    }

    private static void writeManifest(Path tmp, Description description) throws IOException {
        List<CheckpointManifest.FileEntry> entries = new ArrayList<>();
        try (Stream<Path> files = Files.list(tmp)) {
            for (Path f : files.sorted().toList()) {
                entries.add(
                        new CheckpointManifest.FileEntry(f.getFileName().toString(), Files.size(f), Hashing.sha256(f)));
            }
        }
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("kind", "final");
        provenance.put("source", description.source());
        provenance.put("trainguard_version", description.trainguardVersion());
        provenance.put("java", System.getProperty("java.version"));
        provenance.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        CheckpointManifest m = new CheckpointManifest(
                CheckpointManifest.FORMAT_VERSION, description.step(), Instant.now(), entries, provenance);
        byte[] json = Json.mapper().writeValueAsBytes(m);
        AtomicFiles.writeDurably(tmp.resolve(CheckpointManifest.FILE_NAME), out -> out.write(json));
        AtomicFiles.fsyncDirectory(tmp);
    }

    private static void pauseForTests() {
        String marker = System.getProperty(PAUSE_PROPERTY);
        if (marker == null || marker.isBlank()) {
            return;
        }
        Path f = Path.of(marker);
        try {
            Files.writeString(f, "paused before committing " + DIR_NAME + "/\n");
            long deadline = System.nanoTime() + 600_000_000_000L;
            while (Files.exists(f) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        } catch (IOException e) {
            LOG.warn("{} is set but {} cannot be written: {}", PAUSE_PROPERTY, f, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Removes what a process that died while writing a bundle left behind: the temporary folder of
     * an unfinished bundle, and an earlier bundle that was being replaced.
     *
     * @param outputDir the run's output folder
     */
    public static void removeUnfinished(Path outputDir) {
        if (!Files.isDirectory(outputDir)) {
            return;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(outputDir, "." + DIR_NAME + ".*")) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (name.startsWith(TEMP_PREFIX) || name.startsWith(OLD_PREFIX)) {
                    CheckpointStore.deleteRecursively(p);
                    LOG.info("removed {} left by an unfinished write of {}/", name, DIR_NAME);
                }
            }
        } catch (IOException e) {
            LOG.warn("could not remove unfinished {}/ writes in {}: {}", DIR_NAME, outputDir, e.toString());
        }
    }

    /**
     * The evaluation recorded at a step in a run's {@code metrics.jsonl}, as {@code metrics.json} holds it.
     *
     * @param metricsJsonl the run's metrics file
     * @param step the step
     * @return the evaluation, or an empty map when there is none (or the file cannot be read, which is logged)
     */
    public static Map<String, Object> evaluationAt(Path metricsJsonl, long step) {
        try {
            List<Map<String, Object>> lines = Files.exists(metricsJsonl) ? MetricsLog.read(metricsJsonl) : List.of();
            for (int i = lines.size() - 1; i >= 0; i--) {
                Map<String, Object> m = lines.get(i);
                if ("eval".equals(m.get("type")) && m.get("step") instanceof Number n && n.longValue() == step) {
                    Map<String, Object> copy = new LinkedHashMap<>(m);
                    copy.remove("time");
                    return copy;
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn(
                    "cannot read the evaluation at step {} from {} ({}); the bundle is written without {}",
                    step,
                    metricsJsonl,
                    e.toString(),
                    METRICS_JSON);
        }
        return Map.of();
    }

    /**
     * Reads and checks {@code bundle.json}.
     *
     * @param bundleDir a bundle folder
     * @return its description
     * @throws ModelFileException when it is missing or not a valid description (the message names the
     *     file and what is wrong)
     * @throws IOException when it cannot be read
     */
    public static Description read(Path bundleDir) throws IOException {
        return FinalBundleReader.read(bundleDir);
    }

    /**
     * Checks a bundle folder against its manifest.
     *
     * @param bundleDir the folder, usually {@code <output_dir>/final}
     * @return what was found
     * @throws CheckpointStore.UnsupportedFormatException when a newer trainguard wrote it
     */
    public static Check check(Path bundleDir) {
        return FinalBundleReader.check(bundleDir);
    }
}
