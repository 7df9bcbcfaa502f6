package org.trainguard.session;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainguard.core.ExitCode;
import org.trainguard.core.checkpoint.BestCheckpoint;
import org.trainguard.core.checkpoint.BestCheckpoints;
import org.trainguard.core.checkpoint.CheckpointManifest;
import org.trainguard.core.checkpoint.CheckpointStore;
import org.trainguard.core.lock.RunLock;
import org.trainguard.core.mirror.CheckpointMirror;
import org.trainguard.core.mirror.MirrorTarget;
import org.trainguard.core.run.RunLayout;
import org.trainguard.core.run.SessionState;
import org.trainguard.core.run.SessionStateBuilder;
import org.trainguard.core.run.SessionStatus;
import org.trainguard.core.run.SessionStore;
import org.trainguard.session.mirror.Mirrors;

/**
 * Decides how a run starts: reads the session file, archives the earlier run for {@code --resume
 * never}, picks the newest checkpoint that verifies (locally, else from the mirror) or the one
 * asked for, refuses a start that would silently lose progress, and checks {@code best.json}.
 */
final class ResumePlanner {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingSessionManager.class);
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final SessionOptions options;
    private final CheckpointStore store;
    private final SessionRecorder recorder;
    private final RunLock lock;

    /**
     * @param options how to resume
     * @param store the run's checkpoints
     * @param recorder records a refused start
     * @param lock the held run lock (its host goes into the session file)
     */
    ResumePlanner(SessionOptions options, CheckpointStore store, SessionRecorder recorder, RunLock lock) {
        this.options = options;
        this.store = store;
        this.recorder = recorder;
        this.lock = lock;
    }

    /**
     * @return the plan
     * @throws ResumeRefusedException when the asked-for checkpoint does not verify, or a new run would mix with another in the mirror
     * @throws NoGoodCheckpointException when the run had checkpoints and none verifies
     * @throws IOException when the folder or the mirror cannot be read
     */
    ResumePlan plan() throws IOException {
        Files.createDirectories(options.outputDir());
        store.removeUnfinished();
        SessionStore sessionStore = recorder.store();
        SessionStore.ReadResult previous = sessionStore.read();
        if (previous.corrupt()) {
            LOG.warn("{}; rebuilding it from the checkpoints", previous.problem());
        } else if (previous.state().isEmpty()
                && options.resume() != ResumeMode.NEVER
                && !store.list().isEmpty()) {
            LOG.warn(
                    "{} is missing, but {} holds checkpoints; rebuilding it from the checkpoints",
                    sessionStore.file(),
                    store.dir());
        }
        Optional<SessionState> prev = previous.state();
        if (options.resume() == ResumeMode.NEVER && options.mirror().isPresent()) {
            refuseMixingRunsInTheMirror();
        }
        if (options.resume() == ResumeMode.NEVER) {
            archivePreviousRun();
            prev = Optional.empty();
        }
        int[] brokenNow = {0};
        Optional<CheckpointStore.Checkpoint> local =
                switch (options.resume()) {
                    case NEVER -> Optional.empty();
                    case AUTO ->
                        store.newestVerified((c, why) -> {
                            brokenNow[0]++;
                            LOG.warn("checkpoint {} does not verify ({}); trying the one before", c.name(), why);
                        });
                    case PATH ->
                        Optional.of(explicitCheckpoint(options.resumePath().orElseThrow()));
                };
        Optional<CheckpointMirror> mirror = options.mirror().map(m -> new CheckpointMirror(Mirrors.open(m)));
        Optional<CheckpointStore.Checkpoint> from;
        try {
            from = options.resume() == ResumeMode.AUTO && local.isEmpty() && mirror.isPresent()
                    ? restoreFromMirror(mirror.get())
                    : local;
            if (options.resume() == ResumeMode.AUTO && from.isEmpty()) {
                refuseIfProgressLost(prev, brokenNow[0]);
            }
        } catch (IOException | RuntimeException e) {
            mirror.ifPresent(m -> m.target().close());
            throw e;
        }
        Optional<BestCheckpoint> best = options.resume() == ResumeMode.NEVER ? Optional.empty() : checkBest(from);
        String sessionId = prev.map(SessionState::sessionId)
                .or(() -> from.flatMap(this::sessionIdOf))
                .orElseGet(() -> UUID.randomUUID().toString());
        return new ResumePlan(prev, from, best, sessionId, mirror);
    }

    /**
     * The session state a start begins with: the previous one (counting a restart when the previous
     * trainer ended without a clean stop, or failed) or a new one.
     *
     * @param plan the plan
     * @return the state, status {@link SessionStatus#STARTING}
     */
    SessionStateBuilder openingState(ResumePlan plan) {
        Optional<SessionState> prev = plan.previous();
        SessionStateBuilder b =
                startOf(prev, plan.sessionId()).status(SessionStatus.STARTING).exit(null);
        if (prev.isPresent()) {
            SessionState p = prev.get();
            if (p.status().live()) {
                LOG.warn(
                        "the previous trainer (pid {} on {}) ended without a clean stop while {}: counting a restart",
                        p.pid(),
                        p.host(),
                        p.status());
                b.restarts(p.restarts() + 1);
            } else if (p.status() == SessionStatus.FAILED) {
                LOG.info(
                        "the previous trainer failed ({}): counting a restart",
                        p.exitInfo().map(SessionState.Exit::reason).orElse("unknown"));
                b.restarts(p.restarts() + 1);
            }
        } else if (plan.from().isPresent()) {
            b.startedAt(Instant.now());
        }
        return b;
    }

    private SessionStateBuilder startOf(Optional<SessionState> prev, String sessionId) {
        return prev.map(SessionState::toBuilder)
                .orElseGet(() -> SessionState.builder(sessionId))
                .pid(ProcessHandle.current().pid())
                .host(lock.info().host())
                .configPath(options.configPath())
                .configSha256(options.configSha256());
    }

    /**
     * With no local checkpoint that verifies (the output folder was lost, or every checkpoint in it is broken),
     * brings the newest mirrored checkpoint that verifies into the local folder. A mirror that cannot be read
     * stops the start: beginning again from step 0 could throw away the run's progress.
     */
    private Optional<CheckpointStore.Checkpoint> restoreFromMirror(CheckpointMirror mirror) throws IOException {
        String target = mirror.target().describe();
        LOG.info("no local checkpoint verifies; looking for the newest verified copy in the mirror {}", target);
        try {
            Optional<CheckpointStore.Checkpoint> restored = mirror.restoreNewest(
                    store,
                    (s, why) ->
                            LOG.warn("the mirror's checkpoint-{} does not verify ({}); trying the one before", s, why));
            if (restored.isEmpty()) {
                LOG.info("the mirror {} holds no checkpoint that verifies", target);
            } else {
                LOG.info(
                        "resuming from checkpoint-{}, downloaded from the mirror {} and verified",
                        restored.get().step(),
                        target);
            }
            return restored;
        } catch (IOException e) {
            throw new IOException(
                    "cannot read the mirror " + target + " (" + e.getMessage() + "); not starting again "
                            + "from step 0 while it may hold the run's checkpoints",
                    e);
        }
    }

    /**
     * A new run ({@code --resume never}) into a mirror that holds another run's checkpoints would mix the two: rotation
     * would keep the old run's higher steps, and a lost output folder would resume the old run.
     */
    private void refuseMixingRunsInTheMirror() throws IOException {
        try (MirrorTarget target = Mirrors.open(options.mirror().orElseThrow())) {
            List<Long> steps;
            try {
                steps = new CheckpointMirror(target).steps();
            } catch (IOException e) {
                throw new IOException("cannot read the mirror " + target.describe() + ": " + e.getMessage(), e);
            }
            if (!steps.isEmpty()) {
                throw new ResumeRefusedException("--resume never starts a new run, but the mirror " + target.describe()
                        + " holds checkpoints of a run up to step " + steps.get(steps.size() - 1)
                        + "; point checkpoint.mirror "
                        + "at another folder or prefix, or empty it, so that the two runs' checkpoints never mix");
            }
        }
    }

    /**
     * Stops a start that would silently begin again from step 0 although the run had checkpoints:
     * the session file recorded a committed checkpoint, or checkpoints were found broken (now or at
     * an earlier start). A run that never committed a checkpoint has nothing to lose and starts over.
     */
    private void refuseIfProgressLost(Optional<SessionState> prev, int brokenNow) throws IOException {
        boolean hadCheckpoint = prev.flatMap(SessionState::lastCheckpointRef).isPresent();
        Path brokenDir = store.dir().resolve(CheckpointStore.BROKEN_DIR_NAME);
        long brokenAll = 0;
        if (Files.isDirectory(brokenDir)) {
            try (var entries = Files.list(brokenDir)) {
                brokenAll = entries.count();
            }
        }
        if (!hadCheckpoint && brokenNow == 0 && brokenAll == 0) {
            return;
        }
        long reached = prev.map(SessionState::step).orElse(0L);
        String reason = "the run in " + options.outputDir()
                + (reached > 0 ? " had reached step " + reached : " had checkpoints")
                + ", but no checkpoint verifies (" + brokenAll + " in " + brokenDir
                + ", each with a REASON.txt saying why); "
                + "not starting again from step 0 by itself. To start over, run again with --resume never, which moves this run's "
                + "files to previous/";
        recorder.set(startOf(prev, UUID.randomUUID().toString())
                .status(SessionStatus.FAILED)
                .exit(new SessionState.Exit(ExitCode.NO_GOOD_CHECKPOINT.code(), reason))
                .eta(null)
                .build());
        recorder.writeEnd();
        LOG.error("{}", reason);
        throw new NoGoodCheckpointException(reason);
    }

    /**
     * Checks {@code checkpoints/best.json} against the checkpoints, and rewrites it from their
     * recorded metrics when it does not match them (saying why).
     */
    private Optional<BestCheckpoint> checkBest(Optional<CheckpointStore.Checkpoint> verified) {
        BestCheckpoints.Check check = BestCheckpoints.check(
                store,
                options.metric(),
                options.greaterIsBetter(),
                verified.map(CheckpointStore.Checkpoint::step).orElse(-1L));
        if (check.rebuilt()) {
            Path file = store.dir().resolve(BestCheckpoint.FILE_NAME);
            try {
                if (check.best().isPresent()) {
                    BestCheckpoint b = check.best().get();
                    store.writeBest(b);
                    LOG.warn(
                            "{} {}; rebuilt it from the checkpoints' recorded metrics: the best is {} ({} {})",
                            file,
                            check.problem(),
                            b.path(),
                            b.metric(),
                            b.value());
                } else {
                    Files.deleteIfExists(file);
                    LOG.warn(
                            "{} {}; removed it, since no checkpoint records an evaluation by {}",
                            file,
                            check.problem(),
                            options.metric());
                }
            } catch (IOException e) {
                LOG.warn("{} {}, and it cannot be rewritten: {}", file, check.problem(), e.toString());
            }
        }
        return check.best();
    }

    private Optional<String> sessionIdOf(CheckpointStore.Checkpoint c) {
        return store.verify(c.dir())
                .manifest()
                .map(CheckpointManifest::provenance)
                .map(p -> p.get("session_id"))
                .map(Object::toString);
    }

    private CheckpointStore.Checkpoint explicitCheckpoint(Path dir) {
        CheckpointStore.Verification v = store.verify(dir);
        if (!v.ok()) {
            throw new ResumeRefusedException("cannot resume from " + dir + ": " + v.problem());
        }
        return new CheckpointStore.Checkpoint(v.manifest().orElseThrow().step(), dir);
    }

    private void archivePreviousRun() throws IOException {
        Path out = options.outputDir();
        List<Path> old = new ArrayList<>();
        for (String name : List.of(
                RunLayout.CHECKPOINTS, RunLayout.SESSION, RunLayout.METRICS, RunLayout.FINAL, RunLayout.HEARTBEAT)) {
            if (Files.exists(out.resolve(name))) {
                old.add(out.resolve(name));
            }
        }
        if (old.isEmpty()) {
            return;
        }
        Path archive = out.resolve(RunLayout.PREVIOUS).resolve(STAMP.format(Instant.now()));
        Files.createDirectories(archive);
        for (Path p : old) {
            Files.move(p, archive.resolve(p.getFileName()));
        }
        LOG.info("--resume never: moved the earlier run's files to {}", out.relativize(archive));
    }
}
