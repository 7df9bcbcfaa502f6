package org.trainguard.core.session;

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
    public static final String FILE_NAME = "training_session.json";

    private final Path file;

    /**
     * @param outputDir the run's output folder
     */
    public SessionStore(Path outputDir) {
        this.file = outputDir.resolve(FILE_NAME);
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
                return new ReadResult(Optional.empty(), true, file + " is not a JSON object (" + bytes.length + " bytes)");
            }
            int version = tree.path("schema_version").asInt(-1);
            if (version > SessionState.SCHEMA_VERSION) {
                throw new IllegalStateException(file + ": session schema " + version
                        + " is newer than this build supports (" + SessionState.SCHEMA_VERSION + "); upgrade trainguard");
            }
            if (version < 1) {
                return new ReadResult(Optional.empty(), true, file + " has no valid schema_version, found " + tree.path("schema_version"));
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
    public record ReadResult(Optional<SessionState> state, boolean corrupt, String problem) {
    }
}
