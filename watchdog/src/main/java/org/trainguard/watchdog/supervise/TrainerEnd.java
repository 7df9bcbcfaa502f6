package org.trainguard.watchdog.supervise;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.trainguard.core.ExitCode;
import org.trainguard.core.run.SessionState;
import org.trainguard.core.run.SessionStatus;

/**
 * What the end of a trainer process means for the run, decided from its exit status and the session file it
 * left (issue 4, item 2):
 * <ul>
 *   <li>exit 0 with the session COMPLETED: the run is done;</li>
 *   <li>exit 2, 3, 4 or 5 (configuration, data, divergence, lock): restarting would fail the same way, so it
 *       is not restarted;</li>
 *   <li>anything else (exit 1, a signal, exit 0 without a completed session): restart from the newest
 *       checkpoint.</li>
 * </ul>
 * A trainer the watchdog attached to has no exit status it can read; then the session file alone decides.
 *
 * @param kind     what the end means
 * @param exitCode the exit status, empty for an attached process
 * @param signal   the signal that ended the process ({@code SIGKILL}), when the status says so
 * @param reason   a sentence for the log and notifications: the session's reason when it has one
 */
public record TrainerEnd(Kind kind, OptionalInt exitCode, Optional<String> signal, String reason) {

    /** What an end means for the run. */
    public enum Kind {
        /** All steps done. */
        COMPLETED,
        /** Ended in a way that restarting cannot fix. */
        NOT_RESTARTABLE,
        /** Crashed, was killed or interrupted: restart from the newest checkpoint. */
        RESTARTABLE
    }

    private static final Map<Integer, String> SIGNALS = Map.ofEntries(
            Map.entry(1, "SIGHUP"),
            Map.entry(2, "SIGINT"),
            Map.entry(3, "SIGQUIT"),
            Map.entry(4, "SIGILL"),
            Map.entry(5, "SIGTRAP"),
            Map.entry(6, "SIGABRT"),
            Map.entry(7, "SIGBUS"),
            Map.entry(8, "SIGFPE"),
            Map.entry(9, "SIGKILL"),
            Map.entry(10, "SIGUSR1"),
            Map.entry(11, "SIGSEGV"),
            Map.entry(12, "SIGUSR2"),
            Map.entry(13, "SIGPIPE"),
            Map.entry(14, "SIGALRM"),
            Map.entry(15, "SIGTERM"),
            Map.entry(24, "SIGXCPU"),
            Map.entry(25, "SIGXFSZ"));

    /** Checks that nothing is missing. */
    public TrainerEnd {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(exitCode, "exitCode");
        Objects.requireNonNull(signal, "signal");
        Objects.requireNonNull(reason, "reason");
    }

    /**
     * Classifies the end of a trainer process.
     *
     * @param exitCode its exit status; empty when it was not the watchdog's child
     * @param session  the session file as that process left it; empty when there is none, or when it was written
     *                 by another process (the trainer died before writing its own)
     * @return what the end means
     */
    public static TrainerEnd classify(OptionalInt exitCode, Optional<SessionState> session) {
        Optional<SessionState.Exit> recorded = session.flatMap(SessionState::exitInfo);
        if (exitCode.isEmpty()) {
            return classifyFromSession(session, recorded);
        }
        int code = exitCode.getAsInt();
        Optional<String> signal = signalOf(code);
        // The session's reason is the trainer's own words; use it when it describes this very exit.
        Optional<String> sessionReason = recorded.filter(e -> e.code() == code)
                .map(SessionState.Exit::reason)
                .filter(r -> !r.isBlank());
        if (code == ExitCode.COMPLETED.code()) {
            if (session.map(SessionState::status).orElse(null) == SessionStatus.COMPLETED) {
                return new TrainerEnd(Kind.COMPLETED, exitCode, signal, sessionReason.orElse("completed"));
            }
            String says = session.map(s -> "the session says " + s.status()).orElse("there is no session file");
            return new TrainerEnd(Kind.RESTARTABLE, exitCode, signal, "exited with 0 but " + says);
        }
        Optional<ExitCode> contract = ExitCode.of(code);
        String fallback = contract.map(ExitCode::description)
                .orElse(signal.map(s -> "killed by " + s).orElse("exited with code " + code));
        String reason = sessionReason.orElse(fallback);
        boolean restartable = contract.map(ExitCode::restartable).orElse(true);
        return new TrainerEnd(restartable ? Kind.RESTARTABLE : Kind.NOT_RESTARTABLE, exitCode, signal, reason);
    }

