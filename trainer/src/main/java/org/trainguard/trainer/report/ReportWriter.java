package org.trainguard.trainer.report;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.internal.chartpart.Chart;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainguard.config.Durations;
import org.trainguard.core.io.AtomicFiles;
import org.trainguard.core.run.SessionState;
import org.trainguard.core.run.SessionStore;
import org.trainguard.trainer.eval.EvalResult;
import org.trainguard.trainer.eval.EvalTables;
import org.trainguard.trainer.eval.MetricsLog;

/**
 * Draws the run's report folder: {@code loss.png}, {@code learning_rate.png},
 * {@code eval_metrics.png}, {@code confusion_matrix.png} and an {@code index.html} that shows them
 * with the latest tables.
 *
 * <p>Each file is replaced atomically, so the folder can be watched while training runs. A plot
 * with nothing to draw yet (no evaluation before the first eval step) is skipped, not drawn empty;
 * a file from an earlier call stays until it is redrawn. Charts are drawn without a display
 * ({@code java.awt.headless}), so this works on servers.
 */
public final class ReportWriter {

    /** Width of every plot, in pixels. */
    public static final int WIDTH = 800;
    /** Height of every plot, in pixels. */
    public static final int HEIGHT = 500;

    /** File names written into the report folder. */
    public static final String LOSS_PNG = "loss.png";
    /** Learning-rate plot file name. */
    public static final String LEARNING_RATE_PNG = "learning_rate.png";
    /** Evaluation-metrics plot file name. */
    public static final String EVAL_METRICS_PNG = "eval_metrics.png";
    /** Confusion-matrix heat map file name. */
    public static final String CONFUSION_MATRIX_PNG = "confusion_matrix.png";
    /** Report page file name. */
    public static final String INDEX_HTML = "index.html";

    private static final Logger LOG = LoggerFactory.getLogger(ReportWriter.class);

