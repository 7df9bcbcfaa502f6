package org.trainguard.trainer.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsHistoryTest {

    private static Map<String, Object> train(int step, double loss) {
        return Map.of("type", "train", "step", step, "loss", loss);
    }

    private static Map<String, Object> eval(int step, double accuracy) {
        return Map.of("type", "eval", "step", step, "accuracy", accuracy);
    }

    @Test
    void resumeReplacesTheAbandonedStepsOfEveryType() {
        MetricsHistory history = MetricsHistory.of(List.of(
                train(10, 1.0),
                train(20, 0.9),
                eval(20, 0.5),
                train(30, 0.8),
                eval(30, 0.6),
                // crashed after 30, resumed from the checkpoint at 10
                train(20, 0.95),
                train(30, 0.85),
                train(40, 0.7)));

        MetricsHistory.Series loss = history.series("train", "loss");
        assertArrayEquals(new double[] {10, 20, 30, 40}, loss.steps());
        assertArrayEquals(new double[] {1.0, 0.95, 0.85, 0.7}, loss.values());
        assertEquals(0, history.series("eval", "accuracy").size(), "evaluations of the abandoned run are gone");
        assertEquals(40, history.last("train").orElseThrow().get("step"));
    }

    @Test
    void sameStepTwiceKeepsTheLaterValueAndUndrawableValuesAreLeftOut() {
        MetricsHistory history = MetricsHistory.of(List.of(
                train(10, 1.0),
                eval(10, 0.5),
                eval(10, 0.55),
                train(20, Double.NaN),
                Map.of("type", "train", "loss", 3.0),
                Map.of("type", "train", "step", 30, "loss", "high"),
                train(40, Double.POSITIVE_INFINITY),
                train(50, 0.5)));

        assertArrayEquals(
                new double[] {0.55}, history.series("eval", "accuracy").values());
        MetricsHistory.Series loss = history.series("train", "loss");
        assertArrayEquals(new double[] {10, 50}, loss.steps());
    }

    @Test
    void thinningAveragesNeighbours() {
        MetricsHistory.Series series =
                new MetricsHistory.Series(new double[] {1, 2, 3, 4, 5, 6}, new double[] {1, 3, 5, 7, 9, 11});
        MetricsHistory.Series thin = series.thinnedTo(3);
        assertArrayEquals(new double[] {1.5, 3.5, 5.5}, thin.steps());
        assertArrayEquals(new double[] {2, 6, 10}, thin.values());
        assertEquals(series, series.thinnedTo(6));
    }
}
