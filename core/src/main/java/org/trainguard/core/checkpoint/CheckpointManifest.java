package org.trainguard.core.checkpoint;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.trainguard.core.run.RunLayout;

/**
 * The content of a checkpoint's {@code MANIFEST.json}, written last: a checkpoint exists only when
 * its manifest verifies, that is, when every listed file has the listed size and SHA-256.
 *
 * @param formatVersion the checkpoint format version, {@link #FORMAT_VERSION}
 * @param step the step the checkpoint holds
 * @param createdAt when it was written
 * @param files every file of the checkpoint besides the manifest
 * @param provenance where it came from: trainguard version, Java, OS, config, dataset fingerprint
 */
public record CheckpointManifest(
        int formatVersion, long step, Instant createdAt, List<FileEntry> files, Map<String, Object> provenance) {

    /** The checkpoint format this build writes and the newest it reads. */
    public static final int FORMAT_VERSION = 1;

    /** The name of the file inside a checkpoint folder. */
    public static final String FILE_NAME = RunLayout.MANIFEST;

    /** Defensive copies. */
    public CheckpointManifest {
        files = files == null ? List.of() : List.copyOf(files);
        provenance = provenance == null ? Map.of() : Map.copyOf(provenance);
    }

    /**
     * One file of a checkpoint.
     *
     * @param name its name inside the checkpoint folder
     * @param size its length in bytes
     * @param sha256 the hex SHA-256 of its bytes
     */
    public record FileEntry(String name, long size, String sha256) {}
}
