package org.trainguard.core.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.trainguard.core.io.Hashing;
import org.trainguard.core.io.Json;

/** Checks a checkpoint folder against its manifest: every file present with the listed size and SHA-256. */
final class CheckpointVerifier {

    private CheckpointVerifier() {}

    /**
     * @param checkpointDir the checkpoint folder
     * @return the verification result
     * @throws CheckpointStore.UnsupportedFormatException when the checkpoint was written by a newer build
     */
    static CheckpointStore.Verification verify(Path checkpointDir) {
        Path mf = checkpointDir.resolve(CheckpointManifest.FILE_NAME);
        CheckpointManifest manifest;
        try {
            manifest = Json.mapper().readValue(mf.toFile(), CheckpointManifest.class);
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            return new CheckpointStore.Verification(
                    false, "no " + CheckpointManifest.FILE_NAME + " (the write never finished)", Optional.empty());
        } catch (IOException e) {
            return new CheckpointStore.Verification(
                    false, CheckpointManifest.FILE_NAME + " is unreadable: " + Json.problem(e), Optional.empty());
        }
        if (manifest.formatVersion() > CheckpointManifest.FORMAT_VERSION) {
            throw new CheckpointStore.UnsupportedFormatException(checkpointDir + ": checkpoint format "
                    + manifest.formatVersion() + " is newer than this build supports ("
                    + CheckpointManifest.FORMAT_VERSION + "); upgrade trainguard");
        }
        if (manifest.files().isEmpty()) {
            return new CheckpointStore.Verification(
                    false, CheckpointManifest.FILE_NAME + " lists no files", Optional.of(manifest));
        }
        for (CheckpointManifest.FileEntry e : manifest.files()) {
            Path f = checkpointDir.resolve(e.name());
            try {
                if (!Files.isRegularFile(f)) {
                    return new CheckpointStore.Verification(false, e.name() + " is missing", Optional.of(manifest));
                }
                long size = Files.size(f);
                if (size != e.size()) {
                    return new CheckpointStore.Verification(
                            false,
                            e.name() + " is " + size + " bytes, the manifest says " + e.size(),
                            Optional.of(manifest));
                }
                String sha = Hashing.sha256(f);
                if (!sha.equals(e.sha256())) {
                    return new CheckpointStore.Verification(
                            false,
                            e.name() + " has sha256 " + sha.substring(0, 12) + "..., the manifest says "
                                    + e.sha256()
                                            .substring(
                                                    0, Math.min(12, e.sha256().length())) + "...",
                            Optional.of(manifest));
                }
            } catch (IOException ex) {
                return new CheckpointStore.Verification(
                        false, e.name() + " is unreadable: " + ex.getMessage(), Optional.of(manifest));
            }
        }
        return new CheckpointStore.Verification(true, "", Optional.of(manifest));
    }
}
