package org.trainguard.session;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainguard.core.run.Heartbeat;
import org.trainguard.core.run.SessionState;
import org.trainguard.core.run.SessionStateBuilder;
import org.trainguard.core.run.SessionStatus;
import org.trainguard.core.run.SessionStore;

/**
 * Records a run for people and for the watchdog: the session file (rewritten on every change and by
 * an autosave timer) and the heartbeat. Every change of the session state goes through it.
 */
final class SessionRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingSessionManager.class);

    private final Path outputDir;
    private final SessionStore store;
    private final RunPosition position;
    /** Adds the live figures (step, throughput, ETA ...) to a change. */
    private final UnaryOperator<SessionStateBuilder> figures;

    private SessionState session;
    private ScheduledExecutorService autosave;
    private volatile long lastBeatNanos;

    /**
     * @param outputDir the run's folder
     * @param position the counters the heartbeat reports
     * @param figures adds the live figures to every {@link #update}
     */
    SessionRecorder(Path outputDir, RunPosition position, UnaryOperator<SessionStateBuilder> figures) {
        this.outputDir = outputDir;
        this.store = new SessionStore(outputDir);
        this.position = position;
        this.figures = figures;
    }

    /** @return the session file's store */
    SessionStore store() {
        return store;
    }

    /** @return the session state as last recorded */
    synchronized SessionState state() {
        return session;
    }

    /** @param s the state from now on (not yet written) */
    synchronized void set(SessionState s) {
        session = s;
    }

    /** @param change a change of the state with the live figures (not yet written) */
    synchronized void update(UnaryOperator<SessionStateBuilder> change) {
        session = change.apply(figures.apply(session.toBuilder())).build();
    }

    /** @param change a change of the state that leaves the live figures as they were (not yet written) */
    synchronized void change(UnaryOperator<SessionStateBuilder> change) {
        session = change.apply(session.toBuilder()).build();
    }

    /** Writes the session file; a failure is logged and retried at the next write. */
    synchronized void write() {
        try {
            store.write(session);
        } catch (IOException e) {
            LOG.error("cannot write {}: {}; will retry at the next save", store.file(), e.toString());
        }
    }

    /** Writes how the run ended, into the disk space held back for it when the disk is full. */
    synchronized void writeEnd() {
        try {
            if (store.writeEnd(session)) {
                LOG.warn(
                        "the disk is full: {} was written into the space held back by {}",
                        store.file(),
                        SessionStore.RESERVE_FILE_NAME);
            }
        } catch (IOException e) {
            LOG.error("cannot write {}: {}", store.file(), e.toString());
        }
    }

    /** Holds back disk space for the session file's last write. */
    void reserveSpace() {
        try {
            store.reserveSpace();
        } catch (IOException e) {
            LOG.warn(
                    "cannot hold back disk space in {} for the session's last write: {}",
                    SessionStore.RESERVE_FILE_NAME,
                    e.toString());
        }
    }

    /**
     * Rewrites the session file every {@code millis} from a timer of its own, so that a long
     * evaluation or a slow step does not leave it stale. The timer's thread only builds and writes
     * JSON: a thread that ran ND4J operations would slow training (see CheckpointWriter).
     *
     * @param millis the period
     */
    synchronized void startAutosave(long millis) {
        stopAutosave();
        autosave = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "trainguard-autosave");
            t.setDaemon(true);
            return t;
        });
        autosave.scheduleAtFixedRate(
                () -> {
                    try {
                        update(b -> b);
                        write();
                    } catch (RuntimeException e) {
                        LOG.warn("the session file autosave failed: {}", e.toString());
                    }
                },
                millis,
                millis,
                TimeUnit.MILLISECONDS);
    }

    /** Stops the autosave timer. */
    synchronized void stopAutosave() {
        if (autosave != null) {
            autosave.shutdownNow();
            autosave = null;
        }
    }

    /** @param status what the trainer is doing, for the heartbeat file */
    void beat(SessionStatus status) {
        lastBeatNanos = System.nanoTime();
        try {
            Heartbeat.write(
                    outputDir,
                    new Heartbeat(
                            ProcessHandle.current().pid(),
                            status,
                            position.step,
                            position.progressCounter,
                            Instant.now()));
        } catch (IOException e) {
            LOG.debug("cannot write the heartbeat: {}", e.toString());
        }
    }

    /** @return when the last heartbeat was written ({@link System#nanoTime()}) */
    long lastBeatNanos() {
        return lastBeatNanos;
    }

    /**
     * Records how the run ended: stops the autosave, writes the session file's end and a last heartbeat.
     *
     * @param status the final status
     * @param code the exit status
     * @param reason a sentence for people
     */
    void finish(SessionStatus status, int code, String reason) {
        stopAutosave();
        update(b -> b.status(status).exit(new SessionState.Exit(code, reason)).eta(null));
        writeEnd();
        beat(status);
    }

    /**
     * Records a pause of the process.
     *
     * @param at when it began
     * @param length how long it lasted
     * @param monotonic whether the monotonic clock saw it (the process was stopped) rather than only the wall clock
     */
    void recordPause(Instant at, Duration length, boolean monotonic) {
        LOG.warn(
                "the trainer did not run for {} s from {} ({})",
                length.toSeconds(),
                at,
                monotonic
                        ? "the process was stopped or the virtual machine frozen"
                        : "the machine was suspended, or its clock was set forward");
        update(b -> {
            List<SessionState.Pause> all = new ArrayList<>(session.pauses());
            all.add(new SessionState.Pause(at, length.toMillis() / 1000.0));
            return b.pauses(all);
        });
        write();
    }
}
