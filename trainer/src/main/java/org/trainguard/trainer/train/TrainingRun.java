package org.trainguard.trainer.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainguard.config.EmbeddingLayout;
import org.trainguard.config.TrainguardConfig;
import org.trainguard.core.ExitCode;
import org.trainguard.core.checkpoint.BestCheckpoint;
import org.trainguard.core.checkpoint.CheckpointStore;
import org.trainguard.core.io.Hashing;
import org.trainguard.core.io.RunFiles;
import org.trainguard.core.lock.RunLock;
import org.trainguard.core.mirror.CheckpointMirror;
import org.trainguard.core.mirror.MirrorTarget;
import org.trainguard.core.run.Heartbeat;
import org.trainguard.core.run.RunLayout;
import org.trainguard.session.ModelFileException;
import org.trainguard.session.ModelReader;
import org.trainguard.session.ResumeMode;
import org.trainguard.session.SessionOptions;
import org.trainguard.session.SleepInhibitor;
import org.trainguard.session.TrainingDivergedException;
import org.trainguard.session.TrainingHooks;
import org.trainguard.session.TrainingSessionManager;
import org.trainguard.session.mirror.Mirrors;
import org.trainguard.trainer.eval.EvalResult;
import org.trainguard.trainer.eval.EvalTables;
import org.trainguard.trainer.eval.MetricsLog;
import org.trainguard.trainer.model.NetworkFactory;
import org.trainguard.trainer.report.ReportDrawer;
import org.trainguard.trainer.report.ReportWriter;

/**
 * The whole training job of the {@code trainer} command: data, network, session, evaluation,
 * metrics, plots and the final bundle. Built on the same public session API an application uses.
 */
