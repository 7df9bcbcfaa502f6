package org.trainguard.core.folder;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.trainguard.core.checkpoint.BestCheckpoint;
import org.trainguard.core.checkpoint.CheckpointManifest;
import org.trainguard.core.checkpoint.CheckpointStore;
import org.trainguard.core.lock.RecordFileLock;
import org.trainguard.core.lock.RunLock;
import org.trainguard.core.run.Heartbeat;
import org.trainguard.core.run.RunLayout;
import org.trainguard.core.run.SessionStore;

/**
 * Reads a run folder as the commands and the watchdog see it: the session file, the heartbeat, the run lock's
 * record and the checkpoints. It only reads, and never takes the lock; the trainer is the one writer of these
 * files. {@code trainer status}, {@code trainer checkpoints}, {@code watchdog status} and the watchdog's
 * supervisor read a run through it.
 */
public final class RunFolder {

    /**
     * A committed checkpoint as {@code trainer checkpoints} lists it.
     *
     * @param step its step
     * @param dir its folder
     * @param verified whether every file matches its manifest
     * @param problem why it does not verify; empty when it does
     * @param createdAt when it was committed, from its manifest
     * @param best whether {@code best.json} names it
     */
    public record CheckedCheckpoint(
            long step, Path dir, boolean verified, String problem, Optional<Instant> createdAt, boolean best) {}

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

    /**
     * Verifies every committed checkpoint.
     *
     * @return them, oldest first
     */
    public List<CheckedCheckpoint> checkedCheckpoints() {
        Optional<BestCheckpoint> best = checkpoints.readBest();
        List<CheckedCheckpoint> out = new ArrayList<>();
        for (CheckpointStore.Checkpoint c : checkpoints.list()) {
            CheckpointStore.Verification v = checkpoints.verify(c.dir());
            out.add(new CheckedCheckpoint(
                    c.step(),
                    c.dir(),
                    v.ok(),
                    v.problem(),
                    v.manifest().map(CheckpointManifest::createdAt),
                    best.map(b -> b.step() == c.step()).orElse(false)));
        }
        return out;
    }

    /** @return the live holder of the run lock, see {@link RunLock#holder} */
    public Optional<RunLock.LockInfo> lockHolder() {
        return RunLock.holder(dir);
    }

    /**
     * Reads the run lock's record as written, without probing the lock (a probe at the moment a trainer starts
     * would make that trainer fail with "locked") and without judging whether its process lives.
     *
     * @return the record; empty when the file is missing, empty (released) or unreadable
     */
    public Optional<RunLock.LockInfo> lockRecord() {
        try {
            // through RecordFileLock: a plain read and close in the lock's holder would drop its lock on Linux
            return RecordFileLock.readRecord(dir.resolve(RunLayout.LOCK), RunLock.LockInfo.class);
        } catch (IOException | RuntimeException unreadable) {
            return Optional.empty();
        }
    }
}
