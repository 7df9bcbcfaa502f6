package org.trainguard.core;

import java.util.Arrays;
import java.util.Optional;
import org.trainguard.core.checkpoint.CheckpointStore;
import org.trainguard.core.io.UnusablePathException;
import org.trainguard.core.lock.RunLock;

/**
 * The trainer's exit codes, the contract between the trainer, the watchdog and any scheduler
 * that supervises a run. Codes marked not restartable mean that running again would fail the same
 * way until a person changes something.
 */
public enum ExitCode {
    /** The run finished all its steps. */
    COMPLETED(0, false, "completed"),
    /** Something unexpected failed; restarting from the newest checkpoint may succeed. */
    FAILURE(1, true, "unexpected failure"),
    /** Bad command line or configuration. */
    USAGE(2, false, "usage or configuration error"),
    /** Bad training or validation data. */
    DATA(3, false, "data error"),
    /** The loss became NaN or infinite. */
    DIVERGED(4, false, "training diverged"),
    /** Another trainer holds the run lock of the output directory. */
    LOCKED(5, false, "another trainer holds the run lock"),
    /**
     * The run has made progress, but none of its checkpoints verifies: starting again from step 0
     * would silently throw that progress away, so a person decides ({@code --resume never}).
     */
    NO_GOOD_CHECKPOINT(6, false, "the run has progress but no checkpoint verifies"),
    /**
     * The next checkpoint would not fit on the output folder's file system: the run stopped before a save could
     * fail half-way, keeping its last good checkpoint. Restarting would stop the same way until space is freed.
     */
    DISK_FULL(7, false, "not enough disk space for the next checkpoint"),
    /** Stopped by SIGHUP after the emergency checkpoint. */
    HANGUP(129, true, "interrupted by SIGHUP"),
    /** Stopped by SIGINT (Ctrl+C) after the emergency checkpoint. */
    INTERRUPTED(130, true, "interrupted by SIGINT"),
    /** Stopped by SIGTERM after the emergency checkpoint. */
    TERMINATED(143, true, "interrupted by SIGTERM");

    private final int code;
    private final boolean restartable;
    private final String description;

    ExitCode(int code, boolean restartable, String description) {
        this.code = code;
        this.restartable = restartable;
        this.description = description;
    }

    /** @return the process exit status */
    public int code() {
        return code;
    }

    /** @return whether a supervisor may restart the run after this code */
    public boolean restartable() {
        return restartable;
    }

    /** @return a short description for logs and notifications */
    public String description() {
        return description;
    }

    /**
     * An exception that says which exit code it ends a program with. Every exception that ends a run with a code of
     * its own implements this, so that {@link #of(Throwable)} is the one mapping from exceptions to codes.
     */
    public interface Source {
        /** @return the code a program that stops on this exception exits with */
        ExitCode exitCode();
    }

    /**
     * The exit code a program that stops on {@code failure} ends with: the code a {@link Source} names, the code of
     * this module's own exceptions (a held lock, an unusable path, a checkpoint format from a newer version), and
     * {@link #FAILURE} for anything else.
     *
     * @param failure what stopped the program
     * @return its exit code
     */
    public static ExitCode of(Throwable failure) {
        if (failure instanceof Source source) {
            return source.exitCode();
        }
        if (failure instanceof RunLock.LockHeldException) {
            return LOCKED;
        }
        if (failure instanceof UnusablePathException || failure instanceof CheckpointStore.UnsupportedFormatException) {
            return USAGE;
        }
        return FAILURE;
    }

    /**
     * Looks a process exit status up.
     *
     * @param code the status a process ended with
     * @return the matching code, empty for statuses outside the contract
     */
    public static Optional<ExitCode> of(int code) {
        return Arrays.stream(values()).filter(c -> c.code == code).findFirst();
    }
}