    private static TrainerEnd classifyFromSession(
            Optional<SessionState> session, Optional<SessionState.Exit> recorded) {
        OptionalInt none = OptionalInt.empty();
        if (session.isEmpty()) {
            return new TrainerEnd(Kind.RESTARTABLE, none, Optional.empty(), "ended without a session file");
        }
        SessionState s = session.get();
        if (s.status() == SessionStatus.COMPLETED) {
            return new TrainerEnd(
                    Kind.COMPLETED,
                    recorded.map(e -> OptionalInt.of(e.code())).orElse(none),
                    Optional.empty(),
                    "completed");
        }
        if (recorded.isPresent()) {
            int code = recorded.get().code();
            boolean restartable = ExitCode.of(code).map(ExitCode::restartable).orElse(true);
            String reason = recorded.get().reason().isBlank()
                    ? ExitCode.of(code).map(ExitCode::description).orElse("exited with code " + code)
                    : recorded.get().reason();
            return new TrainerEnd(
                    restartable ? Kind.RESTARTABLE : Kind.NOT_RESTARTABLE,
                    OptionalInt.of(code),
                    signalOf(code),
                    reason);
        }
        return new TrainerEnd(
                Kind.RESTARTABLE,
                none,
                Optional.empty(),
                "ended while the session said " + s.status() + " (killed, crashed or power lost)");
    }

    /**
     * The signal an exit status stands for: Java reports a process killed by signal N as 128 + N, and the
     * trainer exits with 128 + N after handling one.
     *
     * @param code the exit status
     * @return e.g. {@code SIGKILL} for 137; empty for statuses up to 128
     */
    public static Optional<String> signalOf(int code) {
        if (code <= 128 || code > 128 + 64) {
            return Optional.empty();
        }
        int number = code - 128;
        return Optional.of(SIGNALS.getOrDefault(number, "signal " + number));
    }

    /** @return "exit 137 (SIGKILL)", "exit 3", or "end" for an attached process */
    public String describeExit() {
        if (exitCode.isEmpty()) {
            return "end (exit status unknown: not the watchdog's child)";
        }
        return "exit " + exitCode.getAsInt() + signal.map(s -> " (" + s + ")").orElse("");
    }

    /** @return the exit status the watchdog itself ends with for a run that is not restarted */
    public int watchdogExitCode() {
        return switch (kind) {
            case COMPLETED -> 0;
            case NOT_RESTARTABLE -> exitCode.orElse(ExitCode.FAILURE.code());
            case RESTARTABLE -> ExitCode.FAILURE.code();
        };
    }

    /**
     * Gives the trainer's own words where the session file does not say why it ended: a trainer that failed
     * before its session was open (a refused resume, a data error) printed them on its console, and one that
     * died without recording why printed its exception.
     *
     * @param session the session file of this trainer
     * @param attached whether the watchdog attached to the trainer (its console is not the watchdog's)
     * @param console the trainer's console
     * @return this end, with a better reason when the console has one
     */
    TrainerEnd explainedBy(Optional<SessionState> session, boolean attached, ConsoleLog console) {
        Optional<SessionState.Exit> recorded = session.flatMap(SessionState::exitInfo);
        Optional<String> said = Optional.empty();
        if (kind == Kind.NOT_RESTARTABLE
                && !attached
                && recorded.filter(e -> exitCode.equals(OptionalInt.of(e.code())))
                        .isEmpty()) {
            said = console.lastMessage();
        } else if (unexplained(session, attached)) {
            // a stack trace hides the exception from the last lines
            said = console.lastException();
        }
        return said.map(r -> new TrainerEnd(kind, exitCode, signal, r)).orElse(this);
    }

    /**
     * @param session the session file of this trainer
     * @param attached whether the watchdog attached to the trainer
     * @return whether a restartable end comes with no recorded reason and no signal
     */
    boolean unexplained(Optional<SessionState> session, boolean attached) {
        return session.flatMap(SessionState::exitInfo).isEmpty()
                && signal.isEmpty()
                && !attached
                && kind == Kind.RESTARTABLE;
    }
}
