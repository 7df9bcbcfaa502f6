package org.trainguard.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.core.checkpoint.CheckpointStore;
import org.trainguard.core.lock.RunLock;
import org.trainguard.core.run.SessionState;
import org.trainguard.core.run.SessionStatus;
import org.trainguard.core.run.SessionStore;

class TrainingSessionManagerTest {

    private static SessionOptions.Builder options(Path dir) {
        return SessionOptions.builder(dir)
                .seed(7)
                .epochs(3)
                .checkpointEverySteps(10)
                .keepLast(2)
                .logEverySteps(1000)
                .handleSignals(false);
    }

    private static float[] train(Path dir, int stopAt) throws Exception {
        MultiLayerNetwork net = TinyNetworks.mlp(1);
        try (TrainingSessionManager s =
                TrainingSessionManager.open(net, options(dir).build())) {
            TrainingHooks hooks = stopAt < 0
                    ? TrainingHooks.NONE
                    : new TrainingHooks() {
                        @Override
                        public void onProgress(Progress p) {
                            if (p.step() == stopAt) {
                                s.requestStop();
                            }
                        }
                    };
            TrainingSessionManager.Outcome o = s.fit(TinyNetworks.data(200, 16, 3), hooks);
            if (stopAt < 0) {
                assertTrue(o.completed());
            }
        }
        return net.params().toFloatVector();
    }

    @Test
    void stoppedAndResumedRunEndsBitwiseEqualToUninterruptedOne(@TempDir Path tmp) throws Exception {
        // a run of 3 epochs x 13 batches with dropout, stopped twice (mid-epoch and across an epoch end)
        float[] straight = train(tmp.resolve("a"), -1);
        Path b = tmp.resolve("b");
        // onProgress fires every logEverySteps=1000 steps, so use a small log interval here
        MultiLayerNetwork net = TinyNetworks.mlp(1);
        for (int stop : new int[] {7, 23}) {
            // the first part starts like the straight run; later parts get a differently initialized
            // network, so everything must come from the checkpoint
            net = TinyNetworks.mlp(stop == 7 ? 1 : 99);
            try (TrainingSessionManager s =
                    TrainingSessionManager.open(net, options(b).logEverySteps(1).build())) {
                int at = stop;
                TrainingSessionManager.Outcome o = s.fit(TinyNetworks.data(200, 16, 3), new TrainingHooks() {
                    @Override
                    public void onProgress(Progress p) {
                        if (p.step() == at) {
                            s.requestStop();
                        }
                    }
                });
                assertFalse(o.completed());
                assertEquals(at, o.step(), "the stop is honoured right after the step during which it came");
                assertEquals(SessionStatus.INTERRUPTED, s.state().status());
            }
        }
        net = TinyNetworks.mlp(5);
        try (TrainingSessionManager s =
                TrainingSessionManager.open(net, options(b).build())) {
            assertTrue(s.fit(TinyNetworks.data(200, 16, 3)).completed());
            SessionState st = s.state();
            assertEquals(2, st.resumes().size());
            assertEquals(39, st.step());
        }
        assertArrayEquals(straight, net.params().toFloatVector());
        SessionState saved = new SessionStore(b).read().state().orElseThrow();
        assertEquals(SessionStatus.COMPLETED, saved.status());
        // rotation kept the newest 2
        List<CheckpointStore.Checkpoint> left = new CheckpointStore(b).list();
        assertEquals(2, left.size());
        assertEquals(39, left.get(1).step());
        // DL4J itself can load a checkpoint's model.zip
        MultiLayerNetwork loaded = ModelSerializer.restoreMultiLayerNetwork(
                left.get(1).dir().resolve("model.zip").toFile(), true);
        assertArrayEquals(straight, loaded.params().toFloatVector());
    }

