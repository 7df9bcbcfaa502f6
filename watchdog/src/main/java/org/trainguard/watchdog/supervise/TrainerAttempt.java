package org.trainguard.watchdog.supervise;

import java.util.HashSet;
import java.util.OptionalLong;
import java.util.Set;

/**
 * One trainer the watchdog started or attached to: the processes that belong to it, the furthest step it
 * reported, and whether its end was handled.
 */
final class TrainerAttempt {

    private final TrainerProcess trainer;
    private final Set<Long> pids = new HashSet<>();
    private OptionalLong step = OptionalLong.empty();
    private boolean endHandled;
    private boolean gone;

    /** @param trainer the process */
    TrainerAttempt(TrainerProcess trainer) {
        this.trainer = trainer;
        pids.add(trainer.pid());
    }

    /** @return the process */
    TrainerProcess trainer() {
        return trainer;
    }

    /**
     * @param pid a process id a heartbeat or session file names
     * @return whether it is this trainer's process (the one started, or one it reported)
     */
    boolean reported(long pid) {
        return pids.contains(pid);
    }

    /**
     * @param pid a process id
     * @return whether it is this trainer's process or a child of it (a launcher script's JVM)
     */
    boolean owns(long pid) {
        return pids.contains(pid) || trainer.owns(pid);
    }

    /** @param pid a process of this trainer (the heartbeat names it) */
    void addPid(long pid) {
        pids.add(pid);
    }

    /** @param reached a step the trainer reported; the furthest is kept */
    void noteStep(long reached) {
        if (step.isEmpty() || reached > step.getAsLong()) {
            step = OptionalLong.of(reached);
        }
    }

    /** @return the furthest step the trainer reported; empty when it reported none */
    OptionalLong step() {
        return step;
    }

    /** @return whether the end of this trainer is handled (or being handled) */
    boolean endHandled() {
        return endHandled;
    }

    /** Marks the end as handled: the loop no longer reacts to the process's exit. */
    void handleEnd() {
        endHandled = true;
    }

    /** @return whether the trainer is gone (ended, killed or stopped) */
    boolean gone() {
        return gone;
    }

    /** Marks the trainer as gone. */
    void markGone() {
        gone = true;
    }
}
