package org.trainguard.trainer.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.trainguard.trainer.eval.EvalResult;

/**
 * The charts of the report folder, built from the metrics history and the latest evaluation: loss,
 * learning rate, evaluation metrics and the confusion-matrix heat map, each {@link ReportWriter#WIDTH}
 * by {@link ReportWriter#HEIGHT} pixels. {@link ReportWriter} saves them and shows them on its page.
 */
final class ReportCharts {

    // More points than pixels only slows drawing down.
    private static final int MAX_POINTS = 2000;
    // Sparse series (evaluations) get markers so single points stay visible.
    private static final int MARKER_LIMIT = 40;

    private ReportCharts() {}

    static Optional<XYChart> loss(MetricsHistory history) {
        MetricsHistory.Series train = history.series("train", "loss");
        MetricsHistory.Series eval = history.series("eval", "loss");
        if (train.isEmpty() && eval.isEmpty()) {
            return Optional.empty();
        }
        XYChart chart = lineChart("Loss", "loss");
        addLine(chart, "train loss", train);
        addLine(chart, "eval loss", eval);
        return Optional.of(chart);
    }

    static Optional<XYChart> learningRate(MetricsHistory history) {
        MetricsHistory.Series rate = history.series("train", "learning_rate");
        if (rate.isEmpty()) {
            return Optional.empty();
        }
        XYChart chart = lineChart("Learning rate", "learning rate");
        chart.getStyler().setLegendVisible(false);
        // Rates like 1e-4 read as 0.0001 or 0.0 in plain decimals.
        chart.getStyler().setYAxisDecimalPattern("0.0#E0");
        chart.getStyler().setYAxisMin(0.0);
        addLine(chart, "learning rate", rate);
        return Optional.of(chart);
    }

    static Optional<XYChart> evalMetrics(MetricsHistory history) {
        MetricsHistory.Series accuracy = history.series("eval", "accuracy");
        MetricsHistory.Series f1Macro = history.series("eval", "f1_macro");
        if (accuracy.isEmpty() && f1Macro.isEmpty()) {
            return Optional.empty();
        }
        XYChart chart = lineChart("Evaluation", "value");
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(1.0);
        chart.getStyler().setYAxisDecimalPattern("0.0#");
        addLine(chart, "accuracy", accuracy);
        addLine(chart, "macro-F1", f1Macro);
        addLine(chart, "false-allow rate", falseAllowSeries(history));
        return Optional.of(chart);
    }

    /** The false-allow rate only where the evaluation held harmful examples; elsewhere it is undefined. */
    private static MetricsHistory.Series falseAllowSeries(MetricsHistory history) {
        List<Map<String, Object>> defined = new ArrayList<>();
        for (Map<String, Object> line : history.lines()) {
            boolean noHarmful = line.get("harmful_count") instanceof Number harmful && harmful.longValue() == 0;
            if (!noHarmful) {
                defined.add(line);
            }
        }
        return MetricsHistory.of(defined).series("eval", "false_allow_rate");
    }

    private static XYChart lineChart(String title, String yTitle) {
        XYChart chart = new XYChartBuilder()
                .width(ReportWriter.WIDTH)
                .height(ReportWriter.HEIGHT)
                .title(title)
                .xAxisTitle("step")
                .yAxisTitle(yTitle)
                .build();
        Styler styler = chart.getStyler();
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        // Below the plot, because inside it the legend hides the latest points, which matter most.
        styler.setLegendPosition(Styler.LegendPosition.OutsideS);
        styler.setLegendLayout(Styler.LegendLayout.Horizontal);
        styler.setLegendBorderColor(Color.LIGHT_GRAY);
        styler.setChartTitleBoxVisible(false);
        styler.setPlotBorderVisible(true);
        styler.setPlotBorderColor(Color.LIGHT_GRAY);
        chart.getStyler().setXAxisDecimalPattern("#,##0");
        chart.getStyler().setPlotGridLinesColor(new Color(230, 230, 230));
        chart.getStyler().setPlotGridLinesStroke(new BasicStroke(1f));
        return chart;
    }

    private static void addLine(XYChart chart, String name, MetricsHistory.Series series) {
        if (series.isEmpty()) {
            return;
        }
        MetricsHistory.Series shown = series.thinnedTo(MAX_POINTS);
        XYSeries line = chart.addSeries(name, shown.steps(), shown.values());
        line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        line.setMarker(shown.size() <= MARKER_LIMIT ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
    }

    static HeatMapChart confusion(EvalResult result) {
        List<String> labels = result.labels();
        long[][] confusion = result.confusion();
        int n = labels.size();
        HeatMapChart chart = new HeatMapChartBuilder()
                .width(ReportWriter.WIDTH)
                .height(ReportWriter.HEIGHT)
                .title("Confusion matrix at step " + result.step())
                .xAxisTitle("predicted")
                .yAxisTitle("true")
                .build();
        // The heat map puts its first row at the bottom; rows are reversed so the first label
        // reads at the top, as in the text table.
        List<String> rowLabels = new ArrayList<>(labels);
        Collections.reverse(rowLabels);
        List<Number[]> cells = new ArrayList<>();
        long max = 1;
        for (int t = 0; t < n; t++) {
            for (int p = 0; p < n; p++) {
                cells.add(new Number[] {p, n - 1 - t, confusion[t][p]});
                max = Math.max(max, confusion[t][p]);
            }
        }
        chart.addSeries("examples", labels, rowLabels, cells);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setChartTitleBoxVisible(false);
        chart.getStyler().setShowValue(true);
        chart.getStyler().setValueFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        chart.getStyler().setValueFontColor(Color.BLACK);
        chart.getStyler().setHeatMapValueDecimalPattern("0");
        chart.getStyler().setMin(0);
        chart.getStyler().setMax(max);
        // Light colours keep the black counts readable on every cell.
        chart.getStyler().setRangeColors(new Color[] {new Color(247, 251, 255), new Color(107, 174, 214)});
        chart.getStyler().setDrawBorder(true);
        // Every cell carries its count, so a colour scale would only repeat them (and XChart 3.8.8
        // labels its ends as decimals, "205.0").
        chart.getStyler().setLegendVisible(false);
        return chart;
    }
}