    static {
        // Only when the user has not chosen: a desktop application embedding this keeps its display.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private final Path reportDir;
    private final Clock clock;
    private final Optional<String> configYaml;

    /** Creates a writer for {@code reportDir}; the folder is created on the first write. */
    public ReportWriter(Path reportDir) {
        this(reportDir, Clock.systemUTC());
    }

    /** Creates a writer for {@code reportDir} that stamps the page with {@code clock}'s time. */
    public ReportWriter(Path reportDir, Clock clock) {
        this(reportDir, clock, Optional.empty());
    }

    private ReportWriter(Path reportDir, Clock clock, Optional<String> configYaml) {
        this.reportDir = Objects.requireNonNull(reportDir, "reportDir");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.configYaml = Objects.requireNonNull(configYaml, "configYaml");
    }

    /**
     * A writer whose page also shows the run's configuration.
     *
     * @param redactedYaml the configuration with its secrets redacted ({@code TrainguardConfig.toYaml()})
     * @return the new writer
     */
    public ReportWriter withConfig(String redactedYaml) {
        return new ReportWriter(reportDir, clock, Optional.of(redactedYaml));
    }

    /** Returns the folder this writer draws into. */
    public Path reportDir() {
        return reportDir;
    }

    /**
     * Redraws the report from a metrics.jsonl file: its lines, and its last evaluation for the
     * confusion matrix and tables.
     *
     * @return the files written, as {@link #write} returns them
     * @throws IOException when the log cannot be read or a file cannot be written
     */
    public List<Path> writeFrom(Path metricsJsonl) throws IOException {
        List<Map<String, Object>> lines = MetricsLog.read(metricsJsonl);
        Optional<EvalResult> latest = MetricsHistory.of(lines).last("eval").map(EvalResult::fromMap);
        return write(lines, latest);
    }

    /**
     * Redraws the report.
     *
     * @param metricsLines lines of metrics.jsonl in file order, as {@link MetricsLog#read} returns them
     * @param latest       the latest evaluation, for the confusion matrix and the tables
     * @return the files written, plots first and {@code index.html} last
     * @throws IOException when a file cannot be written; training can carry on without a report,
     *                     so callers in the training loop should log this and continue
     */
    public List<Path> write(List<Map<String, Object>> metricsLines, Optional<EvalResult> latest) throws IOException {
        Objects.requireNonNull(metricsLines, "metricsLines");
        Objects.requireNonNull(latest, "latest");
        long started = System.nanoTime();
        Files.createDirectories(reportDir);
        MetricsHistory history = MetricsHistory.of(metricsLines);
        List<Path> written = new ArrayList<>();
        Optional<XYChart> loss = ReportCharts.loss(history);
        if (loss.isPresent()) {
            written.add(savePng(loss.get(), LOSS_PNG));
        }
        Optional<XYChart> learningRate = ReportCharts.learningRate(history);
        if (learningRate.isPresent()) {
            written.add(savePng(learningRate.get(), LEARNING_RATE_PNG));
        }
        Optional<XYChart> evalMetrics = ReportCharts.evalMetrics(history);
        if (evalMetrics.isPresent()) {
            written.add(savePng(evalMetrics.get(), EVAL_METRICS_PNG));
        }
        // a heat map of thousands of labels has no readable cell and its drawing runs out of memory; the page lists
        // the most frequent confusions instead
        if (latest.isPresent() && latest.get().labels().size() <= EvalResult.FULL_TABLE_LABELS) {
            written.add(savePng(ReportCharts.confusion(latest.get()), CONFUSION_MATRIX_PNG));
        }
        written.add(writeIndex(history, latest, written));
        LOG.info(
                "report written to {}: {} plots from {} metrics lines in {} ms",
                reportDir,
                written.size() - 1,
                metricsLines.size(),
                (System.nanoTime() - started) / 1_000_000);
        return Collections.unmodifiableList(written);
    }

    private Path savePng(Chart<?, ?> chart, String fileName) throws IOException {
        Path target = reportDir.resolve(fileName);
        AtomicFiles.replace(target, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
        return target;
    }

    private Path writeIndex(MetricsHistory history, Optional<EvalResult> latest, List<Path> plots) throws IOException {
        Instant now = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS);
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                // The page sits beside a running training; reloading shows new evaluations.
                .append("<meta http-equiv=\"refresh\" content=\"60\">\n")
                .append("<title>Training report</title>\n")
                .append("<style>body{font-family:sans-serif;margin:1em;color:#222}")
                .append(".page{display:flex;gap:1.5em;align-items:flex-start}")
                // the four plots in a 2 x 2 grid on the left, the run beside them
                .append(".plots{flex:0 0 62%;display:grid;grid-template-columns:1fr 1fr;gap:0.5em}")
                .append(".plots figure{margin:0}.plots figcaption{font-weight:bold;margin:0.2em 0}")
                .append(".plots img{width:100%;height:auto;border:1px solid #ddd}")
                .append(".run{flex:1;min-width:0}.run h1{margin-top:0}")
                .append("table.summary td{padding:0.15em 0.6em 0.15em 0;vertical-align:top}")
                .append("pre{background:#f6f8fa;padding:0.8em;overflow-x:auto;font-size:0.85em}</style>\n")
                .append("</head>\n<body>\n<div class=\"page\">\n<main class=\"plots\">\n");
        // The query string changes with each refresh so browsers do not show a cached old plot.
        long version = now.toEpochMilli();
        for (Path plot : plots) {
            String name = plot.getFileName().toString();
            html.append("<figure><figcaption>")
                    .append(escape(plotTitle(name)))
                    .append("</figcaption>")
                    .append("<img src=\"")
                    .append(escape(name))
                    .append("?v=")
                    .append(version)
                    .append("\" alt=\"")
                    .append(escape(plotTitle(name)))
                    .append("\" width=\"")
                    .append(WIDTH)
                    .append("\" height=\"")
                    .append(HEIGHT)
                    .append("\"></figure>\n");
        }
        if (plots.isEmpty()) {
            html.append("<p>No metrics to plot yet.</p>\n");
        }
        html.append("</main>\n<aside class=\"run\">\n<h1>Training report</h1>\n")
                .append("<p>Updated ")
                .append(escape(now.toString()))
                .append(" (UTC)</p>\n");
        html.append(runSummary(now));
        Optional<Map<String, Object>> lastTrain = history.last("train");
        if (lastTrain.isPresent()) {
            html.append("<h2>Latest training step</h2>\n<pre>")
                    .append(escape(trainSummary(lastTrain.get())))
                    .append("</pre>\n");
        }
        if (latest.isPresent()) {
            html.append("<h2>Latest evaluation</h2>\n<pre>")
                    .append(escape(EvalTables.format(latest.get())))
                    .append("</pre>\n");
        } else {
            html.append("<p>No evaluation yet.</p>\n");
        }
        configYaml.ifPresent(yaml -> html.append("<h2>Configuration</h2>\n<pre>")
                .append(escape(yaml))
                .append("</pre>\n"));
        html.append("</aside>\n</div>\n</body>\n</html>\n");
        Path target = reportDir.resolve(INDEX_HTML);
        AtomicFiles.replace(target, out -> {
            Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            writer.write(html.toString());
            writer.flush();
        });
        return target;
    }

    /**
     * The run's status, progress, best checkpoint and duration from {@code training_session.json} beside
     * the report folder; nothing when there is none (a report drawn from a metrics file alone).
     */
    private String runSummary(Instant now) {
        Path runDir = reportDir.toAbsolutePath().getParent();
        if (runDir == null) {
            return "";
        }
        Optional<SessionState> read;
        try {
            read = new SessionStore(runDir).read().state();
        } catch (RuntimeException e) {
            read = Optional.empty();
        }
        if (read.isEmpty()) {
            return "";
        }
        SessionState s = read.get();
        StringBuilder t = new StringBuilder("<h2>Run</h2>\n<table class=\"summary\">\n");
        row(
                t,
                "status",
                s.status().name()
                        + s.exitInfo()
                                .map(e -> " (exit " + e.code() + ": " + e.reason() + ")")
                                .orElse(""));
        row(
                t,
                "step",
                s.step() + " of " + s.totalSteps() + ", epoch " + Math.min(s.epoch() + 1, Math.max(1, s.totalEpochs()))
                        + " of " + s.totalEpochs());
        row(
                t,
                "best checkpoint",
                s.bestSoFar()
                        .map(b -> "checkpoints/checkpoint-" + b.step() + " (" + b.metric() + " "
                                + String.format(Locale.ROOT, "%.4f", b.value()) + ")")
                        .orElse("none yet"));
        Instant end = s.status().live() ? now : s.updatedAt();
        row(
                t,
                "duration",
                Durations.format(Duration.between(s.startedAt(), end)
                                .withNanos(0)
                                .abs()) + " since " + s.startedAt().truncatedTo(ChronoUnit.SECONDS)
                        + (s.restarts() > 0 ? ", " + s.restarts() + " restart(s)" : ""));
        return t.append("</table>\n").toString();
    }

    private static void row(StringBuilder table, String name, String value) {
        table.append("<tr><td>")
                .append(escape(name))
                .append("</td><td>")
                .append(escape(value))
                .append("</td></tr>\n");
    }

    private static String trainSummary(Map<String, Object> line) {
        return "step " + line.get("step")
                // metrics.jsonl counts epochs from 0; the page counts from 1, as the progress line and the log do
                + "  epoch " + (line.get("epoch") instanceof Number n ? String.valueOf(n.longValue() + 1) : "n/a")
                + "  loss " + number(line.get("loss"), "%.4f")
                + "  learning rate " + number(line.get("learning_rate"), "%.3e")
                + "  samples/s " + number(line.get("samples_per_second"), "%.1f")
                + (line.get("time") == null ? "" : "  at " + line.get("time"));
    }

    private static String number(Object value, String format) {
        return value instanceof Number number ? String.format(Locale.ROOT, format, number.doubleValue()) : "n/a";
    }

    private static String plotTitle(String fileName) {
        return switch (fileName) {
            case LOSS_PNG -> "Loss";
            case LEARNING_RATE_PNG -> "Learning rate";
            case EVAL_METRICS_PNG -> "Evaluation metrics";
            case CONFUSION_MATRIX_PNG -> "Confusion matrix";
            default -> fileName;
        };
    }

    private static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
