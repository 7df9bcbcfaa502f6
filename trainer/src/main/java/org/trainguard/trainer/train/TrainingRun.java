package org.trainguard.trainer.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.trainguard.core.checkpoint.CheckpointStore;
import org.trainguard.core.io.Hashing;
import org.trainguard.core.io.RunFiles;
import org.trainguard.core.lock.RunLock;
import org.trainguard.core.run.Heartbeat;
import org.trainguard.core.run.RunLayout;
import org.trainguard.session.ResumeMode;
import org.trainguard.session.SessionOptions;
import org.trainguard.session.TrainingDivergedException;
import org.trainguard.session.TrainingHooks;
import org.trainguard.session.TrainingSessionManager;
import org.trainguard.trainer.eval.EvalResult;
import org.trainguard.trainer.eval.MetricsLog;
import org.trainguard.trainer.model.NetworkFactory;

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
    private final FinalModel finalModel;

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
        this.finalModel = new FinalModel(config);
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
                    KeepAwake awake = KeepAwake.during(config, outputDir)) {
                startup.close();
                if (session.step() >= totalSteps || session.stoppedEarly().isPresent()) {
                    String reason = "the run in " + outputDir + " already completed " + session.step() + " steps"
                            + session.stoppedEarly()
                                    .map(why -> " (" + why + ")")
                                    .orElse("") + "; " + RunLayout.finalDir(outputDir)
                            + " holds the model (train again with --resume never, which archives this run)";
                    TrainingSessionManager.Outcome outcome = session.fit(trainBatches(data), TrainingHooks.NONE);
                    finalModel.ensure(session, outputDir, net);
                    if (!outcome.completed()) {
                        return new Result(outcome.exitCode(), outcome.reason(), outcome.step(), Optional.empty());
                    }
                    reportLateSignal(session);
                    LOG.info("{}", reason);
                    return new Result(ExitCode.COMPLETED.code(), reason, session.step(), Optional.empty());
                }
                EvaluationHooks hooks =
                        new EvaluationHooks(config, out, net, data, metrics, outputDir, totalSteps, engine);
                try (hooks) {
                    TrainingSessionManager.Outcome outcome = session.fit(trainBatches(data), hooks);
                    if (outcome.completed()) {
                        try {
                            finalModel.write(
                                    outputDir,
                                    finalModel.choose(
                                            session,
                                            net,
                                            hooks.latest() == null
                                                    ? Map.of()
                                                    : hooks.latest().toMap()));
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
                            outcome.exitCode(), outcome.reason(), outcome.step(), Optional.ofNullable(hooks.latest()));
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

    /** A stop signal after the last step does not interrupt anything left: say what became of it. */
    private static void reportLateSignal(TrainingSessionManager session) {
        session.stopSignal()
                .ifPresent(s -> LOG.warn(
                        "SIG{} arrived after the last step: the run is complete, so {}/ was finished; "
                                + "exiting 0 (completed)",
                        s.name(),
                        FinalBundle.DIR_NAME));
    }

    /**
     * A property for tests of what happens between two steps ({@code STEP:FILE}): on the training thread, after
     * step STEP's progress, the trainer writes FILE and waits until it is deleted (at most 10 minutes). Unset in
     * normal use.
     */
    public static final String STEP_PAUSE_PROPERTY = "trainguard.test.step_pause";

    /** The training part's batches, in the order the run's seed gives. */
    private FeaturizedIterator trainBatches(RunData data) {
        return new FeaturizedIterator(
                data.train(),
                config.labels(),
                config.training().batchSize(),
                config.training().seed(),
                config.data().shuffle());
    }
}
