package org.trainguard.session;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainguard.core.ExitCode;
import org.trainguard.core.checkpoint.BestCheckpoint;
import org.trainguard.core.checkpoint.BestCheckpoints;
import org.trainguard.core.checkpoint.CheckpointManifest;
import org.trainguard.core.checkpoint.CheckpointStore;
import org.trainguard.core.checkpoint.DiskGuard;
import org.trainguard.core.config.OnDivergence;
import org.trainguard.core.checkpoint.TrainingState;
import org.trainguard.core.lock.RunLock;
import org.trainguard.core.mirror.CheckpointMirror;
import org.trainguard.core.mirror.MirrorTarget;
import org.trainguard.core.session.Heartbeat;
import org.trainguard.core.session.SessionState;
import org.trainguard.core.session.SessionStatus;
import org.trainguard.core.io.Hashing;
import org.trainguard.core.session.SessionStore;
import org.trainguard.session.sparse.FastTextTrainingStep;
import org.trainguard.session.mirror.MirrorCopier;
import org.trainguard.session.mirror.Mirrors;
import org.trainguard.session.sparse.SparseTrainingStep;

/**
 * Runs training of any DL4J network so that it survives being killed: it owns the run lock, the
 * session file and the checkpoints; resumes exactly where an interrupted run stopped; checkpoints,
 * evaluates and autosaves on schedule; and turns SIGINT, SIGTERM and SIGHUP into an emergency
 * checkpoint.
 *
 * <pre>{@code
 * try (TrainingSessionManager session = TrainingSessionManager.open(net, SessionOptions.builder(dir).epochs(3).build())) {
 *     TrainingSessionManager.Outcome outcome = session.fit(iterator);
 * }
 * }</pre>
 */
public final class TrainingSessionManager implements AutoCloseable {

