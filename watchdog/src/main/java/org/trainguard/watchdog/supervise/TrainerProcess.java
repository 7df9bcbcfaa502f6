package org.trainguard.watchdog.supervise;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

/**
 * A trainer process under supervision: one the watchdog started (its child, whose exit status is known) or one
 * it attached to (found holding the run lock; only its end is seen).
 *
 * @param handle  the process
 * @param child   the {@link Process} when the watchdog started it
 * @param attempt which start this is, counting from 1
 */
record TrainerProcess(ProcessHandle handle, Optional<Process> child, int attempt) {

    TrainerProcess {
        Objects.requireNonNull(handle, "handle");
        Objects.requireNonNull(child, "child");
    }

    /** @return the process id */
    long pid() {
        return handle.pid();
    }

    /** @return whether the watchdog attached to it instead of starting it */
    boolean attached() {
        return child.isEmpty();
    }

    /**
     * Whether a process id is this trainer's: the process itself or one it started (a launcher script that
     * runs java as a child rather than replacing itself).
     *
     * @param pid a process id from the heartbeat or session file
     * @return whether it belongs to this trainer
     */
    boolean owns(long pid) {
        return pid == handle.pid() || handle.descendants().anyMatch(d -> d.pid() == pid);
    }

    /** @return completes when the process ends, with its exit status when it is the watchdog's child */
    CompletableFuture<OptionalInt> exit() {
        if (child.isPresent()) {
            return child.get().onExit().thenApply(p -> OptionalInt.of(p.exitValue()));
        }
        return handle.onExit().thenApply(h -> OptionalInt.empty());
    }
}
