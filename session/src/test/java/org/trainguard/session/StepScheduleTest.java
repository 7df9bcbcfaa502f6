package org.trainguard.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What is due after a step, from the step and the times passed in (no clock is read). */
class StepScheduleTest {

    private static final long SECOND = 1_000_000_000L;

    private static SessionOptions.Builder options() {
        return SessionOptions.builder(Path.of("unused"))
                .logEverySteps(10)
                .evalEverySteps(200)
                .checkpointEverySteps(50)
                .heartbeatInterval(Duration.ofSeconds(5))
                .autosaveInterval(Duration.ofSeconds(30));
    }

    @Test
    void progressIsDueEveryLogInterval() {
        StepSchedule s = new StepSchedule(options().build(), 1000);
        assertTrue(s.progressDue(10));
        assertTrue(s.progressDue(990));
        assertFalse(s.progressDue(11));
    }

    @Test
    void evaluationIsDueOnItsStepsButLeavesTheLastOnesToTheFinalEvaluation() {
        StepSchedule s = new StepSchedule(options().build(), 1001);
        assertTrue(s.evaluationDue(200));
        assertFalse(s.evaluationDue(201));
        // 1% of 200 is 2 steps: step 1000 is within 2 steps of the end (1001), so the final evaluation covers it
        assertFalse(s.evaluationDue(1000));
        assertTrue(new StepSchedule(options().build(), 1003).evaluationDue(1000));
        assertEquals(1, StepSchedule.finalEvaluationWindow(50));
        assertEquals(29, StepSchedule.finalEvaluationWindow(2917));
    }

    @Test
    void checkpointIsDueOnItsStepsOnANewBestAndAfterItsIntervalButNeverAtTheLastStep() {
        StepSchedule s = new StepSchedule(
                options().checkpointEveryInterval(Duration.ofSeconds(60)).build(), 100);
        long t0 = 7 * SECOND;
        assertTrue(s.checkpointDue(50, t0, t0, false));
        assertFalse(s.checkpointDue(51, t0, t0, false));
        assertTrue(s.checkpointDue(51, t0, t0, true), "a kept new best is checkpointed at once");
        assertFalse(s.checkpointDue(52, t0 + 59 * SECOND, t0, false));
        assertTrue(s.checkpointDue(52, t0 + 60 * SECOND, t0, false), "the interval passed");
        assertFalse(s.checkpointDue(100, t0, t0, true), "the last step is checkpointed when the run completes");
    }

    @Test
    void withoutAnIntervalOnlyStepsAndBestsMakeACheckpointDue() {
        StepSchedule s = new StepSchedule(options().build(), 100);
        assertFalse(s.checkpointDue(51, Long.MAX_VALUE / 2, 0, false));
    }

    @Test
    void heartbeatIsDueOnceItsIntervalPassed() {
        StepSchedule s = new StepSchedule(options().build(), 100);
        long last = -3 * SECOND; // nanoTime may be negative
        assertFalse(s.heartbeatDue(last + 5 * SECOND - 1, last));
        assertTrue(s.heartbeatDue(last + 5 * SECOND, last));
    }

    @Test
    void autosaveRunsAtTheConfiguredPeriodAndAtLeastEveryMillisecond() {
        assertEquals(30_000, new StepSchedule(options().build(), 100).autosaveMillis());
        assertEquals(
                1, new StepSchedule(options().autosaveInterval(Duration.ZERO).build(), 100).autosaveMillis());
    }
}
