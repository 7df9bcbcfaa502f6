package org.trainguard.trainer.train;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.JsonMappingException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.trainguard.core.checkpoint.CheckpointManifest;
import org.trainguard.core.checkpoint.CheckpointStore;
import org.trainguard.core.io.Json;
import org.trainguard.session.ModelFileException;

/**
 * Reading and verifying a {@link FinalBundle} folder: {@code bundle.json} read and checked field by field,
 * the folder checked against its {@code MANIFEST.json}.
 */
final class FinalBundleReader {

    private FinalBundleReader() {}

    /** The largest {@code MANIFEST.json} accepted; real ones are under 2 kB. */
    private static final long MAX_MANIFEST_BYTES = 1 << 20;
    /** The largest {@code bundle.json} accepted; real ones are under 1 kB. */
    private static final long MAX_BUNDLE_JSON_BYTES = 1 << 20;

    /**
     * Reads and checks {@code bundle.json}.
     *
     * @param bundleDir a bundle folder
     * @return its description
     * @throws ModelFileException when it is missing or not a valid description (the message names the
     *     file and what is wrong)
     * @throws IOException when it cannot be read
     */
    static FinalBundle.Description read(Path bundleDir) throws IOException {
        Path f = bundleDir.resolve(FinalBundle.BUNDLE_JSON);
        if (!Files.isRegularFile(f)) {
            throw new ModelFileException(bundleDir + " is not a trainguard model folder: no " + FinalBundle.BUNDLE_JSON
                    + " (point --model at a run's final/ folder)");
        }
        String fix = "; use the " + FinalBundle.BUNDLE_JSON
                + " written with this model (start the trainer again with the run's config to rebuild "
                + FinalBundle.DIR_NAME
                + "/)";
        if (Files.size(f) > MAX_BUNDLE_JSON_BYTES) {
            throw new ModelFileException(
                    f + " is " + Files.size(f) + " bytes, more than a bundle description can be" + fix);
        }
        FinalBundle.Description d;
        try {
            d = Json.mapper().readValue(Files.readAllBytes(f), FinalBundle.Description.class);
        } catch (StreamReadException e) {
            throw new ModelFileException(f + " is not valid JSON" + where(e.getLocation()) + fix);
        } catch (DatabindException e) {
            if (String.valueOf(e.getOriginalMessage()).startsWith("Unexpected end-of-input")) {
                throw new ModelFileException(f + " is not valid JSON: it ends early" + where(e.getLocation()) + fix);
            }
            Throwable cause = e.getCause();
            String what = cause instanceof IllegalArgumentException
                    ? cause.getMessage()
                    : "field " + fieldPath(e) + " is missing or has the wrong type";
            throw new ModelFileException(f + ": " + what + where(e.getLocation()) + fix);
        }
        if (d == null) {
            throw new ModelFileException(f + " is empty" + fix);
        }
        if (d.formatVersion() > FinalBundle.FORMAT_VERSION) {
            throw new ModelFileException(f + ": bundle format " + d.formatVersion()
                    + " is newer than this build supports (" + FinalBundle.FORMAT_VERSION + "); upgrade trainguard");
        }
        String problem = null;
        if (d.formatVersion() < 1) {
            problem = "format_version must be between 1 and " + FinalBundle.FORMAT_VERSION + ", found "
                    + d.formatVersion();
        } else if (d.labels() == null || d.labels().isEmpty()) {
            problem = "labels is missing or empty";
        } else if (d.labels().stream().anyMatch(l -> l == null || l.isBlank())) {
            problem = "labels holds an empty label";
        } else if (d.labels().stream().distinct().count() != d.labels().size()) {
            problem = "labels holds a label twice";
        } else if (d.features() == null) {
            problem = "features is missing";
        } else if (d.allowLabel() != null && !d.labels().contains(d.allowLabel())) {
            problem = "allow_label \"" + d.allowLabel() + "\" is not one of the labels";
        } else if (d.harmfulLabels() != null && !d.labels().containsAll(d.harmfulLabels())) {
            problem = "harmful_labels " + d.harmfulLabels() + " are not all labels";
        } else if (d.step() < 0) {
            problem = "step must be >= 0, found " + d.step();
        }
        if (problem != null) {
            throw new ModelFileException(f + ": " + problem + fix);
        }
        return d.harmfulLabels() == null || d.source() == null
                ? new FinalBundle.Description(
                        d.formatVersion(),
                        d.labels(),
                        d.features(),
                        d.allowLabel(),
                        d.harmfulLabels() == null ? List.of() : d.harmfulLabels(),
                        d.step(),
                        d.createdAt(),
                        d.trainguardVersion(),
                        d.source() == null ? FinalBundle.SOURCE_LAST : d.source())
                : d;
    }

