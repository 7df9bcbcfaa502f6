package org.trainguard.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.LoggerFactory;
import org.trainguard.core.ExitCode;
import org.trainguard.core.checkpoint.BestCheckpoint;
import org.trainguard.core.checkpoint.CheckpointStore;
import org.trainguard.core.io.Json;
import org.trainguard.core.run.SessionState;
import org.trainguard.core.run.SessionStatus;
import org.trainguard.core.run.SessionStore;

/** What the session file, best.json and the log say when a run meets stale, broken or missing files. */
class RunRecordsTest {

    private static SessionOptions.Builder options(Path dir) {
        return SessionOptions.builder(dir)
                .seed(7)
                .epochs(1)
                .checkpointEverySteps(10)
                .keepLast(2)
                .logEverySteps(1000)
                .handleSignals(false);
    }

    private static SessionState session(Path dir) {
        return new SessionStore(dir).read().state().orElseThrow();
    }

    @Test
    void aDivergedFitIsRecordedWithExitFourEvenWhenTheCallerOnlyCloses(@TempDir Path tmp) throws Exception {
        List<DataSet> rows = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            float[] f = new float[8];
            java.util.Arrays.fill(f, i == 20 ? Float.NaN : 1f);
            rows.add(new DataSet(
                    Nd4j.createFromArray(new float[][] {f}), Nd4j.createFromArray(new float[][] {{1, 0, 0}})));
        }
        try (TrainingSessionManager s =
                TrainingSessionManager.open(TinyNetworks.mlp(1), options(tmp).build())) {
            assertThrows(TrainingDivergedException.class, () -> s.fit(new ListDataSetIterator<>(rows, 4)));
        }
        SessionState st = session(tmp);
        assertEquals(SessionStatus.FAILED, st.status());
        assertEquals(
                ExitCode.DIVERGED.code(),
                st.exitInfo().orElseThrow().code(),
                st.exitInfo().toString());
        assertTrue(
                st.exitInfo().orElseThrow().reason().contains("step 6"),
                st.exitInfo().toString());
    }

    @Test
    void theSessionFileIsRewrittenWhileALongEvaluationBlocksTheTrainingThread(@TempDir Path tmp) throws Exception {
        Set<Instant> seenDuringEvaluation = new HashSet<>();
        List<SessionStatus> statuses = new ArrayList<>();
        try (TrainingSessionManager s = TrainingSessionManager.open(
                TinyNetworks.mlp(1),
                options(tmp)
                        .evalEverySteps(5)
                        .autosaveInterval(Duration.ofMillis(100))
                        .build())) {
            s.fit(TinyNetworks.data(200, 16, 3), new TrainingHooks() {
                @Override
                public Optional<Map<String, Double>> evaluate(EvalContext ctx) {
                    if (ctx.step() == 5) {
                        // an evaluation that does not end until the session file was rewritten twice while it ran
                        Instant before = session(tmp).updatedAt();
                        long deadline =
                                System.nanoTime() + Duration.ofMinutes(2).toNanos();
                        while (seenDuringEvaluation.size() < 2 && System.nanoTime() < deadline) {
                            new SessionStore(tmp)
                                    .read()
                                    .state()
                                    .filter(st -> st.updatedAt().isAfter(before))
                                    .ifPresent(st -> {
                                        seenDuringEvaluation.add(st.updatedAt());
                                        statuses.add(st.status());
                                    });
                            sleep(5);
                        }
                    }
                    return Optional.empty();
                }
            });
        }
        assertEquals(2, seenDuringEvaluation.size(), "rewrites of the session file during one evaluation");
        assertTrue(statuses.stream().allMatch(st -> st == SessionStatus.EVALUATING), statuses.toString());
        assertEquals(SessionStatus.COMPLETED, session(tmp).status());
    }

    @Test
    void aBestJsonNamingACheckpointThatDoesNotExistIsRebuiltFromTheCheckpointsMetrics(@TempDir Path tmp)
            throws Exception {
        // loss by evaluation step: the best is step 10; a stop at step 25
        Map<Long, Double> loss =
                Map.of(5L, 0.9, 10L, 0.5, 15L, 0.7, 20L, 0.8, 25L, 0.75, 30L, 0.6, 35L, 0.65, 39L, 0.62);
        TrainingHooks evaluations = new TrainingHooks() {
            @Override
            public Optional<Map<String, Double>> evaluate(EvalContext ctx) {
                return Optional.of(Map.of("loss", loss.get(ctx.step())));
            }
        };
        try (TrainingSessionManager s = TrainingSessionManager.open(
                TinyNetworks.mlp(1),
                options(tmp).epochs(3).evalEverySteps(5).logEverySteps(1).build())) {
            s.fit(TinyNetworks.data(200, 16, 3), new TrainingHooks() {
                @Override
                public Optional<Map<String, Double>> evaluate(EvalContext ctx) {
                    return evaluations.evaluate(ctx);
                }

                @Override
                public void onProgress(Progress p) {
                    if (p.step() == 25) {
                        s.requestStop();
                    }
                }
            });
        }
        CheckpointStore store = new CheckpointStore(tmp);
        assertEquals(10, store.readBest().orElseThrow().step());
        store.writeBest(new BestCheckpoint("loss", 0.01, 9999, "checkpoint-9999", false));
        ListAppender<ILoggingEvent> log = capture();
        try (TrainingSessionManager s = TrainingSessionManager.open(
                TinyNetworks.mlp(1), options(tmp).epochs(3).evalEverySteps(5).build())) {
            assertEquals(
                    10,
                    s.best().orElseThrow().step(),
                    "the best is the checkpoint that exists, with its recorded value");
            assertEquals(0.5, s.best().orElseThrow().value());
            assertEquals(10, s.state().best().step());
            assertTrue(
                    log.list.stream()
                            .anyMatch(e -> e.getFormattedMessage()
                                            .contains("names checkpoint-9999 (step 9999), which does not exist")
                                    && e.getFormattedMessage().contains("rebuilt it")),
                    messages(log));
            assertEquals(10, store.readBest().orElseThrow().step());
            assertTrue(s.fit(TinyNetworks.data(200, 16, 3), evaluations).completed());
        } finally {
            release(log);
        }
        assertEquals(10, store.readBest().orElseThrow().step());
        assertTrue(
                store.list().stream().anyMatch(c -> c.step() == 10),
                "rotation kept the real best checkpoint: " + store.list());

        // a value that no checkpoint has
        store.writeBest(new BestCheckpoint("loss", 0.05, 10, "checkpoint-10", false));
        log = capture();
        try (TrainingSessionManager s = TrainingSessionManager.open(
                TinyNetworks.mlp(1), options(tmp).epochs(3).evalEverySteps(5).build())) {
            assertEquals(0.5, s.best().orElseThrow().value());
            assertTrue(
                    messages(log).contains("says loss 0.05 for checkpoint-10, but its training_state.json records 0.5"),
                    messages(log));
        } finally {
            release(log);
        }
    }

    @Test
    void everyCheckpointBrokenStopsWithExitSixInsteadOfStartingAgainFromStepZero(@TempDir Path tmp) throws Exception {
        try (TrainingSessionManager s =
                TrainingSessionManager.open(TinyNetworks.mlp(1), options(tmp).build())) {
            assertTrue(s.fit(TinyNetworks.data(200, 16, 3)).completed());
        }
        CheckpointStore store = new CheckpointStore(tmp);
        assertEquals(2, store.list().size());
        for (CheckpointStore.Checkpoint c : store.list()) {
            Path zip = c.dir().resolve("model.zip");
            byte[] b = Files.readAllBytes(zip);
            b[b.length / 2] ^= 1;
            Files.write(zip, b);
        }
        NoGoodCheckpointException e = assertThrows(
                NoGoodCheckpointException.class,
                () -> TrainingSessionManager.open(
                        TinyNetworks.mlp(1), options(tmp).build()));
        assertTrue(
                e.getMessage().contains("had reached step 13") && e.getMessage().contains("--resume never"),
                e.getMessage());
        SessionState st = session(tmp);
        assertEquals(SessionStatus.FAILED, st.status());
        assertEquals(
                ExitCode.NO_GOOD_CHECKPOINT.code(), st.exitInfo().orElseThrow().code());
        assertEquals(13, st.step(), "the session file still shows how far the run had got");
        try (var broken = Files.list(store.dir().resolve(CheckpointStore.BROKEN_DIR_NAME))) {
            assertEquals(2, broken.count(), "the broken checkpoints are kept aside");
        }
        // again: still refused (the evidence is in checkpoints/broken/ and the session file)
        assertThrows(
                NoGoodCheckpointException.class,
                () -> TrainingSessionManager.open(
                        TinyNetworks.mlp(1), options(tmp).build()));
        try (TrainingSessionManager s = TrainingSessionManager.open(
                TinyNetworks.mlp(1), options(tmp).resume(ResumeMode.NEVER).build())) {
            assertEquals(0, s.step(), "--resume never starts over");
        }
    }

    @Test
    void aRunKilledBeforeItsFirstCheckpointStillStartsOver(@TempDir Path tmp) throws Exception {
        SessionState killed = SessionState.builder("s")
                .status(SessionStatus.RUNNING)
                .pid(Long.MAX_VALUE)
                .host(org.trainguard.core.run.HostName.get())
                .step(7)
                .build();
        new SessionStore(tmp).write(killed);
        try (TrainingSessionManager s =
                TrainingSessionManager.open(TinyNetworks.mlp(1), options(tmp).build())) {
            assertEquals(0, s.step());
        }
    }

    @Test
    void aDeletedSessionFileIsRebuiltWithALogLine(@TempDir Path tmp) throws Exception {
        try (TrainingSessionManager s =
                TrainingSessionManager.open(TinyNetworks.mlp(1), options(tmp).build())) {
            s.fit(TinyNetworks.data(200, 16, 3));
        }
        Files.delete(tmp.resolve(SessionStore.FILE_NAME));
        ListAppender<ILoggingEvent> log = capture();
        try (TrainingSessionManager s =
                TrainingSessionManager.open(TinyNetworks.mlp(1), options(tmp).build())) {
            assertEquals(13, s.step());
            assertTrue(
                    messages(log)
                            .contains(SessionStore.FILE_NAME + " is missing, but " + tmp.resolve("checkpoints")
                                    + " holds checkpoints; rebuilding it from the checkpoints"),
                    messages(log));
        } finally {
            release(log);
        }
        assertFalse(Json.mapper()
                .readTree(tmp.resolve(SessionStore.FILE_NAME).toFile())
                .isEmpty());
    }

    private static ListAppender<ILoggingEvent> capture() {
        ListAppender<ILoggingEvent> app = new ListAppender<>();
        app.start();
        ((Logger) LoggerFactory.getLogger(TrainingSessionManager.class)).addAppender(app);
        return app;
    }

    private static void release(ListAppender<ILoggingEvent> app) {
        ((Logger) LoggerFactory.getLogger(TrainingSessionManager.class)).detachAppender(app);
    }

    private static String messages(ListAppender<ILoggingEvent> app) {
        return String.join(
                "\n", app.list.stream().map(ILoggingEvent::getFormattedMessage).toList());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
