package org.trainguard.session;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.trainguard.core.ExitCode;
import org.trainguard.core.checkpoint.BestCheckpoint;
import org.trainguard.core.checkpoint.CheckpointStore;
import org.trainguard.core.lock.RunLock;
import org.trainguard.core.run.SessionState;
import org.trainguard.core.run.SessionStatus;

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
    public record Outcome(boolean completed, long step, int exitCode, String reason) {}

    /** The shortest pause of the process recorded in the session file (as the watchdog counts its own). */
    static final Duration PAUSE_THRESHOLD = Duration.ofSeconds(10);

    private final RunParts run;
    private final RunLock lock;
    private final boolean ownsLock;
    private final Thread shutdownHook;
    private final CountDownLatch loopDone = new CountDownLatch(1);
    private final Map<String, Object> provenance;
    private final CheckpointRestorer restorer;
    private final DiskRoom room;
    private final Checkpointing checkpoints;
    private volatile boolean loopRunning;
    private boolean closed;

    private TrainingSessionManager(
            NetworkAdapter net, SessionOptions options, RunLock lock, boolean ownsLock, PrintStream terminal) {
        this.lock = lock;
        this.ownsLock = ownsLock;
        CheckpointStore store = new CheckpointStore(options.outputDir());
        ProgressCallback progress = new ProgressCallback(options.logEverySteps(), terminal);
        RunPosition position = new RunPosition();
        BestTracker best = new BestTracker(options);
        SessionRecorder recorder = new SessionRecorder(options.outputDir(), position, b -> {
            double eta = progress.etaSeconds();
            return b.step(position.step)
                    .epoch(position.epoch)
                    .samplesSeen(position.samplesSeen)
                    .stepsPerSecond(progress.stepsPerSecond())
                    .earlyStopping(best.sessionEarlyStopping())
                    .eta(Double.isNaN(eta) ? null : Instant.now().plusMillis((long) (eta * 1000)));
        });
        this.run = new RunParts(
                net,
                options,
                store,
                new CheckpointWriter(net, store, options.maxFailedWrites()),
                progress,
                position,
                best,
                recorder,
                new StopControl(options.handleSignals()));
        this.restorer = new CheckpointRestorer(run);
        this.room = new DiskRoom(run);
        this.provenance = new LinkedHashMap<>(options.provenance());
        this.checkpoints = new Checkpointing(run, provenance);
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
    public static TrainingSessionManager open(Model model, SessionOptions options)
            throws RunLock.LockHeldException, IOException {
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
    public static TrainingSessionManager open(Model model, SessionOptions options, RunLock lock, PrintStream terminal)
            throws IOException {
        return open(model, options, lock, false, terminal);
    }

    private static TrainingSessionManager open(
            Model model, SessionOptions options, RunLock lock, boolean ownsLock, PrintStream terminal)
            throws IOException {
        TrainingSessionManager m =
                new TrainingSessionManager(NetworkAdapter.of(model), options, lock, ownsLock, terminal);
        try {
            m.start();
        } catch (IOException | RuntimeException e) {
            m.releaseHooks();
            throw e;
        }
        return m;
    }

    private void start() throws IOException {
        new SessionOpening(run, lock, provenance, restorer, checkpoints, room).open();
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
        checkpoints.hooks(hooks);
        PauseDetector pauses = new PauseDetector(PAUSE_THRESHOLD, run.recorder()::recordPause);
        try {
            return new TrainingLoop(run, restorer, room, checkpoints, hooks).run(data);
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
            run.recorder().stopAutosave();
            run.writer().awaitIdle(); // so onCheckpoint is not called after fit returns
            checkpoints.hooks(TrainingHooks.NONE);
            loopRunning = false;
            loopDone.countDown();
            pauses.close();
        }
    }

    /** Records in the session file how {@link #fit} failed, without hiding the failure itself. */
    private void recordFailure(int code, String reason, Throwable cause) {
        try {
            fail(code, reason);
        } catch (RuntimeException | Error e) {
            cause.addSuppressed(e);
        }
    }

    /**
     * Records that the run failed (the caller maps the error to an exit code).
     *
     * @param code the exit status the process will end with
     * @param reason a sentence for people
     */
    public void fail(int code, String reason) {
        run.writer().awaitIdle();
        run.recorder().finish(SessionStatus.FAILED, code, reason);
    }

    /** @return the session state as last recorded */
    public SessionState state() {
        return run.recorder().state();
    }

    /** @return steps done */
    public long step() {
        return run.position().step;
    }

    /**
     * @return why the run ended before its last step because the evaluation metric stopped improving
     *     ({@link SessionOptions#earlyStopping()}), when it did; a resumed run that had already
     *     stopped early says so at once and trains no further
     */
    public Optional<String> stoppedEarly() {
        return run.best().stoppedEarly();
    }

    /** @return the best evaluation so far */
    public Optional<BestCheckpoint> best() {
        return run.best().best();
    }

    /** @return the checkpoint store of this run */
    public CheckpointStore checkpoints() {
        return run.store();
    }

    /** @return the progress listener attached to the network while {@link #fit} runs */
    public ProgressCallback progressCallback() {
        return run.progress();
    }

    /** @return how long the last checkpoint blocked the training thread, in nanoseconds */
    public long lastCaptureNanos() {
        return run.writer().lastCaptureNanos();
    }

    /**
     * @return the stop signal (or {@link #requestStop}) received so far, also after {@link #fit}
     *     returned, e.g. while the caller writes its final model
     */
    public Optional<SignalTrap.StopSignal> stopSignal() {
        return run.stop().signal();
    }

    /**
     * Asks the training loop to stop after the current step with an emergency checkpoint, as
     * SIGTERM would.
     */
    public void requestStop() {
        run.stop().requestAsTerm();
    }

    // ------------------------------------------------------------------ shutdown

    private void onShutdown() {
        if (closed) {
            return;
        }
        if (loopRunning) {
            // The JVM is going down for a reason that is not one of our signals: let the loop
            // write its emergency checkpoint, within reason.
            run.stop().requestForShutdown();
            try {
                loopDone.await(120, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        run.writer().close();
        // a signal's grace period is short: the next start copies what is left
        checkpoints.closeMirror(Duration.ofSeconds(30));
        finishIfLive("the process ended at step " + step() + " without completing");
    }

    private void finishIfLive(String reason) {
        if (state().status().live()) {
            run.recorder().finish(SessionStatus.FAILED, ExitCode.FAILURE.code(), reason);
        }
    }

    private void releaseHooks() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // already shutting down
        }
        run.stop().close();
        run.writer().close();
        checkpoints.closeMirror(Duration.ZERO);
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
        run.writer().close();
        checkpoints.closeMirror(Duration.ofMinutes(5));
        finishIfLive("closed at step " + step() + " before completing");
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
        return run.options().outputDir();
    }

    /** @return the wall time spent training, across resumes */
    public Duration trainingTime() {
        return Duration.ofMillis((long) (run.position().trainingSeconds * 1000));
    }
}