    @Test
    void onCheckpointHearsEveryCommittedCheckpointBeforeFitReturns(@TempDir Path tmp) throws Exception {
        List<Long> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (TrainingSessionManager s = TrainingSessionManager.open(
                TinyNetworks.mlp(1), options(tmp).epochs(1).keepLast(5).build())) {
            s.fit(TinyNetworks.data(200, 16, 3), new TrainingHooks() {
                @Override
                public void onCheckpoint(org.trainguard.core.checkpoint.CheckpointStore.Checkpoint c) {
                    assertTrue(
                            java.nio.file.Files.isRegularFile(c.dir().resolve("MANIFEST.json")),
                            c.dir() + " is committed");
                    heard.add(c.step());
                    threads.add(Thread.currentThread().getName());
                }
            });
        }
        // 13 batches, a checkpoint every 10 steps and one at the end
        assertEquals(List.of(10L, 13L), heard);
        assertTrue(threads.stream().noneMatch("main"::equals), threads.toString());
    }

    @Test
    void aScheduledEvaluationRightBeforeTheLastStepIsLeftToTheFinalOne(@TempDir Path tmp) throws Exception {
        // 13 batches, an evaluation every 6 steps: step 12 is followed by the last step, 13
        List<Long> evaluated = new java.util.ArrayList<>();
        try (TrainingSessionManager s = TrainingSessionManager.open(
                TinyNetworks.mlp(1),
                options(tmp)
                        .epochs(1)
                        .evalEverySteps(6)
                        .checkpointEverySteps(6)
                        .keepLast(5)
                        .build())) {
            assertTrue(s.fit(TinyNetworks.data(200, 16, 3), new TrainingHooks() {
                        @Override
                        public java.util.Optional<java.util.Map<String, Double>> evaluate(EvalContext ctx) {
                            evaluated.add(ctx.step());
                            return java.util.Optional.of(java.util.Map.of("f1_macro", 0.5));
                        }
                    })
                    .completed());
            assertEquals(
                    List.of(6L, 12L, 13L),
                    s.checkpoints().list().stream().map(c -> c.step()).sorted().toList(),
                    "the scheduled checkpoint is still written");
        }
        assertEquals(List.of(6L, 13L), evaluated);
    }

    /**
     * A metric that improves by 0.1 per evaluation up to step 8, then by only 0.01: with min_delta
     * 0.05 and patience 3 the evaluations at 10, 12 and 14 do not count, so the run stops at 14.
     */
    private static TrainingHooks plateau(TrainingSessionManager s, List<Long> evaluated, long stopAt) {
        return new TrainingHooks() {
            @Override
            public java.util.Optional<java.util.Map<String, Double>> evaluate(EvalContext ctx) {
                evaluated.add(ctx.step());
                long at = ctx.step();
                double f1 = at <= 8 ? at / 10.0 : 0.8 + 0.01 * (at - 8) / 2;
                return java.util.Optional.of(java.util.Map.of("f1_macro", f1));
            }

            @Override
            public void onProgress(Progress p) {
                if (p.step() == stopAt) {
                    s.requestStop();
                }
            }
        };
    }

    private static SessionOptions.Builder earlyStopping(Path dir) {
        return options(dir)
                .evalEverySteps(2)
                .logEverySteps(1)
                .metric("f1_macro", true)
                .earlyStopping(3, 0.05);
    }

