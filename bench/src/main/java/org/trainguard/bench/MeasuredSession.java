package org.trainguard.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.trainguard.core.lock.RunLock;
import org.trainguard.session.ResumeMode;
import org.trainguard.session.SessionOptions;
import org.trainguard.session.TrainingSessionManager;

/**
 * A session run whose steps a benchmark times: the session's defaults (autosave every 5 minutes, heartbeat every
 * 10 s, progress every 50 steps), no evaluation, and the only checkpoint at the end, after the measured steps.
 * Signal handling is off so that Ctrl+C ends the benchmark; it costs nothing per step either way.
 */
final class MeasuredSession {
    private MeasuredSession() {}

    /**
     * Trains {@code steps} steps of {@code net} through {@link TrainingSessionManager#fit}.
     *
     * @param dir the run folder
     * @param seed the run's seed
     * @param epochs enough epochs for the steps
     * @param what names the run in an error
     */
    static void run(
            MultiLayerNetwork net, DataSetIterator it, Path dir, long seed, int epochs, long steps, String what) {
        SessionOptions options = SessionOptions.builder(dir)
                .seed(seed)
                .epochs(epochs)
                .maxSteps(steps)
                .checkpointEverySteps(steps)
                .keepLast(1)
                .keepBest(false)
                .evalEverySteps(Long.MAX_VALUE / 2)
                .resume(ResumeMode.NEVER)
                .autosaveInterval(Duration.ofMinutes(5))
                .handleSignals(false)
                .build();
        try (TrainingSessionManager s = TrainingSessionManager.open(net, options)) {
            s.fit(it);
        } catch (IOException | RunLock.LockHeldException e) {
            throw new BenchmarkException(what + " run in " + dir + " failed: " + e, e);
        }
    }
}
