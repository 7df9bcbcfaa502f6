package org.trainguard.trainer.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluatorTest {

    static final List<String> LABELS = List.of("ALLOW", "ESCALATION", "DENY", "REFUSE");
    static final int A = 0;
    static final int E = 1;
    static final int D = 2;
    static final int R = 3;
    private static final double EPS = 1e-12;

    /**
     * Nine examples; REFUSE is predicted once but never true (zero support), DENY -> ALLOW once.
     * Confusion [true][pred]: ALLOW 2 1 0 1 / ESCALATION 1 1 0 0 / DENY 1 0 2 0 / REFUSE 0 0 0 0.
     */
    static final int[] TRUE = {A, A, A, A, E, E, D, D, D};

    static final int[] PRED = {A, A, E, R, E, A, D, D, A};

    static Evaluator moderationEvaluator() {
        return new Evaluator(LABELS, A, new int[] {D, R});
    }

    @Test
    void metricsMatchHandComputedValues() {
        EvalResult r = moderationEvaluator().evaluate(1458, TRUE, PRED, 0.75);

        assertEquals(1458, r.step());
        assertEquals(0.75, r.loss(), EPS);
        assertArrayEquals(new long[][] {{2, 1, 0, 1}, {1, 1, 0, 0}, {1, 0, 2, 0}, {0, 0, 0, 0}}, r.confusion());
        assertArrayEquals(new long[] {4, 2, 3, 0}, r.support());
        assertEquals(5.0 / 9.0, r.accuracy(), EPS);
        // precision: 2/4, 1/2, 2/2, REFUSE 0/1
        assertArrayEquals(new double[] {0.5, 0.5, 1.0, 0.0}, r.precision(), EPS);
        // recall: 2/4, 1/2, 2/3, REFUSE has no support -> 0
        assertArrayEquals(new double[] {0.5, 0.5, 2.0 / 3.0, 0.0}, r.recall(), EPS);
        // DENY: 2 * 1 * (2/3) / (1 + 2/3) = 0.8
        assertArrayEquals(new double[] {0.5, 0.5, 0.8, 0.0}, r.f1(), EPS);
        assertEquals((0.5 + 0.5 + 0.8 + 0.0) / 4, r.f1Macro(), EPS);
        // harmful = DENY (3) + REFUSE (0); one DENY was allowed
        assertEquals(3, r.harmfulCount());
        assertEquals(1, r.falseAllowCount());
        assertEquals(1.0 / 3.0, r.falseAllowRate(), EPS);
        assertEquals(9, r.exampleCount());
    }

    @Test
    void classNeverTrueNorPredictedScoresZeroNotNaN() {
        Evaluator evaluator = new Evaluator(List.of("a", "b", "c"), 0, new int[] {2});
        EvalResult r = evaluator.evaluate(3, new int[] {0, 0, 1, 1}, new int[] {0, 1, 1, 1}, 0.1);

        assertArrayEquals(new double[] {1.0, 2.0 / 3.0, 0.0}, r.precision(), EPS);
        assertArrayEquals(new double[] {0.5, 1.0, 0.0}, r.recall(), EPS);
        assertArrayEquals(new double[] {2.0 / 3.0, 0.8, 0.0}, r.f1(), EPS);
        assertEquals((2.0 / 3.0 + 0.8 + 0.0) / 3, r.f1Macro(), EPS);
        // no harmful examples at all: rate 0, and the count says it is undefined
        assertEquals(0, r.harmfulCount());
        assertEquals(0, r.falseAllowCount());
        assertEquals(0.0, r.falseAllowRate());
    }

    @Test
    void everyHarmfulExampleAllowedGivesRateOne() {
        EvalResult r = moderationEvaluator().evaluate(1, new int[] {D, R, A}, new int[] {A, A, A}, 2.0);
        assertEquals(2, r.harmfulCount());
        assertEquals(2, r.falseAllowCount());
        assertEquals(1.0, r.falseAllowRate(), EPS);
        // escalating a harmful example is not a false allow
        EvalResult escalated = moderationEvaluator().evaluate(1, new int[] {D, R}, new int[] {E, D}, 2.0);
        assertEquals(0.0, escalated.falseAllowRate());
        assertEquals(2, escalated.harmfulCount());
    }

    @Test
    void streamingInBatchesGivesTheSameResultAsAllAtOnce() {
        Evaluator evaluator = moderationEvaluator();
        EvalAccumulator acc = evaluator.accumulator();
        acc.add(new int[] {A, A, A, A}, new int[] {A, A, E, R}).addLoss(4 * 0.5, 4);
        acc.add(E, E).add(E, A).addLoss(2 * 1.0, 2);
        acc.add(new int[] {D, D, D}, new int[] {D, D, A}).addLoss(3 * 1.0, 3);

        EvalResult streamed = acc.result(1458);

        assertEquals((2.0 + 2.0 + 3.0) / 9, streamed.loss(), EPS);
        EvalResult whole = evaluator.evaluate(1458, TRUE, PRED, streamed.loss());
        assertEquals(whole, streamed);
    }

    @Test
    void resultIsASnapshotTheAccumulatorCanKeepCountingAfter() {
        EvalAccumulator acc = moderationEvaluator().accumulator().add(A, A);
        EvalResult first = acc.result(1);
        acc.add(D, A);
        assertEquals(1.0, first.accuracy());
        assertEquals(0.5, acc.result(2).accuracy());
        long[][] confusion = first.confusion();
        confusion[0][0] = 99;
        assertEquals(1, first.confusion()[0][0]);
    }

    @Test
    void lossIsNaNWhenNeverRecordedAndNaNLossPropagates() {
        assertTrue(Double.isNaN(
                moderationEvaluator().accumulator().add(A, A).result(1).loss()));
        EvalResult diverged = moderationEvaluator()
                .accumulator()
                .add(A, A)
                .addLoss(1.0, 1)
                .addLoss(Double.NaN, 1)
                .result(1);
        assertTrue(Double.isNaN(diverged.loss()));
    }

    @Test
    void badInputsAreRejectedWithTheValueFound() {
        Evaluator evaluator = moderationEvaluator();
        IllegalArgumentException unknown = assertThrows(
                IllegalArgumentException.class, () -> evaluator.evaluate(1, new int[] {A, 7}, new int[] {A, A}, 0.0));
        assertTrue(unknown.getMessage().contains("found 7"), unknown.getMessage());
        assertTrue(unknown.getMessage().contains("example 1"), unknown.getMessage());

        IllegalArgumentException lengths = assertThrows(
                IllegalArgumentException.class, () -> evaluator.evaluate(1, new int[] {A, A}, new int[] {A}, 0.0));
        assertTrue(lengths.getMessage().contains("2 true labels but 1 predictions"), lengths.getMessage());

        EvalAccumulator acc = evaluator.accumulator().add(A, A);
        assertThrows(IllegalArgumentException.class, () -> acc.add(new int[] {A, -1}, new int[] {A, A}));
        assertEquals(1, acc.exampleCount(), "a rejected batch must not be partly counted");

        assertThrows(IllegalStateException.class, () -> evaluator.evaluate(1, new int[0], new int[0], 0.0));
        assertThrows(IllegalArgumentException.class, () -> acc.addLoss(1.0, 0));
    }

    @Test
    void badLabelSetupsAreRejected() {
        IllegalArgumentException allowHarmful =
                assertThrows(IllegalArgumentException.class, () -> new Evaluator(LABELS, A, new int[] {A}));
        assertTrue(allowHarmful.getMessage().contains("ALLOW"), allowHarmful.getMessage());
        IllegalArgumentException outOfRange =
                assertThrows(IllegalArgumentException.class, () -> new Evaluator(LABELS, 4, new int[0]));
        assertTrue(outOfRange.getMessage().contains("found 4"), outOfRange.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Evaluator(List.of("a", "a"), 0, new int[0]));
        assertThrows(IllegalArgumentException.class, () -> new Evaluator(List.of(), 0, new int[0]));
        assertEquals(List.of("DENY", "REFUSE"), moderationEvaluator().harmfulLabelNames());
    }
}