    @Test
    void earlyStoppingEndsTheRunAtTheSameStepWhenInterruptedAndResumed(@TempDir Path tmp) throws Exception {
        Path a = tmp.resolve("a");
        List<Long> evaluated = new java.util.ArrayList<>();
        MultiLayerNetwork straight = TinyNetworks.mlp(1);
        try (TrainingSessionManager s =
                TrainingSessionManager.open(straight, earlyStopping(a).build())) {
            TrainingSessionManager.Outcome o = s.fit(TinyNetworks.data(200, 16, 3), plateau(s, evaluated, -1));
            assertTrue(o.completed());
            assertEquals(14, o.step());
            assertTrue(
                    o.reason().contains("stopped early at step 14 of 39: f1_macro has not improved by more than 0.05"),
                    o.reason());
            assertTrue(s.stoppedEarly().isPresent());
        }
        assertEquals(List.of(2L, 4L, 6L, 8L, 10L, 12L, 14L), evaluated, "no second evaluation of the last step");
        SessionState done = new SessionStore(a).read().state().orElseThrow();
        assertEquals(SessionStatus.COMPLETED, done.status());
        assertEquals(
                new SessionState.EarlyStopping(3, 0.05, 3, true),
                done.earlyStoppingState().orElseThrow());
        assertEquals(
                14,
                new CheckpointStore(a)
                        .list()
                        .get(new CheckpointStore(a).list().size() - 1)
                        .step());

        // stopped at step 11, after one evaluation without improvement (10), and resumed
        Path b = tmp.resolve("b");
        try (TrainingSessionManager s = TrainingSessionManager.open(
                TinyNetworks.mlp(1), earlyStopping(b).build())) {
            assertFalse(s.fit(TinyNetworks.data(200, 16, 3), plateau(s, new java.util.ArrayList<>(), 11))
                    .completed());
            assertEquals(1, s.state().earlyStoppingState().orElseThrow().evaluationsWithoutImprovement());
        }
        assertEquals(
                1,
                new CheckpointStore(b)
                        .readTrainingState(new CheckpointStore(b)
                                .list()
                                .get(new CheckpointStore(b).list().size() - 1))
                        .evaluationsWithoutImprovement());
        MultiLayerNetwork resumed = TinyNetworks.mlp(99);
        List<Long> afterResume = new java.util.ArrayList<>();
        try (TrainingSessionManager s =
                TrainingSessionManager.open(resumed, earlyStopping(b).build())) {
            TrainingSessionManager.Outcome o = s.fit(TinyNetworks.data(200, 16, 3), plateau(s, afterResume, -1));
            assertTrue(o.completed());
            assertEquals(14, o.step());
        }
        assertEquals(List.of(12L, 14L), afterResume);
        assertArrayEquals(straight.params().toFloatVector(), resumed.params().toFloatVector());

        // starting the completed run again trains nothing and evaluates nothing
        List<Long> again = new java.util.ArrayList<>();
        try (TrainingSessionManager s = TrainingSessionManager.open(
                TinyNetworks.mlp(5), earlyStopping(a).build())) {
            assertTrue(s.stoppedEarly().isPresent());
            TrainingSessionManager.Outcome o = s.fit(TinyNetworks.data(200, 16, 3), plateau(s, again, -1));
            assertTrue(o.completed());
            assertEquals(14, o.step());
        }
        assertEquals(List.of(), again);
        assertEquals(
                SessionStatus.COMPLETED,
                new SessionStore(a).read().state().orElseThrow().status());
    }

    private static float[] accumulated(Path dir, int batch, int accumulate, double retain, int stopAt)
            throws Exception {
        MultiLayerNetwork net = TinyNetworks.mlp(1, retain);
        try (TrainingSessionManager s = TrainingSessionManager.open(
                net,
                options(dir)
                        .logEverySteps(1)
                        .gradientAccumulationSteps(accumulate)
                        .build())) {
            TrainingSessionManager.Outcome o = s.fit(TinyNetworks.data(200, batch, 3), new TrainingHooks() {
                @Override
                public void onProgress(Progress p) {
                    if (p.step() == stopAt) {
                        s.requestStop();
                    }
                }
            });
            assertEquals(stopAt < 0, o.completed());
            if (stopAt < 0 && batch * accumulate == 16) {
                // 200 examples: 25 batches of 8 in 13 steps of 2 (the last takes one), 13 batches of 16
                assertEquals(39, o.step());
                assertEquals(600, s.state().samplesSeen());
            }
        }
        return net.params().toFloatVector();
    }

