package org.trainguard.trainer.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class EvalTablesTest {

    @Test
    void tableHoldsSummaryPerClassRowsAndConfusionMatrix() {
        EvalResult r = EvaluatorTest.moderationEvaluator().evaluate(1458, EvaluatorTest.TRUE, EvaluatorTest.PRED, 0.75);

        String text = EvalTables.format(r);
        List<String> lines = text.lines().toList();

        assertEquals(
                "step 1458  loss 0.7500  accuracy 0.5556  macro-F1 0.4500  "
                        + "false-allow rate 0.3333 (1 of 3 harmful)",
                lines.get(0));
        assertTrue(lines.contains("label       precision     recall         f1  support"), text);
        assertTrue(lines.contains("ALLOW          0.5000     0.5000     0.5000        4"), text);
        assertTrue(lines.contains("DENY           1.0000     0.6667     0.8000        3"), text);
        assertTrue(lines.contains("REFUSE         0.0000     0.0000     0.0000        0"), text);
        assertTrue(lines.contains("macro avg      0.5000     0.4167     0.4500        9"), text);
        assertTrue(lines.contains("true \\ predicted  ALLOW  ESCALATION  DENY  REFUSE"), text);
        assertTrue(lines.contains("ALLOW                 2           1     0       1"), text);
        assertTrue(lines.contains("DENY                  1           0     2       0"), text);
        assertTrue(lines.contains("REFUSE                0           0     0       0"), text);
    }

    @Test
    void unmeasuredValuesReadNotApplicable() {
        EvalResult r = EvaluatorTest.moderationEvaluator()
                .accumulator()
                .add(EvaluatorTest.A, EvaluatorTest.A)
                .add(EvaluatorTest.E, EvaluatorTest.A)
                .result(7);

        String summary = EvalTables.summary(r);

        assertEquals(
                "step 7  loss n/a  accuracy 0.5000  macro-F1 0.1667  " + "false-allow rate n/a (no harmful examples)",
                summary);
    }
}
