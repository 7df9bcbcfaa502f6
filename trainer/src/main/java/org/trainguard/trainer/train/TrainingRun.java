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
import org.trainguard.core.ExitCode;
import org.trainguard.core.checkpoint.CheckpointStore;
import org.trainguard.core.config.EmbeddingLayout;
import org.trainguard.core.config.TrainguardConfig;
import org.trainguard.core.io.Hashing;
import org.trainguard.core.lock.RunLock;
import org.trainguard.core.session.Heartbeat;
import org.trainguard.core.session.SessionStatus;
import org.trainguard.session.ResumeMode;
import org.trainguard.session.SessionOptions;
import org.trainguard.session.SleepInhibitor;
import org.trainguard.session.TrainingDivergedException;
import org.trainguard.session.TrainingHooks;
import org.trainguard.session.TrainingSessionManager;
import org.trainguard.trainer.eval.EvalResult;
import org.trainguard.trainer.eval.EvalTables;
import org.trainguard.trainer.eval.MetricsLog;
import org.trainguard.trainer.model.NetworkFactory;
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
    public record Result(int exitCode, String reason, long step, Optional<EvalResult> finalEval) {
    }

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
    public TrainingRun(TrainguardConfig config, ResumeMode resume, Optional<Path> resumePath, PrintStream out, PrintStream terminal) {
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
    public TrainingRun(TrainguardConfig config, ResumeMode resume, Optional<Path> resumePath, PrintStream out, PrintStream terminal,
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
        try (RunLock lock = RunLock.acquire(outputDir, "")) {
            Heartbeat.write(outputDir, new Heartbeat(ProcessHandle.current().pid(), SessionStatus.STARTING, 0, 0, Instant.now()));
            RunData data = RunData.load(config);
            long batches = (data.train().size() + config.training().batchSize() - 1) / config.training().batchSize();
            long totalSteps = batches * config.training().epochs();
            if (config.training().maxSteps().isPresent()) {
                totalSteps = Math.min(totalSteps, config.training().maxSteps().getAsLong());
            }
            String backend = (warmup == null ? Warmup.start() : warmup).backend();
            EmbeddingLayout layout = NetworkFactory.layout(config.model(), NetworkFactory.cpuBackend(), recordedLayout(outputDir));
            MultiLayerNetwork net = NetworkFactory.build(config, totalSteps, config.labels(), layout);
            LOG.info("{} network ({} embedding): {} parameters, {} classes ({}); ND4J {}",
                    config.model().type().name().toLowerCase(java.util.Locale.ROOT), layout.name().toLowerCase(java.util.Locale.ROOT),
                    net.numParams(), config.labels().size(), String.join(", ", config.labels()), backend);
            try (TrainingSessionManager session = TrainingSessionManager.open(net, options(data, totalSteps), lock, terminal);
                 MetricsLog metrics = new MetricsLog(outputDir.resolve("metrics.jsonl"));
                 Awake awake = keepAwake(outputDir)) {
                if (session.step() >= totalSteps) {
                    String reason = "the run in " + outputDir + " already completed " + session.step() + " steps; " + outputDir.resolve("final")
                            + " holds the model (train again with --resume never, which archives this run)";
                    LOG.info("{}", reason);
                    session.fit(new FeaturizedIterator(data.train(), config.labels(), config.training().batchSize(), config.training().seed(),
                            config.data().shuffle()), TrainingHooks.NONE);
                    return new Result(ExitCode.COMPLETED.code(), reason, session.step(), Optional.empty());
                }
                Hooks hooks = new Hooks(net, data, metrics, outputDir);
                try {
                    TrainingSessionManager.Outcome outcome = session.fit(new FeaturizedIterator(data.train(), config.labels(),
                            config.training().batchSize(), config.training().seed(), config.data().shuffle()), hooks);
                    if (outcome.completed()) {
                        writeFinal(outputDir, net, session.step(), hooks.latest);
                        out.println("training completed: " + session.step() + " steps; model in " + outputDir.resolve(FinalBundle.DIR_NAME));
                    }
                    return new Result(outcome.exitCode(), outcome.reason(), outcome.step(), Optional.ofNullable(hooks.latest));
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
            return () -> { };
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
                .seed(t.seed()).epochs(t.epochs())
                .checkpointEverySteps(c.everySteps()).keepLast(c.keepLast()).keepBest(c.keepBest())
                .evalEverySteps(config.eval().everySteps())
                .autosaveInterval(config.session().autosaveInterval()).heartbeatInterval(config.session().heartbeatInterval())
                .logEverySteps(t.logEverySteps())
                .metric(config.eval().metric().name().toLowerCase(java.util.Locale.ROOT), config.eval().greaterIsBetter())
                .resume(resume)
                .config(config.source().map(Path::toString).orElse(""), config.sha256())
                .fingerprint("labels", Hashing.sha256(String.join("\n", config.labels())))
                .fingerprint("features", data.settings().fingerprint())
                .fingerprint("data", data.fingerprint())
                .fingerprint("batching", "batch_size=" + t.batchSize() + "|seed=" + t.seed() + "|shuffle=" + config.data().shuffle())
                .advisoryFingerprint("optimization", Hashing.sha256(String.valueOf(trainingSettings())))
                .provenance("config", config.toMap());
        t.maxSteps().ifPresent(b::maxSteps);
        c.everyInterval().ifPresent(b::checkpointEveryInterval);
        resumePath.ifPresent(b::resumeFrom);
        return b.build();
    }

    private Map<String, Object> trainingSettings() {
        Map<String, Object> all = config.toMap();
        @SuppressWarnings("unchecked")
        Map<String, Object> m = new LinkedHashMap<>((Map<String, Object>) all.get("training"));
        m.keySet().removeAll(List.of("output_dir", "log_every_steps"));
        m.put("loss", all.get("loss"));
        m.put("model", all.get("model"));
        return m;
    }

    private void writeFinal(Path outputDir, MultiLayerNetwork net, long step, EvalResult latest) throws IOException {
        FinalBundle.Description d = new FinalBundle.Description(FinalBundle.FORMAT_VERSION, config.labels(), RunData.featureSettings(config),
                config.eval().allowLabel(), config.eval().harmfulLabels(), step, Instant.now(),
                Optional.ofNullable(TrainingRun.class.getPackage().getImplementationVersion()).orElse("dev"));
        FinalBundle.write(outputDir, net, d, latest, config.toYaml());
    }

    /** Evaluation, metrics lines and plots. */
    private final class Hooks implements TrainingHooks {
        private final MultiLayerNetwork net;
        private final RunData data;
        private final MetricsLog metrics;
        private final ReportWriter report;
        private final Path metricsFile;
        private final ModelEvaluator evaluator;
        private EvalResult latest;

        Hooks(MultiLayerNetwork net, RunData data, MetricsLog metrics, Path outputDir) {
            this.net = net;
            this.data = data;
            this.metrics = metrics;
            this.metricsFile = metrics.path();
            this.report = new ReportWriter(outputDir.resolve("report"));
            List<String> labels = config.labels();
            int allow = labels.indexOf(config.eval().allowLabel());
            int[] harmful = config.eval().harmfulLabels().stream().mapToInt(labels::indexOf).toArray();
            this.evaluator = new ModelEvaluator(labels, allow, harmful, config.eval().batchSize());
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
                report.writeFrom(metricsFile);
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

        @Override
        public void onProgress(Progress p) {
            try {
                metrics.appendTrain(p.step(), p.epoch(), p.loss(), p.learningRate(), p.samplesPerSecond());
            } catch (IOException e) {
                LOG.warn("could not append to {}: {}", metricsFile, e.toString());
            }
        }
    }
}
