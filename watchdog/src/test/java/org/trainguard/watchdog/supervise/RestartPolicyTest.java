package org.trainguard.watchdog.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.trainguard.watchdog.supervise.RestartPolicy.Decision;
import org.trainguard.watchdog.supervise.RestartPolicy.Failure;
import org.trainguard.watchdog.supervise.RestartPolicy.GiveUp;
import org.trainguard.watchdog.supervise.RestartPolicy.Restart;

class RestartPolicyTest {

    private final TestClock clock = new TestClock();

    private RestartPolicy policy(int maxFailures) {
        return new RestartPolicy(
                Duration.ofSeconds(1), Duration.ofSeconds(10), maxFailures, Duration.ofMinutes(30), 0, clock);
    }

    private static Failure at(long step) {
        return new Failure(OptionalLong.of(step), "exit 1");
    }

    private static Restart restart(Decision d) {
        return assertInstanceOf(Restart.class, d);
    }

    @Test
    void backoffDoublesUpToTheCapWhileNoProgressIsMade() {
        RestartPolicy p = policy(100);
        List<Duration> waits = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            waits.add(restart(p.onFailure(new Failure(OptionalLong.empty(), "exit 137"), () -> false))
                    .backoff());
            clock.advance(Duration.ofSeconds(1));
        }
        assertEquals(
                List.of(
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(4),
                        Duration.ofSeconds(8),
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(10)),
                waits);
    }

    @Test
    void crashLoopWithoutProgressGivesUpAtTheBudget() {
        RestartPolicy p = policy(3);
        assertTrue(restart(p.onFailure(at(0), () -> false)).counted());
        assertEquals(2, p.budgetLeft());
        restart(p.onFailure(at(0), () -> false));
        assertEquals(1, p.budgetLeft());
        Decision third = p.onFailure(at(0), () -> false);
        GiveUp g = assertInstanceOf(GiveUp.class, third);
        assertTrue(g.why().contains("3 of 3"), g.why());
        assertEquals(0, p.budgetLeft());
    }

    @Test
    void progressDoesNotCountAndResetsBudgetAndBackoff() {
        RestartPolicy p = policy(3);
        restart(p.onFailure(at(0), () -> false));
        restart(p.onFailure(at(0), () -> false));
        assertEquals(1, p.budgetLeft());
        assertEquals(Duration.ofSeconds(4), p.nextBackoff());

        Restart afterProgress = restart(p.onFailure(at(50), () -> false));
        assertFalse(afterProgress.counted());
        assertEquals(Duration.ofSeconds(1), afterProgress.backoff());
        assertEquals(3, p.budgetLeft());
        assertEquals(Duration.ofSeconds(1), p.nextBackoff());
        assertEquals(50, p.highestStep());

        // The replay up to step 50 after resuming from an older checkpoint is not new progress.
        assertTrue(restart(p.onFailure(at(40), () -> false)).counted());
        assertEquals(2, p.budgetLeft());
    }

    @Test
    void stepsReachedBeforeSupervisionAreNotProgress() {
        RestartPolicy p = new RestartPolicy(
                Duration.ofSeconds(1), Duration.ofSeconds(10), 5, Duration.ofMinutes(30), 1000, clock);
        assertTrue(restart(p.onFailure(at(900), () -> false)).counted());
        assertFalse(restart(p.onFailure(at(1001), () -> false)).counted());
    }

    @Test
    void failuresOutsideTheWindowNoLongerCount() {
        RestartPolicy p = policy(2);
        restart(p.onFailure(at(0), () -> false));
        clock.advance(Duration.ofMinutes(31));
        assertEquals(0, p.failuresInWindow());
        assertTrue(restart(p.onFailure(at(0), () -> false)).counted(), "the first failure left the window");
        assertInstanceOf(GiveUp.class, p.onFailure(at(0), () -> false));
    }

    @Test
    void repeatedFailureAtTheSameStepRollsBackOnceThenGivesUp() {
        RestartPolicy p = policy(3);
        AtomicInteger asked = new AtomicInteger();
        Restart first = restart(p.onFailure(at(120), () -> {
            asked.incrementAndGet();
            return true;
        }));
        assertFalse(first.counted(), "steps 0 to 120 were progress");
        assertFalse(first.rollBack());
        assertEquals(0, asked.get(), "no roll-back is considered after a single failure");
        Restart second = restart(p.onFailure(at(120), () -> {
            asked.incrementAndGet();
            return true;
        }));
        assertTrue(second.rollBack(), second.why());
        assertTrue(second.why().contains("twice at step 120"), second.why());
        assertEquals(1, asked.get());
        assertFalse(restart(p.onFailure(at(120), () -> true)).rollBack(), "roll back only once");
        assertInstanceOf(GiveUp.class, p.onFailure(at(120), () -> true));
    }

    @Test
    void rollBackComesBeforeGivingUpWhenTheBudgetIsSmall() {
        RestartPolicy p = policy(2);
        restart(p.onFailure(at(0), () -> true));
        assertTrue(restart(p.onFailure(at(0), () -> true)).rollBack(), "the roll-back is tried before giving up");
        assertInstanceOf(GiveUp.class, p.onFailure(at(0), () -> true));
    }

    @Test
    void progressAllowsAnotherRollBackLater() {
        RestartPolicy p = policy(5);
        restart(p.onFailure(at(0), () -> true));
        assertTrue(restart(p.onFailure(at(0), () -> true)).rollBack());
        assertFalse(restart(p.onFailure(at(30), () -> true)).counted());
        assertTrue(restart(p.onFailure(at(30), () -> true)).rollBack(), "a new place where it gets stuck");
    }

    @Test
    void noRollBackWithoutAnOlderCheckpoint() {
        RestartPolicy p = policy(5);
        restart(p.onFailure(at(0), () -> false));
        assertFalse(restart(p.onFailure(at(0), () -> false)).rollBack());
    }

    @Test
    void differentStepsDoNotRollBack() {
        RestartPolicy p = policy(5);
        restart(p.onFailure(at(7), () -> true));
        assertFalse(restart(p.onFailure(at(5), () -> true)).rollBack());
        assertFalse(restart(p.onFailure(at(6), () -> true)).rollBack());
        assertFalse(restart(p.onFailure(new Failure(OptionalLong.empty(), "x"), () -> true))
                .rollBack());
        assertFalse(
                restart(p.onFailure(new Failure(OptionalLong.empty(), "x"), () -> true))
                        .rollBack(),
                "unknown steps are not the same step");
    }

    @Test
    void rejectsNonsense() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new RestartPolicy(Duration.ZERO, Duration.ofSeconds(1), 1, Duration.ofMinutes(1), 0, clock));
        assertThrows(
                IllegalArgumentException.class,
                () -> new RestartPolicy(
                        Duration.ofSeconds(2), Duration.ofSeconds(1), 1, Duration.ofMinutes(1), 0, clock));
        assertThrows(
                IllegalArgumentException.class,
                () -> new RestartPolicy(
                        Duration.ofSeconds(1), Duration.ofSeconds(1), 0, Duration.ofMinutes(1), 0, clock));
    }
}
