package org.trainguard.examples.library;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.trainguard.core.checkpoint.CheckpointStore;
import org.trainguard.core.run.SessionState;
import org.trainguard.core.run.SessionStatus;
import org.trainguard.core.run.SessionStore;
import org.trainguard.session.ResumeRefusedException;

class EmbedInYourAppTest {

    // 600 points in batches of 32: 19 steps an epoch, 38 in two
    private static final int EPOCHS = 2;
    private static final long STEPS = 38;
    // in the second epoch, between two scheduled checkpoints (every 10 steps)
    private static final long STOP = 27;

    @Test
    void trainsOnATinyBudgetBeatsChanceAndStartedAgainTrainsNoFurther(@TempDir Path tmp) throws Exception {
        EmbedInYourApp.Result r = EmbedInYourApp.run(tmp, EPOCHS);

        assertTrue(r.completed(), r.reason());
        assertEquals(STEPS, r.steps());
        assertEquals(0, r.exitCode());
        assertFalse(r.resumed());
        double chance = 1.0 / PointClouds.CLASSES;
        assertTrue(
                r.accuracy() > chance + 0.3,
                "held-out accuracy " + r.accuracy() + " should beat chance " + chance + " clearly");

        SessionState s = session(tmp);
        assertEquals(SessionStatus.COMPLETED, s.status());
        assertEquals(STEPS, s.step());
        assertEquals(HeldOutAccuracy.ACCURACY, s.bestSoFar().orElseThrow().metric());
        List<Long> steps = new CheckpointStore(tmp)
                .list().stream().map(CheckpointStore.Checkpoint::step).toList();
        assertTrue(steps.contains(STEPS), "the last step is checkpointed: " + steps);
        assertTrue(Files.exists(tmp.resolve("checkpoints/best.json")));

        // started again on the finished folder, it resumes at the end and trains no further
        EmbedInYourApp.Result again = EmbedInYourApp.run(tmp, EPOCHS);
        assertTrue(again.completed());
        assertEquals(STEPS, again.startedAtStep());
        assertEquals(STEPS, again.steps());
        assertArrayEquals(params(r), params(again));
    }

    @ParameterizedTest
    @EnumSource(NetworkType.class)
    void stoppedRunResumesToBitwiseTheSameParameters(NetworkType type, @TempDir Path tmp) throws Exception {
        float[] straight = params(EmbedInYourApp.run(tmp.resolve("straight"), EPOCHS, type));

        Path dir = tmp.resolve("stopped");
        EmbedInYourApp.Result stopped = EmbedInYourApp.run(dir, EPOCHS, type, OptionalLong.of(STOP));
        assertFalse(stopped.completed());
        assertEquals(STOP, stopped.steps(), "the stop comes right after the requested step");
        assertEquals(143, stopped.exitCode(), "a requested stop reports as SIGTERM would");
        assertEquals(SessionStatus.INTERRUPTED, session(dir).status());
        assertTrue(
                Files.isDirectory(dir.resolve("checkpoints/checkpoint-" + STOP)), "emergency checkpoint at the stop");
        float[] halfway = params(stopped);

        EmbedInYourApp.Result resumed = EmbedInYourApp.run(dir, EPOCHS, type);
        assertTrue(resumed.completed(), resumed.reason());
        assertTrue(resumed.resumed());
        assertEquals(STOP, resumed.startedAtStep());
        assertEquals(STEPS, resumed.steps());
        SessionState s = session(dir);
        assertEquals(1, s.resumes().size());
        assertEquals(STOP, s.resumes().get(0).fromStep());
        assertEquals(SessionStatus.COMPLETED, s.status());

        float[] finalParams = params(resumed);
        assertFalse(Arrays.equals(halfway, finalParams), "the resumed run went on training");
        assertArrayEquals(
                straight, finalParams, "resumed " + type + " must end bitwise equal to the uninterrupted run");
    }

    @Test
    void refusesToResumeARunOfTheOtherNetworkType(@TempDir Path tmp) throws Exception {
        EmbedInYourApp.run(tmp, 1, NetworkType.MULTI_LAYER_NETWORK, OptionalLong.of(3));
        ResumeRefusedException e = assertThrows(
                ResumeRefusedException.class, () -> EmbedInYourApp.run(tmp, 1, NetworkType.COMPUTATION_GRAPH));
        assertTrue(e.getMessage().contains("architecture"), e.getMessage());
    }

    @Test
    void commandLineReportsAStopWithTheExitStatusOfSigterm(@TempDir Path tmp) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = EmbedInYourApp.launch(
                new String[] {tmp.toString(), "--epochs", "1", "--graph", "--stop-at-step", "7"},
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(143, code, err.toString(StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(
                text.contains("COMPUTATION_GRAPH") && text.contains("run the same command again to resume from step 7"),
                text);
    }

    @Test
    void commandLineRejectsABadValueNamingIt(@TempDir Path tmp) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

        assertEquals(2, EmbedInYourApp.launch(new String[] {tmp.toString(), "--epochs", "zero"}, out, errStream));
        assertTrue(
                err.toString(StandardCharsets.UTF_8).contains("--epochs must be a whole number, found zero"),
                err.toString());
        assertEquals(2, EmbedInYourApp.launch(new String[] {tmp.toString(), "--stop-at-step", "0"}, out, errStream));
        assertTrue(
                err.toString(StandardCharsets.UTF_8).contains("--stop-at-step must be > 0, found 0"), err.toString());
        assertEquals(2, EmbedInYourApp.launch(new String[] {"--fast"}, out, errStream));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown option --fast"), err.toString());
        assertFalse(Files.exists(tmp.resolve(SessionStore.FILE_NAME)), "nothing is trained on a usage error");
    }

    private static SessionState session(Path dir) {
        return new SessionStore(dir).read().state().orElseThrow();
    }

    private static float[] params(EmbedInYourApp.Result r) {
        return r.network().params().toFloatVector();
    }
}