public final class TrainingRun {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingRun.class);

    /**
     * How the job ended.
     *
     * @param exitCode the process exit status
     * @param reason a sentence for people
     * @param step steps done
     * @param finalEval the last evaluation, if any
     */
    public record Result(int exitCode, String reason, long step, Optional<EvalResult> finalEval) {}

    private final TrainguardConfig config;
    private final ResumeMode resume;
    private final Optional<Path> resumePath;
    private final PrintStream out;
    private final PrintStream terminal;
    private final Warmup warmup;

    /**
     * @param config the run's configuration
     * @param resume how to start when the folder holds a run
     * @param resumePath the checkpoint for {@link ResumeMode#PATH}
     * @param out where evaluation tables are printed
     * @param terminal where a live progress bar is drawn, or null for plain log lines
     */
    public TrainingRun(
            TrainguardConfig config,
            ResumeMode resume,
            Optional<Path> resumePath,
            PrintStream out,
            PrintStream terminal) {
        this(config, resume, resumePath, out, terminal, null);
    }

    /**
     * @param config the run's configuration
     * @param resume how to start when the folder holds a run
     * @param resumePath the checkpoint for {@link ResumeMode#PATH}
     * @param out where evaluation tables are printed
     * @param terminal where a live progress bar is drawn, or null for plain log lines
     * @param warmup ND4J starting in the background (see {@link Warmup}), or null to start it here
     */
    public TrainingRun(
            TrainguardConfig config,
            ResumeMode resume,
            Optional<Path> resumePath,
            PrintStream out,
            PrintStream terminal,
            Warmup warmup) {
        this.warmup = warmup;
        this.config = config;
        this.resume = resume;
        this.resumePath = resumePath;
        this.out = out;
        this.terminal = terminal;
    }

    /**
     * Runs the job.
     *
     * @return how it ended
     * @throws RunLock.LockHeldException when another trainer runs in the output folder
     * @throws IOException when the output folder cannot be written
     */
    public Result run() throws RunLock.LockHeldException, IOException {
        Path outputDir = config.training().outputDir();
        Optional<StepEngine> engine = StepEngine.forConfig(config);
        try (RunLock lock = RunLock.acquire(outputDir, "");
                StartupHeartbeat startup =
                        StartupHeartbeat.start(outputDir, config.session().heartbeatInterval())) {
            RunFiles.requireNoLink(RunLayout.metrics(outputDir), "the metrics log");
            startup.phase(Heartbeat.Phase.LOADING_DATA);
            RunData data = RunData.load(config);
            startup.phase(Heartbeat.Phase.STARTING);
            long batches = (data.train().size() + config.training().batchSize() - 1)
                    / config.training().batchSize();
            int accumulate = config.training().gradientAccumulationSteps();
            // the optimizer steps: each takes `accumulate` batches, the last of an epoch what is left
            long totalSteps =
                    (batches + accumulate - 1) / accumulate * config.training().epochs();
            if (config.training().maxSteps().isPresent()) {
                totalSteps = Math.min(totalSteps, config.training().maxSteps().getAsLong());
            }
            String backend = (warmup == null ? Warmup.start() : warmup).backend();
            EmbeddingLayout layout =
                    NetworkFactory.layout(config.model(), NetworkFactory.cpuBackend(), recordedLayout(outputDir));
            if (accumulate > 1 && layout == EmbeddingLayout.SPARSE) {
                if (config.model().embedding() == EmbeddingLayout.SPARSE) {
                    throw new org.trainguard.config.ConfigException(
                            "training.gradient_accumulation_steps",
                            "training.gradient_accumulation_steps: " + accumulate
                                    + " needs model.embedding dense or auto (the row-sparse "
                                    + "step updates the rows of one batch only), found model.embedding sparse");
                }
                LOG.info(
                        "training.gradient_accumulation_steps is {}: the embedding is dense (the row-sparse step updates the rows of one "
                                + "batch only)",
                        accumulate);
                layout = EmbeddingLayout.DENSE;
            }
            MultiLayerNetwork net = NetworkFactory.build(config, totalSteps, config.labels(), layout);
            LOG.info(
                    "{} network ({} embedding): {} parameters, {} classes ({}); ND4J {}",
                    config.model().type(),
                    layout.name().toLowerCase(java.util.Locale.ROOT),
                    net.numParams(),
                    config.labels().size(),
                    config.labels().size() <= 50
                            ? String.join(", ", config.labels())
                            : String.join(", ", config.labels().subList(0, 10)) + ", ...",
                    backend);
            startup.phase(Heartbeat.Phase.RESTORING);
            try (TrainingSessionManager session =
                            TrainingSessionManager.open(net, options(data, totalSteps), lock, terminal);
                    MetricsLog metrics = new MetricsLog(RunLayout.metrics(outputDir));
                    Awake awake = keepAwake(outputDir)) {
                startup.close();
                if (session.step() >= totalSteps || session.stoppedEarly().isPresent()) {
                    String reason = "the run in " + outputDir + " already completed " + session.step() + " steps"
                            + session.stoppedEarly()
                                    .map(why -> " (" + why + ")")
                                    .orElse("") + "; " + RunLayout.finalDir(outputDir)
                            + " holds the model (train again with --resume never, which archives this run)";
                    TrainingSessionManager.Outcome outcome = session.fit(
                            new FeaturizedIterator(
                                    data.train(),
                                    config.labels(),
                                    config.training().batchSize(),
                                    config.training().seed(),
                                    config.data().shuffle()),
                            TrainingHooks.NONE);
                    ensureFinal(session, outputDir, net);
                    if (!outcome.completed()) {
                        return new Result(outcome.exitCode(), outcome.reason(), outcome.step(), Optional.empty());
                    }
                    reportLateSignal(session);
                    LOG.info("{}", reason);
                    return new Result(ExitCode.COMPLETED.code(), reason, session.step(), Optional.empty());
                }
                Hooks hooks = new Hooks(net, data, metrics, outputDir, totalSteps, engine);
                try (hooks) {
                    TrainingSessionManager.Outcome outcome = session.fit(
                            new FeaturizedIterator(
                                    data.train(),
                                    config.labels(),
                                    config.training().batchSize(),
                                    config.training().seed(),
                                    config.data().shuffle()),
                            hooks);
                    if (outcome.completed()) {
                        try {
                            writeFinal(
                                    outputDir,
                                    chooseFinal(session, net, hooks.latest == null ? Map.of() : hooks.latest.toMap()));
                        } catch (IOException e) {
                            session.fail(
                                    ExitCode.FAILURE.code(),
                                    "training completed, but " + FinalBundle.DIR_NAME + "/ could not be written: " + e);
                            throw e;
                        }
                        reportLateSignal(session);
                        session.stoppedEarly().ifPresent(why -> out.println("early stopping: " + why));
                        hooks.refreshReport();
                        out.println("training completed: " + session.step() + " steps; model in "
                                + outputDir.resolve(FinalBundle.DIR_NAME));
                    }
                    return new Result(
                            outcome.exitCode(), outcome.reason(), outcome.step(), Optional.ofNullable(hooks.latest));
                } catch (TrainingDivergedException e) {
                    session.fail(ExitCode.DIVERGED.code(), e.getMessage());
                    throw e;
                } catch (RuntimeException | Error e) {
                    session.fail(ExitCode.FAILURE.code(), e.toString());
                    throw e;
                }
            }
        }
    }

    /** A request to stay awake, released by closing it. */
    private interface Awake extends AutoCloseable {
        @Override
        void close();
    }

    /** While the run trains the machine must not sleep ({@code session.inhibit_sleep}). */
    private Awake keepAwake(Path outputDir) {
        if (!config.session().inhibitSleep()) {
            return () -> {};
        }
        Optional<SleepInhibitor> inhibitor = SleepInhibitor.acquire("trainguard training run in " + outputDir);
        return () -> inhibitor.ifPresent(SleepInhibitor::close);
    }

    /**
     * The table layout of the model this run would resume (every checkpoint of a run has the same), so
     * that a run started before the sparse layout existed keeps its dense one.
     */
    private Optional<EmbeddingLayout> recordedLayout(Path outputDir) {
        if (resume == ResumeMode.NEVER) {
            return Optional.empty();
        }
        List<Path> candidates = new ArrayList<>();
        if (resume == ResumeMode.PATH) {
            resumePath.ifPresent(p -> candidates.add(p.resolve(FinalBundle.MODEL_ZIP)));
        } else {
            List<CheckpointStore.Checkpoint> all = new CheckpointStore(outputDir).list();
            for (int i = all.size() - 1; i >= 0; i--) {
                candidates.add(all.get(i).dir().resolve(FinalBundle.MODEL_ZIP));
            }
            candidates.add(outputDir.resolve(FinalBundle.DIR_NAME).resolve(FinalBundle.MODEL_ZIP));
        }
        for (Path zip : candidates) {
            if (Files.isRegularFile(zip)) {
                Optional<EmbeddingLayout> l = NetworkFactory.recordedLayout(zip);
                if (l.isPresent()) {
                    return l;
                }
            }
        }
        return Optional.empty();
    }

    private SessionOptions options(RunData data, long totalSteps) {
        var t = config.training();
        var c = config.checkpoint();
        SessionOptions.Builder b = SessionOptions.builder(t.outputDir())
                .seed(t.seed())
                .epochs(t.epochs())
                .checkpointEverySteps(c.everySteps())
                .keepLast(c.keepLast())
                .keepBest(c.keepBest())
                .evalEverySteps(config.eval().everySteps())
                .autosaveInterval(config.session().autosaveInterval())
                .heartbeatInterval(config.session().heartbeatInterval())
                .logEverySteps(t.logEverySteps())
                .metric(
                        config.eval().metric().name().toLowerCase(java.util.Locale.ROOT),
                        config.eval().greaterIsBetter())
                .resume(resume)
                .config(config.source().map(Path::toString).orElse(""), config.sha256())
                .fingerprint("labels", Hashing.sha256(String.join("\n", config.labels())))
                .fingerprint("features", data.settings().fingerprint())
                .fingerprint("data", data.fingerprint())
                .fingerprint(
                        "batching",
                        "batch_size=" + t.batchSize() + "|seed=" + t.seed() + "|shuffle="
                                + config.data().shuffle()
                                + (t.gradientAccumulationSteps() > 1
                                        ? "|gradient_accumulation_steps=" + t.gradientAccumulationSteps()
                                        : ""))
                .gradientAccumulationSteps(t.gradientAccumulationSteps())
                .advisoryFingerprint("optimization", Hashing.sha256(String.valueOf(trainingSettings())))
                .provenance("config", config.toMap());
        b.diskGuard(c.diskGuard(), (long) c.diskMarginMb() << 20);
        b.onDivergence(t.onDivergence(), t.maxRollbacks(), t.rollbackLrFactor());
        t.maxSteps().ifPresent(b::maxSteps);
        config.eval().earlyStopping().ifPresent(e -> b.earlyStopping(e.patience(), e.minDelta()));
        c.everyInterval().ifPresent(b::checkpointEveryInterval);
        c.mirror().ifPresent(b::mirror);
        resumePath.ifPresent(b::resumeFrom);
        return b.build();
    }

    private Map<String, Object> trainingSettings() {
        Map<String, Object> all = config.toMap();
        @SuppressWarnings("unchecked")
        Map<String, Object> m = new LinkedHashMap<>((Map<String, Object>) all.get("training"));
        m.keySet().removeAll(List.of("output_dir", "log_every_steps"));
        if (Integer.valueOf(1).equals(m.get("gradient_accumulation_steps"))) {
            // the default leaves the fingerprint of runs from before the key unchanged
            m.remove("gradient_accumulation_steps");
        }
        m.put("loss", all.get("loss"));
        m.put("model", all.get("model"));
        return m;
    }

    /** The model {@code final/} is built from: the last step's, or the best checkpoint's with {@code eval.load_best_at_end}. */
    private record FinalSource(MultiLayerNetwork net, long step, Map<String, Object> metrics, String source) {}

    private void writeFinal(Path outputDir, FinalSource f) throws IOException {
        FinalBundle.Description d = new FinalBundle.Description(
                FinalBundle.FORMAT_VERSION,
                config.labels(),
                RunData.featureSettings(config),
                config.eval().allowLabel(),
                config.eval().harmfulLabels(),
                f.step(),
                Instant.now(),
                Optional.ofNullable(TrainingRun.class.getPackage().getImplementationVersion())
                        .orElse("dev"),
                f.source());
        FinalBundle.write(outputDir, f.net(), d, f.metrics(), config.toYaml());
        mirrorFinal(outputDir);
    }

    /** Copies {@code final/} to {@code checkpoint.mirror}; a failure is logged, never fails the run. */
    private void mirrorFinal(Path outputDir) {
        config.checkpoint().mirror().ifPresent(m -> {
            try (MirrorTarget target = Mirrors.open(m)) {
                new CheckpointMirror(target).copyFinal(outputDir.resolve(FinalBundle.DIR_NAME));
                LOG.info("mirrored {}/ to {} and verified it", FinalBundle.DIR_NAME, target.describe());
            } catch (IOException | RuntimeException e) {
                LOG.warn(
                        "mirroring {}/ to {} failed: {}; the mirrored checkpoints still hold the model",
                        FinalBundle.DIR_NAME,
                        m.describe(),
                        e.getMessage());
            }
        });
    }

    /**
     * With {@code eval.load_best_at_end}, the best checkpoint by {@code eval.metric} (read back through
     * the model reader after verifying it); otherwise, or when there is no best checkpoint that
     * verifies, the network as the last step left it. {@code metrics.json} gets the evaluation at the
     * chosen step and says which was chosen.
     */
    private FinalSource chooseFinal(
            TrainingSessionManager session, MultiLayerNetwork last, Map<String, Object> lastMetrics)
            throws IOException {
        long end = session.step();
        Path metricsJsonl = RunLayout.metrics(config.training().outputDir());
        if (config.eval().loadBestAtEnd()) {
            Optional<BestCheckpoint> best = session.best();
            if (best.isEmpty()) {
                LOG.warn(
                        "eval.load_best_at_end is on, but no evaluation ranked a checkpoint (is there validation data?); {}/ holds the last "
                                + "step, {}",
                        FinalBundle.DIR_NAME,
                        end);
            } else if (best.get().step() == end) {
                LOG.info(
                        "the last step, {}, is also the best by {} ({}); {}/ holds it",
                        end,
                        best.get().metric(),
                        best.get().value(),
                        FinalBundle.DIR_NAME);
                return new FinalSource(
                        last,
                        end,
                        selection(
                                lastMetrics.isEmpty() ? FinalBundle.evaluationAt(metricsJsonl, end) : lastMetrics,
                                FinalBundle.SOURCE_BEST,
                                best.get(),
                                end),
                        FinalBundle.SOURCE_BEST);
            } else {
                Path dir = session.checkpoints()
                        .dir()
                        .resolve(CheckpointStore.PREFIX + best.get().step());
                CheckpointStore.Verification v = Files.isDirectory(dir)
                        ? session.checkpoints().verify(dir)
                        : new CheckpointStore.Verification(false, "it no longer exists", Optional.empty());
                if (v.ok()) {
                    MultiLayerNetwork net =
                            ModelReader.readMultiLayerNetwork(dir.resolve(FinalBundle.MODEL_ZIP), false);
                    LOG.info(
                            "eval.load_best_at_end: {}/ holds {} (best {} = {}), not the last step {}",
                            FinalBundle.DIR_NAME,
                            dir.getFileName(),
                            best.get().metric(),
                            best.get().value(),
                            end);
                    return new FinalSource(
                            net,
                            best.get().step(),
                            selection(
                                    FinalBundle.evaluationAt(
                                            metricsJsonl, best.get().step()),
                                    FinalBundle.SOURCE_BEST,
                                    best.get(),
                                    end),
                            FinalBundle.SOURCE_BEST);
                }
                LOG.warn(
                        "eval.load_best_at_end is on, but the best checkpoint {} does not verify ({}); {}/ holds the last step, {}",
                        dir.getFileName(),
                        v.problem(),
                        FinalBundle.DIR_NAME,
                        end);
            }
        }
        Map<String, Object> m = lastMetrics.isEmpty() ? FinalBundle.evaluationAt(metricsJsonl, end) : lastMetrics;
        return new FinalSource(
                last,
                end,
                config.eval().loadBestAtEnd() ? selection(m, FinalBundle.SOURCE_LAST, null, end) : m,
                FinalBundle.SOURCE_LAST);
    }

    private static Map<String, Object> selection(
            Map<String, Object> metrics, String source, BestCheckpoint best, long end) {
        Map<String, Object> m = new LinkedHashMap<>(metrics);
        Map<String, Object> sel = new LinkedHashMap<>();
        sel.put("source", source);
        if (best != null) {
            sel.put("metric", best.metric());
            sel.put("value", best.value());
            sel.put("step", best.step());
        }
        sel.put("last_step", end);
        m.put("selected", sel);
        return m;
    }

    /**
     * A completed run must end with a {@code final/} that verifies: a kill after the last checkpoint
     * and before {@code final/} was committed, or a damaged {@code final/}, is repaired from the
     * last checkpoint, which the session has restored into {@code net}.
     */
    private void ensureFinal(TrainingSessionManager session, Path outputDir, MultiLayerNetwork net) throws IOException {
        Path dir = outputDir.resolve(FinalBundle.DIR_NAME);
        FinalBundle.Check check = FinalBundle.check(dir);
        FinalSource wanted = null;
        String why;
        if (check.state() == FinalBundle.State.OK) {
            long held;
            try {
                held = FinalBundle.read(dir).step();
            } catch (ModelFileException e) {
                held = -1;
            }
            long expected = config.eval().loadBestAtEnd()
                    ? session.best().map(BestCheckpoint::step).orElse(session.step())
                    : session.step();
            if (held != expected) {
                wanted = chooseFinal(session, net, Map.of());
            }
            if (wanted == null || held == wanted.step()) {
                FinalBundle.removeUnfinished(outputDir);
                return;
            }
            why = held < 0
                    ? "has a " + FinalBundle.BUNDLE_JSON + " that cannot be read"
                    : "holds step " + held + ", but eval.load_best_at_end is "
                            + config.eval().loadBestAtEnd() + ", which selects step " + wanted.step();
        } else {
            why = check.state() == FinalBundle.State.MISSING
                    ? "is missing (a trainer was stopped before writing it, or it was removed)"
                    : "does not verify (" + check.problem() + ")";
        }
        if (wanted == null) {
            wanted = chooseFinal(session, net, Map.of());
        }
        String from = wanted.step() == session.step()
                ? session.state()
                        .lastCheckpointRef()
                        .map(c -> Path.of(c.path()).getFileName().toString())
                        .orElse("the last checkpoint")
                : CheckpointStore.PREFIX + wanted.step();
        LOG.warn("{} {}: rebuilding it from {} (step {})", dir, why, from, wanted.step());
        try {
            writeFinal(outputDir, wanted);
        } catch (IOException e) {
            session.fail(
                    ExitCode.FAILURE.code(),
                    "the run completed, but " + FinalBundle.DIR_NAME + "/ could not be rebuilt: " + e);
            throw e;
        }
        FinalBundle.Check after = FinalBundle.check(dir);
        if (after.state() != FinalBundle.State.OK) {
            throw new IOException(dir + " does not verify after rebuilding it: " + after.problem());
        }
        LOG.info("rebuilt {} from {}; it verifies", dir, from);
    }

    /** A stop signal after the last step does not interrupt anything left: say what became of it. */
    private static void reportLateSignal(TrainingSessionManager session) {
        session.stopSignal()
                .ifPresent(s -> LOG.warn(
                        "SIG{} arrived after the last step: the run is complete, so {}/ was finished; "
                                + "exiting 0 (completed)",
                        s.name(),
                        FinalBundle.DIR_NAME));
    }

    /** Evaluation, metrics lines and plots. */
    private final class Hooks implements TrainingHooks, AutoCloseable {
        private final MultiLayerNetwork net;
        private final Optional<StepEngine> engine;
        private StepEngine.Session engineSession;
        private final RunData data;
        private final MetricsLog metrics;
        private final ReportDrawer report;
        private final Path metricsFile;
        private final ModelEvaluator evaluator;
        private final long totalSteps;
        private EvalResult latest;

        Hooks(
                MultiLayerNetwork net,
                RunData data,
                MetricsLog metrics,
                Path outputDir,
                long totalSteps,
                Optional<StepEngine> engine) {
            this.net = net;
            this.totalSteps = totalSteps;
            this.engine = engine;
            this.data = data;
            this.metrics = metrics;
            this.metricsFile = metrics.path();
            this.report = new ReportDrawer(
                    new ReportWriter(outputDir.resolve(RunLayout.REPORT)).withConfig(config.toYaml()), metrics);
            List<String> labels = config.labels();
            int allow = labels.indexOf(config.eval().allowLabel());
            int[] harmful = config.eval().harmfulLabels().stream()
                    .mapToInt(labels::indexOf)
                    .toArray();
            this.evaluator =
                    new ModelEvaluator(labels, allow, harmful, config.eval().batchSize());
        }

        @Override
        public Optional<org.trainguard.session.StepTrainer> stepTrainer(org.deeplearning4j.nn.api.Model model) {
            if (engine.isPresent() && engineSession == null) {
                engineSession = engine.get().start(config, net);
            }
            return Optional.ofNullable(engineSession);
        }

        @Override
        public void close() {
            report.close();
            if (engineSession != null) {
                engineSession.close();
            }
        }

        @Override
        public Optional<Map<String, Double>> evaluate(EvalContext ctx) {
            if (data.validation().isEmpty()) {
                return Optional.empty();
            }
            EvalResult r = evaluator.evaluate(net, data.validation().get(), ctx.step(), ctx.progress());
            latest = r;
            out.println();
            out.println(EvalTables.format(r));
            out.flush();
            try {
                metrics.appendEval(r);
                if (ctx.step() < totalSteps) {
                    // drawn in the background, so that training goes on meanwhile; the evaluation at the end is
                    // drawn once, with the run's end state, by refreshReport
                    report.request();
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("could not record the evaluation at step {}: {}", ctx.step(), e.toString());
            }
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("accuracy", r.accuracy());
            m.put("f1_macro", r.f1Macro());
            m.put("loss", r.loss());
            m.put("false_allow_rate", r.falseAllowRate());
            return Optional.of(m);
        }

        /** Redraws the report once the run has ended, so that its page shows how. */
        void refreshReport() {
            report.drawNow();
        }

        @Override
        public void onRollback(org.trainguard.core.run.SessionState.Rollback r) {
            try {
                metrics.appendRollback(r.atStep(), r.loss(), r.toStep(), r.lrFactor(), r.change());
            } catch (IOException e) {
                LOG.warn("could not append to {}: {}", metricsFile, e.toString());
            }
        }

        @Override
        public void onProgress(Progress p) {
            pauseForTest(p.step());
            try {
                metrics.appendTrain(p.step(), p.epoch(), p.loss(), p.learningRate(), p.samplesPerSecond());
            } catch (IOException e) {
                LOG.warn("could not append to {}: {}", metricsFile, e.toString());
            }
        }
    }

    /**
     * A property for tests of what happens between two steps ({@code STEP:FILE}): on the training thread, after
     * step STEP's progress, the trainer writes FILE and waits until it is deleted (at most 10 minutes). Unset in
     * normal use.
     */
    public static final String STEP_PAUSE_PROPERTY = "trainguard.test.step_pause";

    private static void pauseForTest(long step) {
        String value = System.getProperty(STEP_PAUSE_PROPERTY);
        int colon = value == null ? -1 : value.indexOf(':');
        if (colon < 0 || !value.substring(0, colon).equals(Long.toString(step))) {
            return;
        }
        Path marker = Path.of(value.substring(colon + 1));
        try {
            Files.writeString(marker, "paused after step " + step + "\n");
            long deadline = System.nanoTime() + 600_000_000_000L;
            while (Files.exists(marker) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        } catch (IOException e) {
            LOG.warn("{} is set but {} cannot be written: {}", STEP_PAUSE_PROPERTY, marker, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
