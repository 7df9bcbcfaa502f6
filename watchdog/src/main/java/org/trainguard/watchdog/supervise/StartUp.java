package org.trainguard.watchdog.supervise;

import java.nio.file.Path;
import java.util.Optional;
import org.trainguard.core.checkpoint.CheckpointStore;
import org.trainguard.core.folder.RunFolder;
import org.trainguard.core.lock.RunLock;
import org.trainguard.core.run.HostName;
import org.trainguard.core.run.SessionState;
import org.trainguard.core.run.SessionStatus;
import org.trainguard.watchdog.notify.EventKind;

/** What a watchdog does first with its run: attach to the trainer that holds it, refuse, do nothing, or start one. */
sealed interface StartUp permits StartUp.Attach, StartUp.HeldElsewhere, StartUp.Completed, StartUp.Launch {

    /**
     * A live trainer on this host holds the run: supervise it.
     *
     * @param process the trainer
     * @param how how it was found, for the log
     */
    record Attach(ProcessHandle process, String how) implements StartUp {}

    /**
     * The run lock is held, but not by a process on this host (exit 5).
     *
     * @param why the sentence for the log and the state file
     */
    record HeldElsewhere(String why) implements StartUp {}

    /**
     * The run already completed with this configuration: nothing to do.
     *
     * @param session its session file
     */
    record Completed(SessionState session) implements StartUp {}

    /**
     * Start a trainer.
     *
     * @param kind {@link EventKind#RESUMED} when there is a checkpoint, else {@link EventKind#STARTED}
     * @param reason for the notification
     */
    record Launch(EventKind kind, String reason) implements StartUp {}

    /**
     * Decides for a run from its folder: the run lock, the session file and the newest checkpoint.
     *
     * @param settings the run supervised
     * @param run its folder
     * @param before its session file
     * @return what to do
     */
    static StartUp forRun(SupervisorSettings settings, RunFolder run, Optional<SessionState> before) {
        Optional<RunLock.LockInfo> holder = run.lockHolder();
        return decide(
                holder,
                holder.flatMap(h -> RunTrainers.liveHolder(settings.outputDir(), h)),
                settings.outputDir().resolve(RunLock.FILE_NAME),
                HostName.get(),
                before,
                settings.configSha256(),
                run.newestCheckpoint());
    }

    /**
     * Decides from what the run folder holds.
     *
     * @param holder the run lock's record, when the lock is held
     * @param liveHolder the process on this host that holds it, when there is one
     * @param lockFile the lock file, for the message
     * @param host this host's name, for the message
     * @param before the session file
     * @param configSha256 the SHA-256 of this configuration
     * @param newest the newest checkpoint
     * @return what to do
     */
    static StartUp decide(
            Optional<RunLock.LockInfo> holder,
            Optional<ProcessHandle> liveHolder,
            Path lockFile,
            String host,
            Optional<SessionState> before,
            String configSha256,
            Optional<CheckpointStore.Checkpoint> newest) {
        if (holder.isPresent()) {
            if (liveHolder.isEmpty()) {
                return new HeldElsewhere("the run lock " + lockFile + " is held by "
                        + holder.get().describe() + ", not a process on this " + "host (" + host
                        + "); supervise it where it runs");
            }
            return new Attach(
                    liveHolder.get(), "it took the run lock at " + holder.get().startedAt());
        }
        if (before.isPresent()
                && before.get().status() == SessionStatus.COMPLETED
                && before.get().configSha256().equals(configSha256)) {
            return new Completed(before.get());
        }
        return newest.isPresent()
                ? new Launch(EventKind.RESUMED, "resuming from " + newest.get().name())
                : new Launch(EventKind.STARTED, "");
    }
}