    @Test
    void twoAccumulatedBatchesOfEightMakeTheStepOfOneBatchOfSixteen(@TempDir Path tmp) throws Exception {
        float[] big = accumulated(tmp.resolve("a"), 16, 1, 0.0, -1);
        float[] small = accumulated(tmp.resolve("b"), 8, 2, 0.0, -1);
        float[] untrained = TinyNetworks.mlp(1, 0.0).params().toFloatVector();
        double moved = 0;
        double differ = 0;
        for (int i = 0; i < big.length; i++) {
            moved = Math.max(moved, Math.abs(big[i] - untrained[i]));
            differ = Math.max(differ, Math.abs(big[i] - small[i]));
        }
        assertTrue(moved > 0.01, "training moved the weights by " + moved);
        assertTrue(differ < 1e-4, "k=2 with batch 8 differs from k=1 with batch 16 by up to " + differ);
        // and it is not the same as a step per batch of 8
        float[] unaccumulated = accumulated(tmp.resolve("c"), 8, 1, 0.0, -1);
        double apart = 0;
        for (int i = 0; i < big.length; i++) {
            apart = Math.max(apart, Math.abs(big[i] - unaccumulated[i]));
        }
        assertTrue(apart > 1e-3, "a step per batch of 8 differs by " + apart);
    }

    @Test
    void anAccumulatingRunStoppedAndResumedEndsBitwiseEqual(@TempDir Path tmp) throws Exception {
        float[] straight = accumulated(tmp.resolve("a"), 8, 2, 0.8, -1);
        Path b = tmp.resolve("b");
        accumulated(b, 8, 2, 0.8, 7); // mid-epoch: after 14 of the 25 batches
        accumulated(b, 8, 2, 0.8, 20); // in the second epoch
        float[] resumed = accumulated(b, 8, 2, 0.8, -1);
        assertArrayEquals(straight, resumed);
        assertEquals(
                2, new SessionStore(b).read().state().orElseThrow().resumes().size());
    }

    @Test
    void checkpointWriterThreadEndsBetweenCheckpoints(@TempDir Path tmp) throws Exception {
        // a live thread that ran ND4J operations keeps native workers that slow the training thread down
        List<Boolean> writerAliveAtCheckpointStep = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (TrainingSessionManager s = TrainingSessionManager.open(
                TinyNetworks.mlp(1),
                options(tmp).epochs(2).keepLast(5).logEverySteps(1).build())) {
            // the copy of the network is prepared on the writer's thread at open
            waitUntil(() -> !writerThreadAlive(), "the writer's thread ends once the copy is prepared");
            s.fit(TinyNetworks.data(200, 16, 3), new TrainingHooks() {
                @Override
                public void onProgress(Progress p) {
                    if (p.step() == 15) {
                        // five steps after the checkpoint of step 10: its write is long done
                        waitUntil(
                                () -> !writerThreadAlive(), "the writer's thread ends after the checkpoint of step 10");
                        writerAliveAtCheckpointStep.add(writerThreadAlive());
                    }
                }
            });
            assertEquals(List.of(false), writerAliveAtCheckpointStep);
            assertEquals(
                    List.of(10L, 20L, 26L),
                    s.checkpoints().list().stream().map(c -> c.step()).sorted().toList());
        }
    }

