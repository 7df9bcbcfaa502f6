package org.trainguard.core.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.trainguard.core.io.AtomicFiles;
import org.trainguard.core.io.Json;

/**
 * Reads and atomically writes {@code training_session.json} in a run's output folder.
 */
public final class SessionStore {

    /** The file name inside the output folder. */
    public static final String FILE_NAME = RunLayout.SESSION;
    /**
     * The file beside it that holds disk space back for the run's last session write: on a full
     * disk, {@link #writeEnd} deletes it and writes the end state into the space it freed.
     */
    public static final String RESERVE_FILE_NAME = RunLayout.SESSION_RESERVE;
    /** The size of the reserve: room for the session file's temporary copy many times over. */
    static final int RESERVE_BYTES = 256 * 1024;

    private final Path file;
    private final Path reserve;

    /**
     * @param outputDir the run's output folder
     */
    public SessionStore(Path outputDir) {
        this.file = outputDir.resolve(FILE_NAME);
        this.reserve = outputDir.resolve(RESERVE_FILE_NAME);
    }

    /** @return the session file's path */
    public Path file() {
        return file;
    }

    /**
     * Writes the state atomically: a reader sees the old or the new file, never half.
     *
     * @param state the state to write
     * @throws IOException when the file cannot be written; the previous file then stays
     */
    public void write(SessionState state) throws IOException {
        byte[] bytes = Json.mapper().writeValueAsBytes(state);
        AtomicFiles.write(file, out -> {
            out.write(bytes);
            out.write('\n');
        });
    }

    /**
     * Makes sure the reserve file exists with its full size, written out (not sparse), so that the
     * space is really taken on the disk.
     *
     * @throws IOException when it cannot be written (a disk already full)
     */
    public void reserveSpace() throws IOException {
        if (Files.isRegularFile(reserve, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                && Files.size(reserve) == RESERVE_BYTES) {
            return;
        }
        try {
            AtomicFiles.write(reserve, out -> out.write(new byte[RESERVE_BYTES]));
        } catch (IOException e) {
            Files.deleteIfExists(reserve);
            throw e;
        }
    }

    /**
     * Writes a state that must reach the disk (how the run ended): when the disk is full, the
     * reserve is deleted and the write tried again in the space it freed.
     *
     * @param state the state to write
     * @return whether the reserve had to be used
     * @throws IOException when even that fails; the previous file then stays
     */
    public boolean writeEnd(SessionState state) throws IOException {
        try {
            write(state);
            return false;
        } catch (IOException e) {
            if (!Files.deleteIfExists(reserve)) {
                throw e;
            }
            try {
                write(state);
            } catch (IOException again) {
                again.addSuppressed(e);
                throw again;
            }
            return true;
        }
    }

    /**
     * Reads the session file.
     *
     * @return the outcome: the state, absent, or unreadable with the reason
     */
    public ReadResult read() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new ReadResult(Optional.empty(), false, "no " + FILE_NAME + " in " + file.getParent());
        } catch (IOException e) {
            return new ReadResult(Optional.empty(), true, "cannot read " + file + ": " + e.getMessage());
        }
        try {
            JsonNode tree = Json.mapper().readTree(bytes);
            if (tree == null || !tree.isObject()) {
                return new ReadResult(
                        Optional.empty(), true, file + " is not a JSON object (" + bytes.length + " bytes)");
            }
            int version = tree.path("schema_version").asInt(-1);
            if (version > SessionState.SCHEMA_VERSION) {
                throw new IllegalStateException(
                        file + ": session schema " + version + " is newer than this build supports ("
                                + SessionState.SCHEMA_VERSION + "); upgrade trainguard");
            }
            if (version < 1) {
                return new ReadResult(
                        Optional.empty(),
                        true,
                        file + " has no valid schema_version, found " + tree.path("schema_version"));
            }
            return new ReadResult(Optional.of(Json.mapper().treeToValue(tree, SessionState.class)), false, "");
        } catch (JsonProcessingException e) {
            return new ReadResult(Optional.empty(), true, file + " is corrupt: " + Json.problem(e));
        } catch (IOException e) {
            return new ReadResult(Optional.empty(), true, "cannot parse " + file + ": " + e.getMessage());
        }
    }

    /**
     * The outcome of reading the session file.
     *
     * @param state the state, empty when absent or corrupt
     * @param corrupt whether a file was there but could not be used
     * @param problem why there is no state, empty when there is one
     */
    public record ReadResult(Optional<SessionState> state, boolean corrupt, String problem) {}
}
