package org.trainguard.trainer.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainguard.config.TrainguardConfig;
import org.trainguard.core.run.RunLayout;
import org.trainguard.session.TrainingHooks;
import org.trainguard.trainer.eval.EvalResult;
import org.trainguard.trainer.eval.EvalTables;
import org.trainguard.trainer.eval.MetricsLog;
import org.trainguard.trainer.report.ReportDrawer;
import org.trainguard.trainer.report.ReportWriter;

/** What a training run does between steps: evaluation, metrics lines and plots. */
final class EvaluationHooks implements TrainingHooks, AutoCloseable {

    /** Logged under the training run's name, as the run's other lines are. */
    private static final Logger LOG = LoggerFactory.getLogger(TrainingRun.class);

    private final TrainguardConfig config;
    private final PrintStream out;
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

    EvaluationHooks(
            TrainguardConfig config,
            PrintStream out,
            MultiLayerNetwork net,
            RunData data,
            MetricsLog metrics,
            Path outputDir,
            long totalSteps,
            Optional<StepEngine> engine) {
        this.config = config;
        this.out = out;
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
        int[] harmful =
                config.eval().harmfulLabels().stream().mapToInt(labels::indexOf).toArray();
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

    /** The last evaluation, or null when there was none. */
    EvalResult latest() {
        return latest;
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

    private static void pauseForTest(long step) {
        String value = System.getProperty(TrainingRun.STEP_PAUSE_PROPERTY);
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
            LOG.warn("{} is set but {} cannot be written: {}", TrainingRun.STEP_PAUSE_PROPERTY, marker, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
