package org.trainguard.watchdog.supervise;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainguard.config.Durations;
import org.trainguard.core.run.SessionState;

/** The line that says, every ten minutes while all is well, where the supervised trainer stands. */
final class ProgressLog {

    private static final Logger LOG = LoggerFactory.getLogger("watchdog");
    /** How often a progress line goes to the log while all is well. */
    private static final Duration EVERY = Duration.ofMinutes(10);

    private final Clock clock;
    private final RunSteps steps;
    private final HangDetector hang;
    private Instant next;

    /**
     * @param clock the watchdog's clock
     * @param steps the run's steps and session file
     * @param hang when the trainer last made progress
     */
    ProgressLog(Clock clock, RunSteps steps, HangDetector hang) {
        this.clock = clock;
        this.steps = steps;
        this.hang = hang;
    }

    /** @param now when a new trainer is supervised: its first line is due a period later */
    void restart(Instant now) {
        next = now.plus(EVERY);
    }

    /** @param attempt the supervised trainer; its line goes to the log when one is due */
    void logIfDue(TrainerAttempt attempt) {
        Instant now = clock.instant();
        if (now.isBefore(next)) {
            return;
        }
        next = now.plus(EVERY);
        Optional<SessionState> s = steps.readSession();
        LOG.info(
                "trainer pid {} is at step {} of {} ({}); last progress {} ago",
                attempt.trainer().pid(),
                describe(attempt.step()),
                s.map(SessionState::totalSteps).orElse(0L),
                s.map(x -> x.status().toString()).orElse("no session file"),
                Durations.format(hang.silence().withNanos(0)));
    }

    private static String describe(OptionalLong step) {
        return step.isPresent() ? Long.toString(step.getAsLong()) : "unknown";
    }
}
