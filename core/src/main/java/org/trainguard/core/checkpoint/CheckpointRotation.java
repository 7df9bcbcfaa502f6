package org.trainguard.core.checkpoint;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainguard.core.io.AtomicFiles;

/**
 * Rotation of a run's committed checkpoints: the newest {@code keep_last} stay, and so do the ones the caller names
 * (the best, with {@code checkpoint.keep_best}); older ones are deleted. Only ever run after a newer checkpoint is
 * committed, so a good one is never lost.
 */
final class CheckpointRotation {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointRotation.class);

    private final CheckpointStore store;

    /** @param store the run's checkpoints */
    CheckpointRotation(CheckpointStore store) {
        this.store = store;
    }

    /**
     * Deletes committed checkpoints older than the newest {@code keepLast}, except those of the given steps.
     *
     * @param keepLast how many of the newest to keep, at least 1
     * @param alsoKeep steps of checkpoints that are kept however old (the best)
     * @return the deleted folders
     */
    List<Path> prune(int keepLast, Set<Long> alsoKeep) {
        if (keepLast < 1) {
            throw new IllegalArgumentException("keepLast must be >= 1, found " + keepLast);
        }
        List<CheckpointStore.Checkpoint> all = store.list();
        List<Path> deleted = new ArrayList<>();
        for (int i = 0; i < all.size() - keepLast; i++) {
            CheckpointStore.Checkpoint c = all.get(i);
            if (alsoKeep.contains(c.step())) {
                continue;
            }
            try {
                store.delete(c);
                deleted.add(c.dir());
            } catch (IOException e) {
                LOG.warn("could not delete old checkpoint {}: {}", c.name(), e.getMessage());
            }
        }
        if (!deleted.isEmpty()) {
            try {
                AtomicFiles.fsyncDirectory(store.dir());
            } catch (IOException e) {
                LOG.warn("deleted {} old checkpoint(s), but {}", deleted.size(), e.getMessage());
            }
        }
        return deleted;
    }
}
