package org.trainguard.trainer.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EvalResultTest {

    private final EvalResult result =
            EvaluatorTest.moderationEvaluator().evaluate(1458, EvaluatorTest.TRUE, EvaluatorTest.PRED, 0.75);

    @Test
    void jsonHasTheMetricsJsonlShape() throws Exception {
        String json = result.toJson();

        assertTrue(json.startsWith("{\"type\":\"eval\",\"step\":1458,\"loss\":0.75,"), json);
        assertTrue(json.contains("\"f1_macro\":0.45,"), json);
        assertTrue(
                json.contains(
                        "\"per_class\":{\"ALLOW\":{\"precision\":0.5,\"recall\":0.5,\"f1\":0.5," + "\"support\":4},"),
                json);
        assertTrue(json.contains("\"confusion\":[[2,1,0,1],[1,1,0,0],[1,0,2,0],[0,0,0,0]]"), json);
        assertTrue(!json.contains("\n"), "one line");
        Map<String, Object> parsed = MetricsJson.readObject(json);
        assertEquals(1.0 / 3.0, ((Number) parsed.get("false_allow_rate")).doubleValue(), 1e-15);
    }

    @Test
    void mapFormRoundTripsThroughJson() throws Exception {
        EvalResult back = EvalResult.fromMap(MetricsJson.readObject(result.toJson()));
        assertEquals(result, back);
    }

    @Test
    void nanLossRoundTripsAsANumber() throws Exception {
        EvalResult diverged =
                EvaluatorTest.moderationEvaluator().accumulator().add(0, 0).result(5);
        String json = diverged.toJson();
        assertTrue(json.contains("\"loss\":NaN"), json);
        assertEquals(diverged, EvalResult.fromMap(MetricsJson.readObject(json)));
    }

    @Test
    void fromMapNamesTheBrokenKey() throws Exception {
        Map<String, Object> map = MetricsJson.readObject(result.toJson().replace("\"accuracy\":", "\"acc\":"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EvalResult.fromMap(map));
        assertTrue(e.getMessage().startsWith("accuracy must be a number"), e.getMessage());
    }

    @Test
    void shapesAreChecked() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new EvalResult(
                        1,
                        List.of("a", "b"),
                        new long[][] {{1, 0}},
                        0,
                        0,
                        0,
                        new double[2],
                        new double[2],
                        new double[2],
                        new long[2],
                        0,
                        0,
                        0));
        assertTrue(e.getMessage().contains("1 rows but there are 2 labels"), e.getMessage());
    }
}