    private static String where(JsonLocation at) {
        return at == null || at.getLineNr() < 1
                ? ""
                : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }

    private static String fieldPath(DatabindException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r :
                e instanceof JsonMappingException j ? j.getPath() : List.<JsonMappingException.Reference>of()) {
            if (r.getFieldName() != null) {
                sb.append(sb.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.length() == 0 ? "(top level)" : sb.toString();
    }

    /**
     * Checks a bundle folder against its manifest.
     *
     * @param bundleDir the folder, usually {@code <output_dir>/final}
     * @return what was found
     * @throws CheckpointStore.UnsupportedFormatException when a newer trainguard wrote it
     */
    static FinalBundle.Check check(Path bundleDir) {
        if (!Files.exists(bundleDir)) {
            return new FinalBundle.Check(FinalBundle.State.MISSING, "", false);
        }
        if (!Files.isDirectory(bundleDir)) {
            return new FinalBundle.Check(FinalBundle.State.BROKEN, bundleDir.getFileName() + " is not a folder", false);
        }
        Path manifest = bundleDir.resolve(CheckpointManifest.FILE_NAME);
        if (!Files.exists(manifest)) {
            boolean legacy = Files.isRegularFile(bundleDir.resolve(FinalBundle.BUNDLE_JSON))
                    && Files.isRegularFile(bundleDir.resolve(FinalBundle.MODEL_ZIP));
            return new FinalBundle.Check(
                    FinalBundle.State.BROKEN,
                    "no " + CheckpointManifest.FILE_NAME
                            + (legacy ? " (written by an earlier trainguard, which wrote none)" : ""),
                    legacy);
        }
        try {
            if (Files.size(manifest) > MAX_MANIFEST_BYTES) {
                return new FinalBundle.Check(
                        FinalBundle.State.BROKEN,
                        CheckpointManifest.FILE_NAME + " is " + Files.size(manifest) + " bytes, more than a bundle's "
                                + "manifest can be",
                        false);
            }
        } catch (IOException e) {
            return new FinalBundle.Check(
                    FinalBundle.State.BROKEN,
                    CheckpointManifest.FILE_NAME + " is unreadable: " + e.getMessage(),
                    false);
        }
        CheckpointStore.Verification v = new CheckpointStore(
                        bundleDir.getParent() == null ? bundleDir : bundleDir.getParent())
                .verify(bundleDir);
        if (!v.ok()) {
            return new FinalBundle.Check(FinalBundle.State.BROKEN, v.problem(), false);
        }
        List<String> listed = v.manifest().orElseThrow().files().stream()
                .map(CheckpointManifest.FileEntry::name)
                .toList();
        for (String name : listed) {
            if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals("..") || name.equals(".")) {
                return new FinalBundle.Check(
                        FinalBundle.State.BROKEN,
                        CheckpointManifest.FILE_NAME + " lists a file outside the folder",
                        false);
            }
        }
        for (String needed : List.of(FinalBundle.MODEL_ZIP, FinalBundle.BUNDLE_JSON)) {
            if (!listed.contains(needed)) {
                return new FinalBundle.Check(
                        FinalBundle.State.BROKEN, CheckpointManifest.FILE_NAME + " does not list " + needed, false);
            }
        }
        return new FinalBundle.Check(FinalBundle.State.OK, "", false);
    }
}
