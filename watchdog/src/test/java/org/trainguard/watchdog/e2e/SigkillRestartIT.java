package org.trainguard.watchdog.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.core.run.SessionState;
import org.trainguard.core.run.SessionStatus;
import org.trainguard.watchdog.supervise.WatchdogState;

/**
 * The first "done means" of the watchdog, with the real trainer: SIGKILLed five times at random steps under
 * {@code watchdog run}, the run completes by itself and its final parameters are bitwise equal to those of a run
 * nobody interrupted.
 */
class SigkillRestartIT {

    private static final int KILLS = 5;

    @TempDir
    Path dir;

    @Test
    void trainerKilledFiveTimesAtRandomStepsCompletesBitwiseEqualToAnUninterruptedRun() throws Exception {
        byte[] reference = RealRun.referenceCoefficients();
        long seed = new Random().nextLong();
        List<Integer> targets = randomSteps(new Random(seed));
        List<Long> killedPids = new ArrayList<>();
        List<Long> killedAt = new ArrayList<>();
        try (RealRun run = RealRun.create(dir)) {
            Process watchdog =
                    run.watchdogRun("--check-interval", "1s", "--backoff-initial", "200ms", "--backoff-max", "1s");
            long linesFrom = 0;
            long seenByWatchdog = 0;
            for (int target : targets) {
                // Past the last kill, so that every kill lands on a trainer that itself trained up to its target.
                long step = Math.max(target, killedAt.isEmpty() ? 0 : killedAt.get(killedAt.size() - 1) + 2);
                long from = linesFrom;
                long seen = seenByWatchdog;
                AtomicLong pidToKill = new AtomicLong();
                run.await(
                        () -> ownProgress(run, from, step, seen, killedPids, pidToKill) || !watchdog.isAlive(),
                        RealRun.PATIENCE,
                        "a new trainer to pass step " + step + " (targets " + targets + ", seed " + seed + ")");
                assertTrue(
                        watchdog.isAlive(),
                        () -> "the watchdog ended before kill " + (killedPids.size() + 1) + ": exit "
                                + watchdog.exitValue() + "\n" + run.output(watchdog) + "\nlog:\n" + run.log());
                long pid = pidToKill.get();
                ProcessHandle trainer = ProcessHandle.of(pid).orElseThrow();
                assertTrue(trainer.destroyForcibly(), "SIGKILL to trainer pid " + pid);
                trainer.onExit().get(60, TimeUnit.SECONDS);
                killedPids.add(pid);
                killedAt.add(run.highestStepSince(from));
                seenByWatchdog = Math.max(seenByWatchdog, run.visibleStep(pid));
                linesFrom = run.metricsEnd();
            }

            int code = run.awaitExit(watchdog, RealRun.PATIENCE);
            String log = run.log();
            String context = "killed pids " + killedPids + " at steps " + killedAt + " (seed " + seed
                    + ")\nwatchdog log:\n" + log;
            assertEquals(0, code, context);

            for (long pid : killedPids) {
                assertTrue(
                        log.contains("trainer pid " + pid + " ended: exit 137 (SIGKILL)"),
                        "the watchdog saw the kill of " + pid + "; " + context);
            }
            List<Long> started = startedPids(log);
            assertEquals(KILLS + 1, started.size(), "one trainer at the start and one per kill; " + context);
            assertEquals(killedPids, started.subList(0, KILLS), context);
            assertTrue(log.contains("the run completed at step " + RealRun.STEPS + " of " + RealRun.STEPS), context);

            SessionState session = run.session().orElseThrow();
            assertEquals(SessionStatus.COMPLETED, session.status());
            assertEquals(RealRun.STEPS, session.step());
            assertEquals(started.get(KILLS), session.pid(), "the last trainer the watchdog started finished the run");
            assertTrue(session.restarts() >= KILLS, "the session counts the restarts: " + session.restarts());

            WatchdogState state = WatchdogState.read(run.out).orElseThrow();
            assertEquals(WatchdogState.Phase.COMPLETED, state.phase());
            assertEquals(KILLS + 1, state.attempts());
            assertEquals(
                    state.maxFailures(), state.budgetLeft(), "a kill after progress does not count against the budget");
            assertEquals(137, state.lastFailure().exitCode());

            String console = run.trainerConsole();
            assertEquals(
                    KILLS + 1,
                    console.split(RealRun.FAST_STEP, -1).length - 1,
                    "every trainer trained with the fastText step; " + context + "\ntrainer console:\n" + console);
            assertArrayEquals(
                    reference,
                    RealRun.coefficients(run.out),
                    "final parameters differ from the uninterrupted run's; " + context);
        }
    }

    /** Five kill steps, spread at random over the run and early enough that a trainer is still training at each. */
    private static List<Integer> randomSteps(Random random) {
        List<Integer> steps = new ArrayList<>();
        for (int i = 0; i < KILLS; i++) {
            steps.add(5 + random.nextInt(51)); // 5..55: with 2 steps between kills the last lands well before step 75
        }
        steps.sort(null);
        return steps;
    }

    /**
     * Whether the trainer that runs now is a new one and has itself trained up to the step: the lock and the
     * session name it, and {@code metrics.jsonl} has its lines past the step (the earlier trainers' lines stop
     * before {@code from}; a resumed trainer repeats the steps since the checkpoint). Its heartbeat must also show
     * the watchdog a step past {@code seen}, the furthest it could see of the trainers before: the kill is then a
     * failure after progress, which does not count against the crash-loop budget. Notes its pid in {@code found}.
     */
    private static boolean ownProgress(
            RealRun run, long from, long step, long seen, List<Long> killed, AtomicLong found) {
        OptionalLong pid = run.runningTrainer();
        if (pid.isEmpty()
                || killed.contains(pid.getAsLong())
                || run.highestStepSince(from) < step
                || run.visibleStep(pid.getAsLong()) <= seen) {
            return false;
        }
        found.set(pid.getAsLong());
        return true;
    }

    private static List<Long> startedPids(String log) {
        Matcher m =
                Pattern.compile("trainer started pid (\\d+) \\(attempt (\\d+)").matcher(log);
        List<Long> pids = new ArrayList<>();
        while (m.find()) {
            assertEquals(pids.size() + 1, Integer.parseInt(m.group(2)), "attempts are numbered in order:\n" + log);
            pids.add(Long.parseLong(m.group(1)));
        }
        return pids;
    }
}