    /**
     * How {@link #fit} ended.
     *
     * @param completed whether every step ran
     * @param step steps done
     * @param exitCode the exit status a command-line program should end with
     * @param reason a sentence for people
     */
    public record Outcome(boolean completed, long step, int exitCode, String reason) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(TrainingSessionManager.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final NetworkAdapter net;
    private final SessionOptions options;
    private final RunLock lock;
    private final boolean ownsLock;
    private final CheckpointStore store;
    private final SessionStore sessionStore;
    private final CheckpointWriter writer;
    private final ProgressCallback progress;
    private final SignalTrap signals;
    private final Thread shutdownHook;
    private final CountDownLatch loopDone = new CountDownLatch(1);
    private final Map<String, Object> provenance;
    /** Copies checkpoints to {@code checkpoint.mirror}; null without a mirror. */
    private volatile MirrorCopier mirrorCopier;

    private SessionState session;
    private ScheduledExecutorService autosave;
    // read by the autosave timer's thread as well
    private volatile long step;
    private volatile int epoch;
    private long batchInEpoch;
    private volatile long samplesSeen;
    private double trainingSeconds;
    private long totalSteps;
    private volatile Optional<BestCheckpoint> best;
    private Map<String, Object> lastMetrics = Map.of();
    private volatile long lastCheckpointStep = -1;
    private long lastEvalStep = -1;
    private int evaluationsWithoutImprovement;
    // why the run ended early (eval.early_stopping), once it has
    private volatile String stoppedEarly;
    private long progressCounter;
    private long lastHeartbeatNanos;
    private long lastAutosaveNanos;
    private long lastCheckpointNanos;
    private volatile boolean stopRequested;
    private volatile SignalTrap.StopSignal manualStop;
    private volatile boolean loopRunning;
    private boolean closed;
    /** Null when {@code checkpoint.disk_guard} is off. */
    private final DiskGuard diskGuard;
    /** Set when the disk guard stopped the run before a checkpoint. */
    private Outcome diskStop;
    private final LearningRateScaler lrScaler = new LearningRateScaler();
    /** The learning-rate factor of the rollbacks so far (1 without any); part of every checkpoint. */
    private double lrFactor = 1.0;
    private int rollbacks;

    private TrainingSessionManager(NetworkAdapter net, SessionOptions options, RunLock lock, boolean ownsLock, PrintStream terminal) {
        this.net = net;
        this.options = options;
        this.lock = lock;
        this.ownsLock = ownsLock;
        this.store = new CheckpointStore(options.outputDir());
        this.sessionStore = new SessionStore(options.outputDir());
        this.writer = new CheckpointWriter(net, store, options.maxFailedWrites());
        this.diskGuard = options.diskGuard() ? new DiskGuard(store, options.outputDir(), options.diskMarginBytes()) : null;
        this.progress = new ProgressCallback(options.logEverySteps(), terminal);
        this.signals = options.handleSignals() ? SignalTrap.install(() -> stopRequested = true) : null;
        this.provenance = new LinkedHashMap<>(options.provenance());
        this.shutdownHook = new Thread(this::onShutdown, "trainguard-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Opens a run in {@code options.outputDir()}: takes the run lock, and resumes from the newest
     * checkpoint that verifies unless told otherwise.
     *
     * @param model a {@link MultiLayerNetwork} or {@link ComputationGraph}, initialized
     * @param options how to run
     * @return the open session; close it to flush the session file and release the lock
     * @throws RunLock.LockHeldException when another trainer runs in the folder
     * @throws ResumeRefusedException when the checkpoint does not fit this network or configuration
     * @throws IOException when the folder cannot be written
     */
    public static TrainingSessionManager open(Model model, SessionOptions options) throws RunLock.LockHeldException, IOException {
        RunLock lock = RunLock.acquire(options.outputDir(), "");
        try {
            return open(model, options, lock, true, null);
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /**
     * Opens a run with a lock the caller already holds (so a second trainer is refused before it
     * spends time loading data), drawing a live progress bar on {@code terminal} when not null.
     *
     * @param model a {@link MultiLayerNetwork} or {@link ComputationGraph}, initialized
     * @param options how to run
     * @param lock the held run lock of {@code options.outputDir()}; the caller closes it
     * @param terminal where to draw a live progress bar, or null to log plain lines
     * @return the open session
     * @throws IOException when the folder cannot be written
     */
    public static TrainingSessionManager open(Model model, SessionOptions options, RunLock lock, PrintStream terminal) throws IOException {
        return open(model, options, lock, false, terminal);
    }

    private static TrainingSessionManager open(Model model, SessionOptions options, RunLock lock, boolean ownsLock, PrintStream terminal)
            throws IOException {
        TrainingSessionManager m = new TrainingSessionManager(NetworkAdapter.of(model), options, lock, ownsLock, terminal);
        try {
            m.start();
        } catch (IOException | RuntimeException e) {
            m.releaseHooks();
            throw e;
        }
        return m;
    }

    // ------------------------------------------------------------------ start and resume

    /** The hooks of the running {@link #fit}; the writer's thread reads them. */
    private volatile TrainingHooks activeHooks = TrainingHooks.NONE;

    private void start() throws IOException {
        Files.createDirectories(options.outputDir());
        store.removeUnfinished();
        SessionStore.ReadResult previous = sessionStore.read();
        if (previous.corrupt()) {
            LOG.warn("{}; rebuilding it from the checkpoints", previous.problem());
        } else if (previous.state().isEmpty() && options.resume() != ResumeMode.NEVER && !store.list().isEmpty()) {
            LOG.warn("{} is missing, but {} holds checkpoints; rebuilding it from the checkpoints", sessionStore.file(), store.dir());
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
        Optional<CheckpointStore.Checkpoint> local = switch (options.resume()) {
            case NEVER -> Optional.empty();
            case AUTO -> store.newestVerified((c, why) -> {
                brokenNow[0]++;
                LOG.warn("checkpoint {} does not verify ({}); trying the one before", c.name(), why);
            });
            case PATH -> Optional.of(explicitCheckpoint(options.resumePath().orElseThrow()));
        };
        Optional<CheckpointMirror> mirror = options.mirror().map(m -> new CheckpointMirror(Mirrors.open(m)));
        Optional<CheckpointStore.Checkpoint> from;
        try {
            from = options.resume() == ResumeMode.AUTO && local.isEmpty() && mirror.isPresent()
                    ? restoreFromMirror(mirror.get()) : local;
            if (options.resume() == ResumeMode.AUTO && from.isEmpty()) {
                refuseIfProgressLost(prev, brokenNow[0]);
            }
        } catch (IOException | RuntimeException e) {
            mirror.ifPresent(m -> m.target().close());
            throw e;
        }
        best = options.resume() == ResumeMode.NEVER ? Optional.empty() : checkBest(from);

        String sessionId = prev.map(SessionState::sessionId)
                .or(() -> from.flatMap(this::sessionIdOf))
                .orElseGet(() -> UUID.randomUUID().toString());
        provenance.put("session_id", sessionId);
        provenance.putIfAbsent("trainguard_version", Optional.ofNullable(TrainingSessionManager.class.getPackage().getImplementationVersion()).orElse("dev"));
        provenance.put("java", System.getProperty("java.version"));
        provenance.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        lock.updateSessionId(sessionId);

        SessionState.Builder b = prev.map(SessionState::toBuilder).orElseGet(() -> SessionState.builder(sessionId))
                .pid(ProcessHandle.current().pid()).host(lock.info().host())
                .configPath(options.configPath()).configSha256(options.configSha256())
                .status(SessionStatus.STARTING).exit(null);
        if (prev.isPresent()) {
            SessionState p = prev.get();
            if (p.status().live()) {
                LOG.warn("the previous trainer (pid {} on {}) ended without a clean stop while {}: counting a restart",
                        p.pid(), p.host(), p.status());
                b.restarts(p.restarts() + 1);
            } else if (p.status() == SessionStatus.FAILED) {
                LOG.info("the previous trainer failed ({}): counting a restart", p.exitInfo().map(SessionState.Exit::reason).orElse("unknown"));
                b.restarts(p.restarts() + 1);
            }
        } else if (from.isPresent()) {
            b.startedAt(Instant.now());
        }
        if (from.isPresent()) {
            restore(from.get());
            List<SessionState.Resume> resumes = new ArrayList<>(prev.map(SessionState::resumes).orElse(List.of()));
            resumes.add(new SessionState.Resume(Instant.now(), step));
            b.resumes(resumes);
            b.lastCheckpoint(new SessionState.CheckpointRef(step, from.get().dir().toString(), Instant.now()));
            continueRollback(prev);
        } else if (prev.isPresent() && prev.get().step() > 0 && options.resume() == ResumeMode.AUTO) {
            LOG.warn("{} says step {}, but no checkpoint verifies: starting from step 0", SessionStore.FILE_NAME, prev.get().step());
            b.step(0).lastCheckpoint(null);
        }
        b.best(best.map(x -> new SessionState.Best(x.metric(), x.value(), x.step())).orElse(null));
        if (mirror.isPresent()) {
            String target = mirror.get().target().describe();
            SessionState.Mirror initial = prev.flatMap(SessionState::mirrorState).filter(m -> m.target().equals(target))
                    .map(m -> new SessionState.Mirror(target, m.lastStep(), m.lastAt(), m.lastError(), m.errorAt(), 0))
                    .orElse(new SessionState.Mirror(target, -1, null, null, null, 0));
            b.mirror(initial);
            mirrorCopier = new MirrorCopier(mirror.get(), store, options.keepLast(), this::bestStepKept, initial, this::onMirrorState);
            // a checkpoint committed just before the last process ended may never have reached the mirror
            if (from.isPresent() && initial.lastStep() < from.get().step()) {
                mirrorCopier.submit(from.get());
            }
        }
        session = b.build();
        writeSession();
        try {
            sessionStore.reserveSpace();
        } catch (IOException e) {
            LOG.warn("cannot hold back disk space in {} for the session's last write: {}", SessionStore.RESERVE_FILE_NAME, e.toString());
        }
        writer.prepare();
        refuseIfNoRoom();
    }

    /**
     * A rollback decided after the checkpoint a resume starts from is part of the run: the session file records it,
     * so a run killed after going back to this checkpoint (and before its next one) goes on with the lowered learning
     * rate instead of diverging again at the same step.
     */
    private void continueRollback(Optional<SessionState> prev) {
        List<SessionState.Rollback> recorded = prev.map(SessionState::rollbacks).orElse(List.of());
        for (int i = recorded.size() - 1; i >= 0; i--) {
            SessionState.Rollback r = recorded.get(i);
            if (r.toStep() == step && r.atStep() > step && r.lrFactor() < lrFactor) {
                lrFactor = r.lrFactor();
                rollbacks = Math.max(rollbacks, i + 1);
                LOG.info("continuing the rollback from step {} to step {}: learning rate x{}", r.atStep(), r.toStep(), r.lrFactor());
                break;
            }
        }
        if (lrFactor != 1.0) {
            lrScaler.apply(net.model(), lrFactor);
        }
    }

    /** At start-up: a run whose next checkpoint cannot fit on the disk does not start (exit 7). */
    private void refuseIfNoRoom() throws IOException {
        if (diskGuard == null || (session.totalSteps() > 0 && step >= session.totalSteps())) {
            return; // a completed run writes no more checkpoints
        }
        DiskGuard.Check c = diskGuard.check(firstCheckpointEstimate());
        if (!c.fits()) {
            c = diskGuard.freeEarly(options.keepLast(), keptSteps(), firstCheckpointEstimate());
        }
        if (c.fits()) {
            if (session.disk() != null) {
                update(b -> b.disk(null));
                writeSession();
            }
            return;
        }
        String reason = "not enough disk space to start the run in " + options.outputDir() + ": " + c.describe()
                + ". Free space on that file system (or lower checkpoint.keep_last), then run the same command again";
        DiskGuard.Check found = c;
        update(b -> b.disk(shortage(found)).status(SessionStatus.FAILED).exit(new SessionState.Exit(ExitCode.DISK_FULL.code(), reason)).eta(null));
        writeSessionEnd();
        LOG.error("{}", reason);
        throw new DiskSpaceException(reason);
    }

    private SessionState.DiskShortage shortage(DiskGuard.Check c) {
        return new SessionState.DiskShortage(Instant.now(), step, c.folder().toString(), c.neededBytes(), c.freeBytes(), c.missingBytes());
    }

    /** The size of a checkpoint before any is on disk: parameters, optimizer state, and 1 MiB for the rest. */
    private long firstCheckpointEstimate() {
        long values = net.params().length() + (net.updaterState() == null ? 0 : net.updaterState().length());
        return values * net.params().dataType().width() + (1L << 20);
    }

    private java.util.Set<Long> keptSteps() {
        return best.filter(x -> options.keepBest()).map(x -> java.util.Set.of(x.step())).orElse(java.util.Set.of());
    }

    /**
     * Before a checkpoint: whether it fits on the disk, after deleting early what rotation would delete after it.
     * When it does not, the session file records the figures, and {@code stop} ends the run (exit 7) keeping the last
     * good checkpoint.
     */
    private boolean roomForCheckpoint(boolean stop) {
        if (diskGuard == null) {
            return true;
        }
        writer.awaitIdle(); // the next capture waits for it anyway; the previous write must be counted
        DiskGuard.Check c;
        try {
            c = diskGuard.check(firstCheckpointEstimate());
            if (!c.fits()) {
                c = diskGuard.freeEarly(options.keepLast(), keptSteps(), firstCheckpointEstimate());
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot measure the free disk space of {}: {}; writing the checkpoint", options.outputDir(), e.toString());
            return true;
        }
        if (c.fits()) {
            if (state().disk() != null) {
                update(b -> b.disk(null));
            }
            return true;
        }
        long kept = Math.max(0, lastCheckpointStep);
        String reason = "not enough disk space for the checkpoint at step " + step + ": " + c.describe() + "; stopped before writing it, "
                + (lastCheckpointStep > 0 ? "the last good checkpoint (step " + kept + ") is kept" : "no checkpoint was written yet")
                + ". Free space on that file system (or lower checkpoint.keep_last), then run the same command again";
        DiskGuard.Check found = c;
        update(b -> b.disk(shortage(found)));
        LOG.error("{}", reason);
        if (stop) {
            finish(SessionStatus.FAILED, ExitCode.DISK_FULL.code(), reason);
            diskStop = new Outcome(false, step, ExitCode.DISK_FULL.code(), reason);
        } else {
            writeSession();
        }
        return false;
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
            Optional<CheckpointStore.Checkpoint> restored = mirror.restoreNewest(store, (s, why) ->
                    LOG.warn("the mirror's checkpoint-{} does not verify ({}); trying the one before", s, why));
            if (restored.isEmpty()) {
                LOG.info("the mirror {} holds no checkpoint that verifies", target);
            } else {
                LOG.info("resuming from checkpoint-{}, downloaded from the mirror {} and verified", restored.get().step(), target);
            }
            return restored;
        } catch (IOException e) {
            throw new IOException("cannot read the mirror " + target + " (" + e.getMessage() + "); not starting again "
                    + "from step 0 while it may hold the run's checkpoints", e);
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
                        + " holds checkpoints of a run up to step " + steps.get(steps.size() - 1) + "; point checkpoint.mirror "
                        + "at another folder or prefix, or empty it, so that the two runs' checkpoints never mix");
            }
        }
    }

    private OptionalLong bestStepKept() {
        Optional<BestCheckpoint> b = best;
        return b.filter(x -> options.keepBest()).map(x -> OptionalLong.of(x.step())).orElse(OptionalLong.empty());
    }

    private void onMirrorState(SessionState.Mirror m) {
        synchronized (this) {
            session = session.toBuilder().mirror(m).build();
        }
        writeSession();
    }

    private void closeMirror(Duration wait) {
        MirrorCopier c = mirrorCopier;
        if (c != null) {
            mirrorCopier = null;
            c.close(wait);
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
        String reason = "the run in " + options.outputDir() + (reached > 0 ? " had reached step " + reached : " had checkpoints")
                + ", but no checkpoint verifies (" + brokenAll + " in " + brokenDir + ", each with a REASON.txt saying why); "
                + "not starting again from step 0 by itself. To start over, run again with --resume never, which moves this run's "
                + "files to previous/";
        SessionState.Builder b = prev.map(SessionState::toBuilder).orElseGet(() -> SessionState.builder(UUID.randomUUID().toString()))
                .pid(ProcessHandle.current().pid()).host(lock.info().host())
                .configPath(options.configPath()).configSha256(options.configSha256())
                .status(SessionStatus.FAILED).exit(new SessionState.Exit(ExitCode.NO_GOOD_CHECKPOINT.code(), reason)).eta(null);
        synchronized (this) {
            session = b.build();
        }
        writeSessionEnd();
        LOG.error("{}", reason);
        throw new NoGoodCheckpointException(reason);
    }

    /**
     * Checks {@code checkpoints/best.json} against the checkpoints, and rewrites it from their
     * recorded metrics when it does not match them (saying why).
     */
    private Optional<BestCheckpoint> checkBest(Optional<CheckpointStore.Checkpoint> verified) {
        BestCheckpoints.Check check = BestCheckpoints.check(store, options.metric(), options.greaterIsBetter(),
                verified.map(CheckpointStore.Checkpoint::step).orElse(-1L));
        if (check.rebuilt()) {
            Path file = store.dir().resolve(BestCheckpoint.FILE_NAME);
            try {
                if (check.best().isPresent()) {
                    BestCheckpoint b = check.best().get();
                    store.writeBest(b);
                    LOG.warn("{} {}; rebuilt it from the checkpoints' recorded metrics: the best is {} ({} {})", file, check.problem(),
                            b.path(), b.metric(), b.value());
                } else {
                    Files.deleteIfExists(file);
                    LOG.warn("{} {}; removed it, since no checkpoint records an evaluation by {}", file, check.problem(), options.metric());
                }
            } catch (IOException e) {
                LOG.warn("{} {}, and it cannot be rewritten: {}", file, check.problem(), e.toString());
            }
        }
        return check.best();
    }

    private Optional<String> sessionIdOf(CheckpointStore.Checkpoint c) {
        return store.verify(c.dir()).manifest().map(CheckpointManifest::provenance)
                .map(p -> p.get("session_id")).map(Object::toString);
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
        for (String name : List.of(CheckpointStore.DIR_NAME, SessionStore.FILE_NAME, "metrics.jsonl", "final", Heartbeat.FILE_NAME)) {
            if (Files.exists(out.resolve(name))) {
                old.add(out.resolve(name));
            }
        }
        if (old.isEmpty()) {
            return;
        }
        Path archive = out.resolve("previous").resolve(STAMP.format(Instant.now()));
        Files.createDirectories(archive);
        for (Path p : old) {
            Files.move(p, archive.resolve(p.getFileName()));
        }
        LOG.info("--resume never: moved the earlier run's files to {}", out.relativize(archive));
    }

    private void restore(CheckpointStore.Checkpoint c) throws IOException {
        TrainingState ts = store.readTrainingState(c);
        checkFingerprints(c, ts);
        Path zip = c.dir().resolve("model.zip");
        ModelZip.ReadResult read;
        try {
            read = ModelZip.readInto(zip, net.params(), net.updaterState());
        } catch (ModelZip.LengthMismatchException e) {
            throw new ResumeRefusedException("cannot resume from " + c.dir() + ": " + e.getMessage() + "; the model shape changed");
        } catch (ModelFileException e) {
            throw new ResumeRefusedException("cannot resume from " + c.dir() + ": " + e.getMessage());
        }
        if (read == ModelZip.ReadResult.UNSUPPORTED) {
            // an array layout the bulk reader does not know (another DL4J version wrote it): DL4J reads it
            NetworkAdapter restored = net.restore(zip);
            if (restored.params().length() != net.params().length()) {
                throw new ResumeRefusedException("cannot resume from " + c.dir() + ": it holds " + restored.params().length()
                        + " parameters, this network has " + net.params().length() + "; the model shape changed");
            }
            net.params().assign(restored.params());
            if (net.updaterState() != null && restored.updaterState() != null) {
                net.updaterState().assign(restored.updaterState());
            }
        } else if (read == ModelZip.ReadResult.NO_UPDATER_STATE) {
            LOG.warn("{} holds no optimizer state: the optimizer starts afresh from {}", zip, c.name());
        }
        // DL4J's own counter in model.zip may lag by one (it is saved before it moves); trust ours.
        net.setIterationCount((int) ts.step());
        net.setEpochCount(ts.epoch());
        step = ts.step();
        epoch = ts.epoch();
        batchInEpoch = ts.batchInEpoch();
        samplesSeen = ts.samplesSeen();
        trainingSeconds = ts.trainingSeconds();
        lastMetrics = ts.metrics();
        lastCheckpointStep = step;
        lrFactor = ts.lrFactor();
        rollbacks = ts.rollbacks();
        lrScaler.apply(net.model(), lrFactor);
        evaluationsWithoutImprovement = ts.evaluationsWithoutImprovement();
        options.earlyStopping().filter(e -> evaluationsWithoutImprovement >= e.patience()).ifPresent(e -> {
            // the run already ended early at this step: it is complete, and its last evaluation is this step's
            stoppedEarly = "the run stopped early at step " + ts.step() + ": " + options.metric() + " did not improve in "
                    + evaluationsWithoutImprovement + " evaluations in a row (early stopping patience " + e.patience() + ")";
            lastEvalStep = ts.step();
        });
        if (ts.hasBest() && best.isEmpty()) {
            best = Optional.of(new BestCheckpoint(ts.bestMetric(), ts.bestValue(), ts.bestStep(), CheckpointStore.PREFIX + ts.bestStep(),
                    options.greaterIsBetter()));
        }
        LOG.info("resuming from {} (step {}, epoch {}, batch {} of the epoch)", c.name(), step, epoch + 1, batchInEpoch);
    }

    private void checkFingerprints(CheckpointStore.Checkpoint c, TrainingState ts) {
        Map<String, String> saved = ts.fingerprints();
        List<String> changed = new ArrayList<>();
        Map<String, String> mine = new LinkedHashMap<>(options.fingerprints());
        mine.put("architecture", net.architectureFingerprint());
        for (Map.Entry<String, String> e : mine.entrySet()) {
            String old = saved.get(e.getKey());
            // earlier versions recorded every fingerprint as a SHA-256, even readable settings
            if (old != null && !old.equals(e.getValue()) && !old.equals(Hashing.sha256(e.getValue()))) {
                changed.add(readable(old) && readable(e.getValue())
                        ? e.getKey() + " changed from " + old + " to " + e.getValue() : e.getKey() + " changed");
            }
        }
        if (!changed.isEmpty()) {
            throw new ResumeRefusedException("cannot resume " + options.outputDir() + " from " + c.name() + ": " + String.join("; ", changed)
                    + " since the checkpoint was written. Restore the earlier setting, or start a new run in another output "
                    + "folder (training.output_dir), or resume never (the trainer's --resume never), which archives this run");
        }
        for (Map.Entry<String, String> e : options.advisoryFingerprints().entrySet()) {
            String old = saved.get(e.getKey());
            if (old != null && !old.equals(e.getValue())) {
                LOG.warn("{} changed since {} was written; resuming with the new value, so the result will differ from an "
                        + "uninterrupted run", e.getKey(), c.name());
            }
        }
    }

    /** A fingerprint that is a setting a person can read rather than a hash. */
    private static boolean readable(String fingerprint) {
        return !fingerprint.matches("[0-9a-f]{64}");
    }

    // ------------------------------------------------------------------ training

    /**
     * Trains without evaluation.
     *
     * @param data the training batches
     * @return how the run ended
     */
    public Outcome fit(DataSetIterator data) {
        return fit(data, TrainingHooks.NONE);
    }

    /**
     * Trains to the end (or until a stop signal), resuming at the restored position.
     *
     * @param data the training batches; a {@link ResumableDataSetIterator} seeks directly
     * @param hooks evaluation and progress reactions
     * @return how the run ended
     * @throws TrainingDivergedException when the loss becomes NaN or infinite
     * @throws CheckpointWriteException when checkpoints keep failing to write
     */
    public Outcome fit(DataSetIterator data, TrainingHooks hooks) {
        loopRunning = true;
        activeHooks = hooks;
        PauseDetector pauses = new PauseDetector(PAUSE_THRESHOLD, this::recordPause);
        try {
            return runLoop(data, hooks);
        } catch (TrainingDivergedException e) {
            recordFailure(ExitCode.DIVERGED.code(), e.getMessage(), e);
            throw e;
        } catch (CheckpointWriteException e) {
            recordFailure(ExitCode.FAILURE.code(), e.getMessage(), e);
            throw e;
        } catch (RuntimeException | Error e) {
            recordFailure(ExitCode.FAILURE.code(), e.toString(), e);
            throw e;
        } finally {
            stopAutosave();
            writer.awaitIdle(); // so onCheckpoint is not called after fit returns
            activeHooks = TrainingHooks.NONE;
            loopRunning = false;
            loopDone.countDown();
            pauses.close();
        }
    }

    /** The shortest pause of the process recorded in the session file (as the watchdog counts its own). */
    static final Duration PAUSE_THRESHOLD = Duration.ofSeconds(10);

    private void recordPause(Instant at, Duration length, boolean monotonic) {
        LOG.warn("the trainer did not run for {} s from {} ({})", length.toSeconds(), at,
                monotonic ? "the process was stopped or the virtual machine frozen" : "the machine was suspended, or its clock was set forward");
        update(b -> {
            List<SessionState.Pause> all = new ArrayList<>(session.pauses());
            all.add(new SessionState.Pause(at, length.toMillis() / 1000.0));
            return b.pauses(all);
        });
        writeSession();
    }

    /**
     * Steps between two flushes of the optimizer state's subnormal values to zero. Adam's moments of
     * rows a batch does not touch (most rows of a hashed embedding) decay by a constant factor every
     * step and spend hundreds of steps as subnormal floats, which the CPU handles on a slow path: the
     * demo job's steps took twice as long at its end as at its start, with 9% of its Adam state
     * subnormal. Every flush happens at the same steps in a resumed run as in an uninterrupted one.
     */
    static final long SUBNORMAL_FLUSH_EVERY_STEPS = 100;

    /**
     * The fastText shape gets a step of its own; another network with a row-sparse table gets a step that
     * subtracts only the rows a batch touched; any other network trains with DL4J's {@code fit} (null).
     */
    private StepTrainer trainingStep(TrainingHooks hooks, boolean log) {
        var own = hooks.stepTrainer(net.model());
        if (own.isPresent()) {
            if (log) {
                LOG.info("training with the application's step trainer ({})", own.get().getClass().getName());
            }
            return own.get();
        }
        var fastStep = FastTextTrainingStep.forNetwork(net.model());
        if (fastStep.isPresent()) {
            if (log) {
                LOG.info("training with the fastText step (within {} of DL4J's fit() at start-up: {})",
                        FastTextTrainingStep.TOLERANCE, FastTextTrainingStep.selfCheckDifference());
            }
            return fastStep.get()::fit;
        }
        var rowSparse = SparseTrainingStep.forNetwork(net.model());
        if (rowSparse.isPresent()) {
            if (log) {
                LOG.info("training with the row-sparse step (checked bitwise against DL4J's fit() at start-up)");
            }
            return rowSparse.get()::fit;
        }
        return null;
    }

    /**
     * Sets every subnormal value of an array to zero, in place. Such values are below what Adam's
     * epsilon lets count: an update they take part in is smaller than a float can add to a weight.
     *
     * @param state the optimizer state (a view); null or empty for stateless optimizers
     */
    static void flushSubnormals(INDArray state) {
        if (state == null || state.isEmpty()) {
            return;
        }
        double smallestNormal = state.dataType() == DataType.DOUBLE ? Double.MIN_NORMAL : Float.MIN_NORMAL;
        BooleanIndexing.replaceWhere(state, 0.0, Conditions.absLessThan(smallestNormal));
    }

    private Outcome runLoop(DataSetIterator data, TrainingHooks hooks) {
        long batchesPerEpoch = data instanceof ResumableDataSetIterator r ? r.batchesPerEpoch() : countBatches(data);
        if (batchesPerEpoch == 0) {
            throw new IllegalArgumentException("the training data yields no batches");
        }
        int accumulate = options.gradientAccumulationSteps();
        // a step takes up to `accumulate` batches; the last step of an epoch takes what is left
        long stepsPerEpoch = (batchesPerEpoch + accumulate - 1) / accumulate;
        long all = stepsPerEpoch * options.epochs();
        totalSteps = options.maxSteps().isPresent() ? Math.min(all, options.maxSteps().getAsLong()) : all;
        net.addListener(progress);
        progress.position(step, totalSteps, epoch, options.epochs());
        lastAutosaveNanos = lastCheckpointNanos = lastHeartbeatNanos = System.nanoTime();
        update(b -> b.status(SessionStatus.RUNNING).totalSteps(totalSteps).totalEpochs(options.epochs()));
        writeSession();
        startAutosave();
        beat(SessionStatus.RUNNING);
        LOG.info("training {} steps ({} epochs of {} batches{}){}", totalSteps, options.epochs(), batchesPerEpoch,
                accumulate > 1 ? ", " + accumulate + " batches per step" : "", step > 0 ? ", starting at step " + step : "");
        if (accumulate > 1 && hooks.stepTrainer(net.model()).isPresent()) {
            throw new IllegalArgumentException("gradient accumulation cannot be combined with an application's step trainer");
        }
        if (accumulate > 1 && trainingStep(hooks, false) != null) {
            throw new IllegalArgumentException("gradient accumulation needs the dense embedding layout: the row-sparse step updates "
                    + "only the rows of one batch");
        }
        StepTrainer sparseStep = accumulate > 1 ? null : trainingStep(hooks, true);
        GradientAccumulation accumulation = accumulate > 1 ? GradientAccumulation.of(net.model()) : null;
        long loopStart = System.nanoTime();
        double secondsBefore = trainingSeconds;
        try {
            epochs:
            while (step < totalSteps && stoppedEarly == null) {
                if (batchInEpoch >= batchesPerEpoch) {
                    epoch++;
                    batchInEpoch = 0;
                    net.setEpochCount(epoch);
                    progress.position(step, totalSteps, epoch, options.epochs());
                }
                position(data, epoch, batchInEpoch);
                while (step < totalSteps && batchInEpoch < batchesPerEpoch && data.hasNext() && stoppedEarly == null) {
                    if (stopRequested) {
                        return emergencyStop(hooks);
                    }
                    DataSet ds = data.next();
                    List<DataSet> batches = List.of(ds);
                    if (accumulation != null) {
                        batches = new ArrayList<>(accumulate);
                        batches.add(ds);
                        while (batches.size() < accumulate && batchInEpoch + batches.size() < batchesPerEpoch && data.hasNext()) {
                            batches.add(data.next());
                        }
                    }
                    Nd4j.getRandom().setSeed(StepRandom.seedFor(options.seed(), step));
                    progress.learningRate(learningRate());
                    if (accumulation != null) {
                        accumulation.fit(batches);
                    } else if (sparseStep != null) {
                        sparseStep.fit(ds);
                    } else {
                        net.fit(ds);
                    }
                    step++;
                    if (step % SUBNORMAL_FLUSH_EVERY_STEPS == 0) {
                        flushSubnormals(net.updaterState());
                    }
                    batchInEpoch += batches.size();
                    for (DataSet b : batches) {
                        samplesSeen += b.numExamples();
                    }
                    progressCounter++;
                    trainingSeconds = secondsBefore + (System.nanoTime() - loopStart) / 1e9;
                    double loss = progress.score();
                    if (!Double.isFinite(loss)) {
                        if (options.onDivergence() != OnDivergence.ROLLBACK) {
                            throw new TrainingDivergedException(step, loss);
                        }
                        rollBack(loss, hooks);
                        progress.position(step, totalSteps, epoch, options.epochs());
                        // a step of its own may hold state of the rows it touched: start it afresh on the restored network
                        sparseStep = accumulate > 1 ? null : trainingStep(hooks, false);
                        continue epochs;
                    }
                    afterStep(hooks);
                    if (diskStop != null) {
                        return diskStop;
                    }
                }
                if (batchInEpoch < batchesPerEpoch && step < totalSteps && stoppedEarly == null) {
                    // the iterator ran dry early: treat it as the end of the epoch
                    batchInEpoch = batchesPerEpoch;
                }
            }
            if (stopRequested) {
                return emergencyStop(hooks);
            }
            return complete(hooks);
        } finally {
            if (accumulation != null) {
                accumulation.close();
            }
            net.removeListener(progress);
            progress.breakLine();
        }
    }

    /**
     * {@code training.on_divergence: rollback}: goes back to the newest checkpoint that verifies (all are from before
     * the divergence: none is written at a step whose loss was not finite) and multiplies the learning rate by
     * {@code rollbackLrFactor}; the batches from that checkpoint on are trained again with it. Gives up with
     * {@link TrainingDivergedException} after {@code maxRollbacks}, or when there is no checkpoint to go back to.
     */
    private void rollBack(double loss, TrainingHooks hooks) {
        long at = step;
        if (rollbacks >= options.maxRollbacks()) {
            throw new TrainingDivergedException(at, loss, "gave up after " + rollbacks + " rollbacks (training.max_rollbacks: "
                    + options.maxRollbacks() + "); lower training.learning_rate or training.rollback_lr_factor");
        }
        writer.awaitIdle();
        Optional<CheckpointStore.Checkpoint> to = store.newestVerified((c, why) ->
                LOG.warn("checkpoint {} does not verify ({}); trying the one before", c.name(), why));
        if (to.isEmpty() || to.get().step() >= at) {
            throw new TrainingDivergedException(at, loss, "there is no checkpoint from before it to roll back to (training.on_divergence: "
                    + "rollback needs one; lower checkpoint.every_steps or training.learning_rate)");
        }
        double factor = lrFactor * options.rollbackLrFactor();
        int count = rollbacks + 1;
        try {
            restore(to.get());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot roll back to " + to.get().name(), e);
        }
        lrFactor = factor;
        rollbacks = count;
        lrScaler.apply(net.model(), lrFactor);
        String change = "learning rate x" + options.rollbackLrFactor() + " (x" + factor + " of training.learning_rate's schedule from now on); "
                + "batches from step " + to.get().step() + " trained again";
        SessionState.Rollback r = new SessionState.Rollback(Instant.now(), at, String.valueOf(loss), to.get().step(), factor, change);
        LOG.warn("training diverged at step {} (loss {}): rollback {} of {}, back to {}: {}", at, loss, count, options.maxRollbacks(),
                to.get().name(), change);
        update(b -> {
            List<SessionState.Rollback> all = new ArrayList<>(session.rollbacks());
            all.add(r);
            return b.rollbacks(all).lastCheckpoint(new SessionState.CheckpointRef(step, to.get().dir().toString(), Instant.now()));
        });
        writeSession();
        try {
            hooks.onRollback(r);
        } catch (RuntimeException e) {
            LOG.warn("the onRollback hook failed: {}", e.toString());
        }
    }

    /**
     * Steps before the end within which a scheduled evaluation is left to the evaluation of the last
     * step: 1% of the interval, at least 1 (the demo job's 2,917 steps evaluated at 2,916 and again at
     * 2,917, two nearly equal tables). The checkpoint of a scheduled step is still written.
     */
    static long finalEvaluationWindow(long evalEverySteps) {
        return Math.max(1, evalEverySteps / 100);
    }

    /** Records in the session file how {@link #fit} failed, without hiding the failure itself. */
    private void recordFailure(int code, String reason, Throwable cause) {
        try {
            fail(code, reason);
        } catch (RuntimeException | Error e) {
            cause.addSuppressed(e);
        }
    }

    private void afterStep(TrainingHooks hooks) {
        writer.checkFailures();
        long now = System.nanoTime();
        if (step % options.logEverySteps() == 0) {
            hooks.onProgress(progress.progress());
        }
        boolean evaluated = false;
        boolean improved = false;
        if (step % options.evalEverySteps() == 0 && totalSteps - step > finalEvaluationWindow(options.evalEverySteps())) {
            improved = evaluate(hooks);
            evaluated = true;
        }
        boolean intervalDue = options.checkpointEveryInterval().map(d -> now - lastCheckpointNanos >= d.toNanos()).orElse(false);
        if ((step % options.checkpointEverySteps() == 0 || intervalDue || improved) && step < totalSteps) {
            if (!roomForCheckpoint(true)) {
                return;
            }
            checkpoint(SessionStatus.RUNNING);
        } else if (evaluated) {
            update(b -> b.status(SessionStatus.RUNNING));
            writeSession();
        }
        if (now - lastHeartbeatNanos >= options.heartbeatInterval().toNanos()) {
            beat(SessionStatus.RUNNING);
        }
    }

    private boolean evaluate(TrainingHooks hooks) {
        progress.breakLine();
        update(b -> b.status(SessionStatus.EVALUATING));
        beat(SessionStatus.EVALUATING);
        long[] lastBeat = {System.nanoTime()};
        Optional<Map<String, Double>> metrics = hooks.evaluate(new TrainingHooks.EvalContext(step, () -> {
            progressCounter++;
            if (System.nanoTime() - lastBeat[0] >= options.heartbeatInterval().toNanos()) {
                lastBeat[0] = System.nanoTime();
                beat(SessionStatus.EVALUATING);
            }
        }));
        lastEvalStep = step;
        if (metrics.isEmpty()) {
            update(b -> b.status(SessionStatus.RUNNING));
            return false;
        }
        lastMetrics = Map.copyOf(metrics.get());
        Double value = metrics.get().get(options.metric());
        boolean improved = false;
        if (value != null && !value.isNaN()) {
            countForEarlyStopping(value);
            improved = best.map(b -> b.improvedBy(value)).orElse(true);
            if (improved) {
                best = Optional.of(new BestCheckpoint(options.metric(), value, step, CheckpointStore.PREFIX + step, options.greaterIsBetter()));
                LOG.info("new best {} = {} at step {}", options.metric(), value, step);
            }
        } else {
            LOG.warn("the evaluation returned no {} (got {}); checkpoints are not ranked", options.metric(), metrics.get().keySet());
        }
        update(b -> b.status(SessionStatus.RUNNING).lastMetrics(lastMetrics)
                .best(best.map(x -> new SessionState.Best(x.metric(), x.value(), x.step())).orElse(null)));
        return improved && options.keepBest();
    }

    /**
     * Counts the evaluations in a row that did not beat the best value before them by more than
     * {@code min_delta}, and ends the run once they reach the patience. The count goes into every
     * checkpoint, so a resumed run stops at the same step as an uninterrupted one.
     */
    private void countForEarlyStopping(double value) {
        if (options.earlyStopping().isEmpty()) {
            return;
        }
        var e = options.earlyStopping().get();
        Optional<BestCheckpoint> before = best;
        boolean better = before.map(b -> e.improves(value, b.value(), options.greaterIsBetter())).orElse(true);
        evaluationsWithoutImprovement = better ? 0 : evaluationsWithoutImprovement + 1;
        if (evaluationsWithoutImprovement >= e.patience() && step < totalSteps) {
            BestCheckpoint b = before.orElseThrow();
            stoppedEarly = "stopped early at step " + step + " of " + totalSteps + ": " + options.metric() + " has not improved by more than "
                    + e.minDelta() + " on its best, " + b.value() + " at step " + b.step() + ", in " + evaluationsWithoutImprovement
                    + " evaluations in a row (early stopping patience " + e.patience() + ")";
            LOG.info("{}", stoppedEarly);
        } else if (!better) {
            LOG.info("{} did not improve by more than {} ({} of {} evaluations without improvement before early stopping)", options.metric(),
                    e.minDelta(), evaluationsWithoutImprovement, e.patience());
        }
    }

    private void checkpoint(SessionStatus during) {
        progress.breakLine();
        update(b -> b.status(SessionStatus.CHECKPOINTING));
        TrainingState ts = trainingState();
        lastCheckpointNanos = System.nanoTime();
        writer.capture(ts, Map.copyOf(provenance), this::onCommitted);
        update(b -> b.status(during));
        writeSession();
    }

    private void onCommitted(CheckpointStore.Checkpoint c) {
        lastCheckpointStep = Math.max(lastCheckpointStep, c.step());
        synchronized (this) {
            session = session.toBuilder().lastCheckpoint(new SessionState.CheckpointRef(c.step(), c.dir().toString(), Instant.now())).build();
        }
        try {
            Optional<BestCheckpoint> b = best;
            if (b.isPresent() && b.get().step() == c.step()) {
                store.writeBest(b.get());
            }
            OptionalLong keep = b.filter(x -> options.keepBest()).map(x -> OptionalLong.of(x.step())).orElse(OptionalLong.empty());
            for (Path p : store.prune(options.keepLast(), keep)) {
                LOG.info("rotated out old checkpoint {}", p.getFileName());
            }
            writeSession();
            MirrorCopier copier = mirrorCopier;
            if (copier != null) {
                copier.submit(c);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("checkpoint {} is committed, but recording it or rotating the older ones failed: {}", c.name(), e.toString());
        }
        try {
            activeHooks.onCheckpoint(c);
        } catch (RuntimeException e) {
            LOG.warn("the onCheckpoint hook failed for {}: {}", c.name(), e.toString());
        }
    }

    private TrainingState trainingState() {
        Map<String, String> fp = new LinkedHashMap<>(options.fingerprints());
        fp.putAll(options.advisoryFingerprints());
        fp.put("architecture", net.architectureFingerprint());
        BestCheckpoint b = best.orElse(null);
        return new TrainingState(CheckpointManifest.FORMAT_VERSION, step, epoch, batchInEpoch, samplesSeen, options.seed(), learningRate(),
                totalSteps, trainingSeconds, options.metric(), b == null ? Double.NaN : b.value(), b == null ? -1 : b.step(), lastMetrics, fp,
                lrFactor, rollbacks, evaluationsWithoutImprovement);
    }

    private Outcome emergencyStop(TrainingHooks hooks) {
        progress.breakLine();
        SignalTrap.StopSignal s = signals == null ? manualStop : signals.requested().orElse(manualStop);
        String name = s == null ? "a shutdown" : "SIG" + s.name();
        int code = s == null ? ExitCode.FAILURE.code() : s.exitCode();
        writer.awaitIdle();
        if (step > lastCheckpointStep && step > 0 && roomForCheckpoint(false)) {
            LOG.warn("{}: writing an emergency checkpoint at step {}", name, step);
            try {
                checkpoint(SessionStatus.INTERRUPTED);
            } catch (CheckpointWriteException e) {
                LOG.error("emergency checkpoint not possible: {}", e.getMessage());
            }
            writer.awaitIdle();
            if (lastCheckpointStep < step) {
                LOG.error("the emergency checkpoint at step {} failed; a resume starts from step {}", step, Math.max(0, lastCheckpointStep));
            }
        }
        String reason = "interrupted by " + name + " at step " + step;
        finish(SessionStatus.INTERRUPTED, code, reason);
        // After --resume never or PATH the same command would start over (or go back) again.
        LOG.warn("{}; {}", reason, options.resume() == ResumeMode.AUTO ? "resume with the same command"
                : "resume with the same command and --resume auto (--resume " + options.resume().name().toLowerCase(java.util.Locale.ROOT)
                        + " would not continue from step " + step + ")");
        return new Outcome(false, step, code, reason);
    }

    private Outcome complete(TrainingHooks hooks) {
        if (lastEvalStep != step) {
            evaluate(hooks);
        }
        writer.awaitIdle();
        if (lastCheckpointStep != step) {
            if (!roomForCheckpoint(true)) {
                return diskStop;
            }
            checkpoint(SessionStatus.RUNNING);
            writer.awaitIdle();
        }
        if (lastCheckpointStep != step) {
            // A run counts as completed only with its last step committed: that checkpoint is what
            // a later start resumes from and what the final model is rebuilt from.
            throw new CheckpointWriteException("the checkpoint of the last step, " + step + ", could not be written ("
                    + writer.lastFailure() + "), so the run is not complete; free disk space or fix the permissions of " + store.dir()
                    + ", then start the run again", writer.lastFailure());
        }
        String reason = "completed " + step + " steps" + (stoppedEarly == null ? "" : "; " + stoppedEarly);
        finish(SessionStatus.COMPLETED, ExitCode.COMPLETED.code(), reason);
        return new Outcome(true, step, ExitCode.COMPLETED.code(), reason);
    }

    private void position(DataSetIterator data, int ep, long skip) {
        if (data instanceof ResumableDataSetIterator r) {
            r.seek(ep, skip);
            return;
        }
        data.reset();
        for (long i = 0; i < skip && data.hasNext(); i++) {
            data.next();
        }
    }

    private static long countBatches(DataSetIterator data) {
        data.reset();
        long n = 0;
        while (data.hasNext()) {
            data.next();
            n++;
        }
        data.reset();
        return n;
    }

    private double learningRate() {
        Model m = net.model();
        int iteration = net.iterationCount();
        if (m instanceof MultiLayerNetwork mln) {
            for (int i = 0; i < mln.getnLayers(); i++) {
                if (mln.getLayerWiseConfigurations().getConf(i).getLayer() instanceof BaseLayer bl && bl.getIUpdater() != null) {
                    return bl.getIUpdater().getLearningRate(iteration, epoch);
                }
            }
        } else if (m instanceof ComputationGraph cg) {
            for (var layer : cg.getLayers()) {
                if (layer.conf().getLayer() instanceof BaseLayer bl && bl.getIUpdater() != null) {
                    return bl.getIUpdater().getLearningRate(iteration, epoch);
                }
            }
        }
        return Double.NaN;
    }

    // ------------------------------------------------------------------ session file and heartbeat

    private synchronized void update(java.util.function.UnaryOperator<SessionState.Builder> change) {
        double sps = progress.stepsPerSecond();
        double eta = progress.etaSeconds();
        session = change.apply(session.toBuilder().step(step).epoch(epoch).samplesSeen(samplesSeen).stepsPerSecond(sps)
                .earlyStopping(options.earlyStopping().map(e -> new SessionState.EarlyStopping(e.patience(), e.minDelta(),
                        evaluationsWithoutImprovement, stoppedEarly != null)).orElse(null))
                .eta(Double.isNaN(eta) ? null : Instant.now().plusMillis((long) (eta * 1000)))).build();
    }

    private synchronized void writeSession() {
        try {
            sessionStore.write(session);
            lastAutosaveNanos = System.nanoTime();
        } catch (IOException e) {
            LOG.error("cannot write {}: {}; will retry at the next save", sessionStore.file(), e.toString());
        }
    }

    /** Writes how the run ended, into the disk space held back for it when the disk is full. */
    private synchronized void writeSessionEnd() {
        try {
            if (sessionStore.writeEnd(session)) {
                LOG.warn("the disk is full: {} was written into the space held back by {}", sessionStore.file(),
                        SessionStore.RESERVE_FILE_NAME);
            }
            lastAutosaveNanos = System.nanoTime();
        } catch (IOException e) {
            LOG.error("cannot write {}: {}", sessionStore.file(), e.toString());
        }
    }

    /**
     * Rewrites the session file every {@code autosaveInterval} from a timer of its own, so that a
     * long evaluation or a slow step does not leave it stale. The timer's thread only builds and
     * writes JSON: a thread that ran ND4J operations would slow training (see CheckpointWriter).
     */
    private synchronized void startAutosave() {
        stopAutosave();
        long millis = Math.max(1, options.autosaveInterval().toMillis());
        autosave = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "trainguard-autosave");
            t.setDaemon(true);
            return t;
        });
        autosave.scheduleAtFixedRate(() -> {
            try {
                update(b -> b);
                writeSession();
            } catch (RuntimeException e) {
                LOG.warn("the session file autosave failed: {}", e.toString());
            }
        }, millis, millis, TimeUnit.MILLISECONDS);
    }

    private synchronized void stopAutosave() {
        if (autosave != null) {
            autosave.shutdownNow();
            autosave = null;
        }
    }

    private void beat(SessionStatus status) {
        lastHeartbeatNanos = System.nanoTime();
        try {
            Heartbeat.write(options.outputDir(), new Heartbeat(ProcessHandle.current().pid(), status, step, progressCounter, Instant.now()));
        } catch (IOException e) {
            LOG.debug("cannot write the heartbeat: {}", e.toString());
        }
    }

    private void finish(SessionStatus status, int code, String reason) {
        stopAutosave();
        update(b -> b.status(status).exit(new SessionState.Exit(code, reason)).eta(null));
        writeSessionEnd();
        beat(status);
    }

    /**
     * Records that the run failed (the caller maps the error to an exit code).
     *
     * @param code the exit status the process will end with
     * @param reason a sentence for people
     */
    public void fail(int code, String reason) {
        writer.awaitIdle();
        finish(SessionStatus.FAILED, code, reason);
    }

    /** @return the session state as last recorded */
    public synchronized SessionState state() {
        return session;
    }

    /** @return steps done */
    public long step() {
        return step;
    }

    /**
     * @return why the run ended before its last step because the evaluation metric stopped improving
     *     ({@link SessionOptions#earlyStopping()}), when it did; a resumed run that had already
     *     stopped early says so at once and trains no further
     */
    public Optional<String> stoppedEarly() {
        return Optional.ofNullable(stoppedEarly);
    }

    /** @return the best evaluation so far */
    public Optional<BestCheckpoint> best() {
        return best;
    }

    /** @return the checkpoint store of this run */
    public CheckpointStore checkpoints() {
        return store;
    }

    /** @return the progress listener attached to the network while {@link #fit} runs */
    public ProgressCallback progressCallback() {
        return progress;
    }

    /** @return how long the last checkpoint blocked the training thread, in nanoseconds */
    public long lastCaptureNanos() {
        return writer.lastCaptureNanos();
    }

    /**
     * @return the stop signal (or {@link #requestStop}) received so far, also after {@link #fit}
     *     returned, e.g. while the caller writes its final model
     */
    public Optional<SignalTrap.StopSignal> stopSignal() {
        if (!stopRequested) {
            return Optional.empty();
        }
        return Optional.ofNullable(signals == null ? manualStop : signals.requested().orElse(manualStop));
    }

    /**
     * Asks the training loop to stop after the current step with an emergency checkpoint, as
     * SIGTERM would.
     */
    public void requestStop() {
        manualStop = new SignalTrap.StopSignal("TERM", ExitCode.TERMINATED.code());
        stopRequested = true;
    }

    // ------------------------------------------------------------------ shutdown

    private void onShutdown() {
        if (closed) {
            return;
        }
        if (loopRunning) {
            // The JVM is going down for a reason that is not one of our signals: let the loop
            // write its emergency checkpoint, within reason.
            stopRequested = true;
            try {
                loopDone.await(120, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        writer.close();
        // a signal's grace period is short: the next start copies what is left
        closeMirror(Duration.ofSeconds(30));
        SessionState s = state();
        if (s.status().live()) {
            finish(SessionStatus.FAILED, ExitCode.FAILURE.code(), "the process ended at step " + step + " without completing");
        }
    }

    private void releaseHooks() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // already shutting down
        }
        if (signals != null) {
            signals.close();
        }
        writer.close();
        closeMirror(Duration.ZERO);
    }

    /**
     * Joins the checkpoint writer, records a final session state if the run is still marked live,
     * restores signal handlers and releases the run lock if this session took it.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        writer.close();
        closeMirror(Duration.ofMinutes(5));
        if (state().status().live()) {
            finish(SessionStatus.FAILED, ExitCode.FAILURE.code(), "closed at step " + step + " before completing");
        }
        closed = true;
        releaseHooks();
        if (ownsLock) {
            try {
                lock.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** @return the output folder */
    public Path outputDir() {
        return options.outputDir();
    }

    /** @return the wall time spent training, across resumes */
    public Duration trainingTime() {
        return Duration.ofMillis((long) (trainingSeconds * 1000));
    }
}
