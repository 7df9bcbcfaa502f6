package org.trainguard.core.run;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Changes a few fields of a {@link SessionState} without a long constructor call: {@link SessionState#toBuilder()}
 * starts from a state, {@link SessionState#builder(String)} from a new run's first state.
 */
public final class SessionStateBuilder {
    private String sessionId;
    private SessionStatus status;
    private long pid;
    private String host;
    private String configPath;
    private String configSha256;
    private Instant startedAt;
    private long step;
    private long totalSteps;
    private int epoch;
    private int totalEpochs;
    private long samplesSeen;
    private double stepsPerSecond;
    private Instant eta;
    private SessionState.CheckpointRef lastCheckpoint;
    private SessionState.Best best;
    private Map<String, Object> lastMetrics;
    private int restarts;
    private List<SessionState.Resume> resumes;
    private SessionState.Exit exit;
    private List<SessionState.Pause> pauses;
    private SessionState.DiskShortage disk;
    private List<SessionState.Rollback> rollbacks;
    private SessionState.EarlyStopping earlyStopping;
    private SessionState.Mirror mirror;

    SessionStateBuilder(SessionState s) {
        sessionId = s.sessionId();
        status = s.status();
        pid = s.pid();
        host = s.host();
        configPath = s.configPath();
        configSha256 = s.configSha256();
        startedAt = s.startedAt();
        step = s.step();
        totalSteps = s.totalSteps();
        epoch = s.epoch();
        totalEpochs = s.totalEpochs();
        samplesSeen = s.samplesSeen();
        stepsPerSecond = s.stepsPerSecond();
        eta = s.eta();
        lastCheckpoint = s.lastCheckpoint();
        best = s.best();
        lastMetrics = s.lastMetrics();
        restarts = s.restarts();
        resumes = s.resumes();
        exit = s.exit();
        pauses = s.pauses();
        disk = s.disk();
        rollbacks = s.rollbacks();
        earlyStopping = s.earlyStopping();
        mirror = s.mirror();
    }

    /** @param v value @return this */
    public SessionStateBuilder status(SessionStatus v) {
        status = v;
        return this;
    }
    /** @param v value @return this */
    public SessionStateBuilder pid(long v) {
        pid = v;
        return this;
    }
    /** @param v value @return this */
    public SessionStateBuilder host(String v) {
        host = v;
        return this;
    }
    /** @param v value @return this */
    public SessionStateBuilder configPath(String v) {
        configPath = v;
        return this;
    }
    /** @param v value @return this */
    public SessionStateBuilder configSha256(String v) {
        configSha256 = v;
        return this;
    }
    /** @param v value @return this */
    public SessionStateBuilder startedAt(Instant v) {
        startedAt = v;
        return this;
    }
    /** @param v value @return this */
    public SessionStateBuilder step(long v) {
        step = v;
        return this;
    }
    /** @param v value @return this */
    public SessionStateBuilder totalSteps(long v) {
        totalSteps = v;
        return this;
    }
    /** @param v value @return this */
    public SessionStateBuilder epoch(int v) {
        epoch = v;
        return this;
    }
    /** @param v value @return this */
    public SessionStateBuilder totalEpochs(int v) {
        totalEpochs = v;
        return this;
    }
    /** @param v value @return this */
    public SessionStateBuilder samplesSeen(long v) {
        samplesSeen = v;
        return this;
    }
    /** @param v value @return this */
    public SessionStateBuilder stepsPerSecond(double v) {
        stepsPerSecond = v;
        return this;
    }
    /** @param v value, null when unknown @return this */
    public SessionStateBuilder eta(Instant v) {
        eta = v;
        return this;
    }
    /** @param v value @return this */
    public SessionStateBuilder lastCheckpoint(SessionState.CheckpointRef v) {
        lastCheckpoint = v;
        return this;
    }
    /** @param v value @return this */
    public SessionStateBuilder best(SessionState.Best v) {
        best = v;
        return this;
    }
    /** @param v value @return this */
    public SessionStateBuilder lastMetrics(Map<String, Object> v) {
        lastMetrics = v;
        return this;
    }
    /** @param v value @return this */
    public SessionStateBuilder restarts(int v) {
        restarts = v;
        return this;
    }
    /** @param v value @return this */
    public SessionStateBuilder resumes(List<SessionState.Resume> v) {
        resumes = v;
        return this;
    }
    /** @param v value, null while running @return this */
    public SessionStateBuilder exit(SessionState.Exit v) {
        exit = v;
        return this;
    }
    /** @param v value @return this */
    public SessionStateBuilder pauses(List<SessionState.Pause> v) {
        pauses = v;
        return this;
    }
    /** @param v value, null while the next checkpoint fits @return this */
    public SessionStateBuilder disk(SessionState.DiskShortage v) {
        disk = v;
        return this;
    }
    /** @param v value @return this */
    public SessionStateBuilder rollbacks(List<SessionState.Rollback> v) {
        rollbacks = v;
        return this;
    }
    /** @param v value @return this */
    public SessionStateBuilder earlyStopping(SessionState.EarlyStopping v) {
        earlyStopping = v;
        return this;
    }
    /** @param v value, null without a mirror @return this */
    public SessionStateBuilder mirror(SessionState.Mirror v) {
        mirror = v;
        return this;
    }

    /** @return the state, stamped with the current time */
    public SessionState build() {
        return new SessionState(
                SessionState.SCHEMA_VERSION,
                sessionId,
                status,
                pid,
                host,
                configPath,
                configSha256,
                startedAt,
                Instant.now(),
                step,
                totalSteps,
                epoch,
                totalEpochs,
                samplesSeen,
                stepsPerSecond,
                eta,
                lastCheckpoint,
                best,
                lastMetrics,
                restarts,
                resumes,
                exit,
                pauses,
                disk,
                rollbacks,
                earlyStopping,
                mirror);
    }
}
