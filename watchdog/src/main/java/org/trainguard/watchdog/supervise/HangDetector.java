package org.trainguard.watchdog.supervise;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongPredicate;
import org.trainguard.core.run.Heartbeat;

/**
 * Tells a hung trainer from a slow one by its {@code heartbeat.json}: the trainer rewrites it while training
 * steps or evaluation batches complete, so a live process whose heartbeat has not changed for the hang timeout
 * is stuck.
 *
 * <p>Silence is measured on the watchdog's own clock, from the moment it last saw the heartbeat change (or,
 * before the first heartbeat of a new process, from the process start), never from the time written in the
 * file: the trainer's clock may differ, and a heartbeat left by an earlier process must not count.
 *
 * <p>Start-up (JVM, data, ND4J, restoring the checkpoint) shows no progress however healthy it is, so until the
 * watched process writes its first heartbeat of training it is judged by its own timeout, counted from the process
 * start; the trainer's start-up heartbeats (which name their phase) show it alive but are not progress.
 */
public final class HangDetector {

    private final Duration timeout;
    private final Duration startupTimeout;
    private final Clock clock;
    private boolean startingUp = true;
    private Instant startedAt;
    private long pid;
    private LongPredicate belongsToTrainer = p -> false;
    private Instant lastChange;
    private Optional<Heartbeat> lastSeen = Optional.empty();

    /**
     * @param timeout how long without a change means hung, &gt; 0
     * @param clock   the time source; the watchdog passes a monotonic one
     */
    public HangDetector(Duration timeout, Clock clock) {
        this(timeout, timeout, clock);
    }

    /**
     * @param timeout        how long without a change means hung once the trainer trains, &gt; 0
     * @param startupTimeout how long a trainer may take from its start to its first training heartbeat, &gt; 0
     * @param clock          the time source; the watchdog passes a monotonic one
     */
    public HangDetector(Duration timeout, Duration startupTimeout, Clock clock) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("hang timeout must be > 0, found " + timeout);
        }
        if (startupTimeout.isNegative() || startupTimeout.isZero()) {
            throw new IllegalArgumentException("startup timeout must be > 0, found " + startupTimeout);
        }
        this.timeout = timeout;
        this.startupTimeout = startupTimeout;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.lastChange = clock.instant();
        this.startedAt = lastChange;
    }

    /**
     * Starts watching a new trainer process; silence counts from now.
     *
     * @param trainerPid       the process id
     * @param belongsToTrainer whether a heartbeat's pid is this trainer's (the process itself, or a child that a
     *                         launcher script started)
     */
    public void watch(long trainerPid, LongPredicate belongsToTrainer) {
        this.pid = trainerPid;
        this.belongsToTrainer = Objects.requireNonNull(belongsToTrainer, "belongsToTrainer");
        this.lastChange = clock.instant();
        this.startedAt = lastChange;
        this.startingUp = true;
        this.lastSeen = Optional.empty();
    }

    /**
     * Looks at the current heartbeat file.
     *
     * @param beat what {@link Heartbeat#read} returned
     * @return whether it is the watched trainer's, from training, and changed since the last look
     */
    public boolean observe(Optional<Heartbeat> beat) {
        if (beat.isEmpty() || !belongsToTrainer.test(beat.get().pid())) {
            return false;
        }
        Heartbeat now = beat.get();
        if (now.phase().startUp()) {
            // alive and starting, which is no progress: the start-up timeout judges it
            lastSeen = beat;
            return false;
        }
        if (startingUp) {
            startingUp = false;
            lastSeen = Optional.empty();
        }
        boolean changed = lastSeen.map(old -> old.progress() != now.progress()
                        || !old.updatedAt().equals(now.updatedAt())
                        || old.pid() != now.pid())
                .orElse(true);
        if (changed) {
            lastSeen = beat;
            lastChange = clock.instant();
        }
        return changed;
    }

    /**
     * Forgets the silence so far, for when the watchdog itself could not look (it was paused with the trainer,
     * or the machine slept).
     */
    public void restartClock() {
        lastChange = clock.instant();
        startedAt = lastChange;
    }

    /** @return how long the watched trainer has shown no progress (while it starts: since its start) */
    public Duration silence() {
        return Duration.between(startingUp ? startedAt : lastChange, clock.instant());
    }

    /** @return whether the silence reached the hang timeout, or start-up the start-up timeout */
    public boolean hung() {
        return silence().compareTo(startingUp ? startupTimeout : timeout) >= 0;
    }

    /** @return whether the watched trainer has not written a heartbeat of training yet */
    public boolean startingUp() {
        return startingUp;
    }

    /** @return the start-up timeout */
    public Duration startupTimeout() {
        return startupTimeout;
    }

    /** @return the hang timeout */
    public Duration timeout() {
        return timeout;
    }

    /** @return the process being watched */
    public long pid() {
        return pid;
    }

    /** @return the step of the last heartbeat seen from the watched trainer, empty before the first */
    public OptionalLong lastStep() {
        return lastSeen.map(b -> OptionalLong.of(b.step())).orElse(OptionalLong.empty());
    }

    /** @return the last heartbeat seen from the watched trainer */
    public Optional<Heartbeat> lastHeartbeat() {
        return lastSeen;
    }
}
