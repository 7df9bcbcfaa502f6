package org.trainguard.session;

import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainguard.core.ExitCode;
import org.trainguard.core.checkpoint.DiskGuard;
import org.trainguard.core.run.SessionState;
import org.trainguard.core.run.SessionStatus;

/**
 * {@code checkpoint.disk_guard}: whether the next checkpoint fits on the disk, after deleting early
 * what rotation would delete after it. A shortage goes into the session file with its figures.
 */
final class DiskRoom {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingSessionManager.class);

    private final RunParts run;
    /** Null when the guard is off. */
    private final DiskGuard guard;

    /** @param run the run's parts */
    DiskRoom(RunParts run) {
        this.run = run;
        SessionOptions o = run.options();
        this.guard = o.diskGuard() ? new DiskGuard(run.store(), o.outputDir(), o.diskMarginBytes()) : null;
    }

    /**
     * At start-up: a run whose next checkpoint cannot fit on the disk does not start.
     *
     * @throws DiskSpaceException when it does not fit (exit 7), after recording why
     * @throws IOException when the free space cannot be measured
     */
    void refuseAtStart() throws IOException {
        SessionState session = run.recorder().state();
        if (guard == null || (session.totalSteps() > 0 && run.position().step >= session.totalSteps())) {
            return; // a completed run writes no more checkpoints
        }
        DiskGuard.Check c = check();
        if (c.fits()) {
            if (session.disk() != null) {
                run.recorder().update(b -> b.disk(null));
                run.recorder().write();
            }
            return;
        }
        String reason =
                "not enough disk space to start the run in " + run.options().outputDir() + ": " + c.describe()
                        + ". Free space on that file system (or lower checkpoint.keep_last), then run the same command again";
        run.recorder().update(b -> b.disk(shortage(c))
                .status(SessionStatus.FAILED)
                .exit(new SessionState.Exit(ExitCode.DISK_FULL.code(), reason))
                .eta(null));
        run.recorder().writeEnd();
        LOG.error("{}", reason);
        throw new DiskSpaceException(reason);
    }

    /**
     * Before a checkpoint: waits for the previous write (it must be counted), then checks.
     *
     * @return empty when the checkpoint fits (or the free space cannot be measured: it is written then); otherwise
     *     why not, recorded in the session state but not yet written
     */
    Optional<String> shortageBeforeCheckpoint() {
        if (guard == null) {
            return Optional.empty();
        }
        run.writer().awaitIdle(); // the next capture waits for it anyway; the previous write must be counted
        DiskGuard.Check c;
        try {
            c = check();
        } catch (IOException | RuntimeException e) {
            LOG.warn(
                    "cannot measure the free disk space of {}: {}; writing the checkpoint",
                    run.options().outputDir(),
                    e.toString());
            return Optional.empty();
        }
        if (c.fits()) {
            if (run.recorder().state().disk() != null) {
                run.recorder().update(b -> b.disk(null));
            }
            return Optional.empty();
        }
        long last = run.position().lastCheckpointStep;
        String reason = "not enough disk space for the checkpoint at step " + run.position().step + ": " + c.describe()
                + "; stopped before writing it, "
                + (last > 0
                        ? "the last good checkpoint (step " + Math.max(0, last) + ") is kept"
                        : "no checkpoint was written yet")
                + ". Free space on that file system (or lower checkpoint.keep_last), then run the same command again";
        run.recorder().update(b -> b.disk(shortage(c)));
        LOG.error("{}", reason);
        return Optional.of(reason);
    }

    private DiskGuard.Check check() throws IOException {
        DiskGuard.Check c = guard.check(firstCheckpointEstimate());
        return c.fits()
                ? c
                : guard.freeEarly(run.options().keepLast(), run.best().keptSteps(), firstCheckpointEstimate());
    }

    private SessionState.DiskShortage shortage(DiskGuard.Check c) {
        return new SessionState.DiskShortage(
                Instant.now(),
                run.position().step,
                c.folder().toString(),
                c.neededBytes(),
                c.freeBytes(),
                c.missingBytes());
    }

    /** The size of a checkpoint before any is on disk: parameters, optimizer state, and 1 MiB for the rest. */
    private long firstCheckpointEstimate() {
        NetworkAdapter net = run.net();
        long values = net.params().length()
                + (net.updaterState() == null ? 0 : net.updaterState().length());
        return values * net.params().dataType().width() + (1L << 20);
    }
}