    private static boolean writerThreadAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.isAlive() && t.getName().equals("trainguard-checkpoint-writer"));
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within 10 s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
    }

    @Test
    void subnormalOptimizerStateIsFlushedToZero() {
        org.nd4j.linalg.api.ndarray.INDArray state = org.nd4j.linalg.factory.Nd4j.createFromArray(
                new float[] {1e-39f, -1e-40f, 1e-3f, 0f, Float.MIN_NORMAL, -2e-38f, Float.MIN_VALUE});
        org.nd4j.linalg.api.ndarray.INDArray view = state.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 7));
        TrainingLoop.flushSubnormals(view);
        assertArrayEquals(new float[] {0f, 0f, 1e-3f, 0f, Float.MIN_NORMAL, -2e-38f, 0f}, state.toFloatVector());
        TrainingLoop.flushSubnormals(null); // a stateless optimizer has none
    }

    @Test
    void secondSessionOnTheSameFolderIsRefused(@TempDir Path tmp) throws Exception {
        try (TrainingSessionManager s =
                TrainingSessionManager.open(TinyNetworks.mlp(1), options(tmp).build())) {
            RunLock.LockHeldException e = assertThrows(
                    RunLock.LockHeldException.class,
                    () -> TrainingSessionManager.open(
                            TinyNetworks.mlp(1), options(tmp).build()));
            assertTrue(e.getMessage().contains("pid " + ProcessHandle.current().pid()), e.getMessage());
        }
    }

    @Test
    void brokenNewestCheckpointIsMovedAsideAndThePreviousOneUsed(@TempDir Path tmp) throws Exception {
        try (TrainingSessionManager s = TrainingSessionManager.open(
                TinyNetworks.mlp(1), options(tmp).epochs(2).keepLast(5).build())) {
            s.fit(TinyNetworks.data(200, 16, 3));
        }
        CheckpointStore store = new CheckpointStore(tmp);
        CheckpointStore.Checkpoint newest = store.list().get(store.list().size() - 1);
        Path zip = newest.dir().resolve("model.zip");
        byte[] bytes = Files.readAllBytes(zip);
        bytes[bytes.length / 2] ^= 1;
        Files.write(zip, bytes);
        try (TrainingSessionManager s = TrainingSessionManager.open(
                TinyNetworks.mlp(1), options(tmp).epochs(2).keepLast(5).build())) {
            assertEquals(20, s.step());
        }
        assertTrue(Files.isDirectory(store.dir().resolve(CheckpointStore.BROKEN_DIR_NAME)));
    }

    @Test
    void resumeNeverArchivesTheEarlierRunInsteadOfDeletingIt(@TempDir Path tmp) throws Exception {
        try (TrainingSessionManager s = TrainingSessionManager.open(
                TinyNetworks.mlp(1), options(tmp).epochs(1).build())) {
            s.fit(TinyNetworks.data(200, 16, 3));
        }
        try (TrainingSessionManager s = TrainingSessionManager.open(
                TinyNetworks.mlp(1),
                options(tmp).epochs(1).resume(ResumeMode.NEVER).build())) {
            assertEquals(0, s.step());
            assertTrue(s.state().resumes().isEmpty());
        }
        Path previous = Files.list(tmp.resolve("previous")).findFirst().orElseThrow();
        assertEquals(
                2, new CheckpointStore(previous).list().size(), "the earlier checkpoints are kept under previous/");
        assertTrue(Files.exists(previous.resolve(SessionStore.FILE_NAME)));
    }

    @Test
    void checkpointAfterAnIncompatibleChangeIsRefusedNamingWhatChanged(@TempDir Path tmp) throws Exception {
        try (TrainingSessionManager s = TrainingSessionManager.open(
                TinyNetworks.mlp(1),
                options(tmp).epochs(1).fingerprint("labels", "a").build())) {
            s.fit(TinyNetworks.data(200, 16, 3));
        }
        ResumeRefusedException e = assertThrows(
                ResumeRefusedException.class,
                () -> TrainingSessionManager.open(
                        TinyNetworks.mlp(1),
                        options(tmp).epochs(1).fingerprint("labels", "b").build()));
        assertTrue(e.getMessage().contains("labels changed"), e.getMessage());
    }

    @Test
    void checkpointsOfAComputationGraphKeepTheCallersListeners(@TempDir Path tmp) throws Exception {
        var net = TinyNetworks.graph(1);
        int[] calls = {0};
        net.addListeners(new org.deeplearning4j.optimize.api.BaseTrainingListener() {
            @Override
            public void iterationDone(org.deeplearning4j.nn.api.Model model, int iteration, int epoch) {
                calls[0]++;
            }
        });
        try (TrainingSessionManager s = TrainingSessionManager.open(
                net, options(tmp).epochs(1).checkpointEverySteps(3).build())) {
            assertTrue(s.fit(TinyNetworks.data(200, 16, 3)).completed());
        }
        assertEquals(13, calls[0], "the listener saw every step, across checkpoints");
        assertEquals(1, net.getListeners().size(), "trainguard removed only its own listener");
    }
}
