package org.trainguard.core.session;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.trainguard.core.checkpoint.CheckpointStore;

/**
 * Reads a run folder as the commands and the watchdog see it: the session file, the heartbeat and the
 * checkpoints. It only reads; the trainer is the one writer of these files.
 */
public final class RunFolder {

    private final Path dir;
    private final CheckpointStore checkpoints;
    private final SessionStore sessions;

    /** @param dir the run's output folder */
    public RunFolder(Path dir) {
        this.dir = dir;
        this.checkpoints = new CheckpointStore(dir);
        this.sessions = new SessionStore(dir);
    }

    /** @return the run's output folder */
    public Path dir() {
        return dir;
    }

    /** @return the session file, for its path and messages */
    public Path sessionFile() {
        return sessions.file();
    }

    /** @return the session file as read: its state, or why it is corrupt; empty when missing */
    public SessionStore.ReadResult session() {
        return sessions.read();
    }

    /** @return the heartbeat, when there is a readable one */
    public Optional<Heartbeat> heartbeat() {
        return Heartbeat.read(dir);
    }

    /** @return the committed checkpoints, oldest first (not verified) */
    public List<CheckpointStore.Checkpoint> checkpoints() {
        return checkpoints.list();
    }

    /** @return the newest committed checkpoint (not verified); empty when there is none or the folder cannot be listed */
    public Optional<CheckpointStore.Checkpoint> newestCheckpoint() {
        try {
            List<CheckpointStore.Checkpoint> all = checkpoints.list();
            return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Where a run that keeps failing from its newest checkpoint rolls back to: the newest checkpoint that verifies,
     * skipping the newest one that does.
     *
     * @return that checkpoint; empty when fewer than two verify
     */
    public Optional<CheckpointStore.Checkpoint> rollbackTarget() {
        List<CheckpointStore.Checkpoint> all = checkpoints.list();
        boolean newestSkipped = false;
        for (int i = all.size() - 1; i >= 0; i--) {
            CheckpointStore.Checkpoint c = all.get(i);
            if (!checkpoints.verify(c.dir()).ok()) {
                continue;
            }
            if (newestSkipped) {
                return Optional.of(c);
            }
            newestSkipped = true;
        }
        return Optional.empty();
    }
}
