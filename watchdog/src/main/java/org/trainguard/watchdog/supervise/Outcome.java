package org.trainguard.watchdog.supervise;

import java.util.Optional;
import org.trainguard.watchdog.notify.EventKind;
import org.trainguard.watchdog.supervise.WatchdogState.Phase;

/** What the supervisor does after a trainer ended or hung ({@link TrainerEnds}). */
sealed interface Outcome {

    /**
     * The run ends here; the watchdog exits.
     *
     * @param end the last phase
     * @param code the watchdog's exit status
     * @param action what happens next, for people
     * @param event the notification to send, if any
     * @param reason the notification's reason
     */
    record Finish(Phase end, int code, String action, Optional<EventKind> event, String reason) implements Outcome {}

    /**
     * A restart, when the crash-loop budget allows one.
     *
     * @param reason why, for the log and the notification
     */
    record Restart(String reason) implements Outcome {}

    /** The stop that was asked for meanwhile. */
    record Stop() implements Outcome {}

    /**
     * Supervising another live trainer of the run instead.
     *
     * @param process the trainer
     * @param how how it was found, for the log
     */
    record Attach(ProcessHandle process, String how) implements Outcome {}
}
