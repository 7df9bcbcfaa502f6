package org.trainguard.core.mirror;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * A place that holds a second copy of a run's checkpoints: a folder or a bucket, addressed by keys such as
 * {@code checkpoints/checkpoint-1458/model.zip}. Implementations must be safe to call from one thread at a time.
 */
public interface MirrorTarget extends AutoCloseable {

    /** @return how the target is named in logs and the session file; never holds a credential */
    String describe();

    /**
     * Stores a local file under a key, replacing what was there.
     *
     * @param key    where to store it
     * @param source the file to copy
     * @throws IOException when the copy fails
     */
    void put(String key, Path source) throws IOException;

    /**
     * Opens a stored file for reading.
     *
     * @param key its key
     * @return its bytes, read from the target itself (not from a local cache)
     * @throws java.nio.file.NoSuchFileException when nothing is stored under the key
     * @throws IOException when it cannot be read
     */
    InputStream get(String key) throws IOException;

    /**
     * Lists the keys that start with a prefix.
     *
     * @param prefix the start of the keys, e.g. {@code checkpoints/}
     * @return the keys, in no particular order
     * @throws IOException when the listing fails
     */
    List<String> list(String prefix) throws IOException;

    /**
     * Deletes a stored file; a missing one is fine.
     *
     * @param key its key
     * @throws IOException when it cannot be deleted
     */
    void delete(String key) throws IOException;

    /** Releases connections; the default does nothing. */
    @Override
    default void close() {}
}
