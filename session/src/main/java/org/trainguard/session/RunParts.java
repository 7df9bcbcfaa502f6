package org.trainguard.session;

import org.trainguard.core.checkpoint.CheckpointStore;

/**
 * The parts of one open run that its jobs share: the network, the options, the checkpoint store and
 * writer, the progress listener, the counters, the best evaluation, the session recorder and stop
 * control.
 */
record RunParts(
        NetworkAdapter net,
        SessionOptions options,
        CheckpointStore store,
        CheckpointWriter writer,
        ProgressCallback progress,
        RunPosition position,
        BestTracker best,
        SessionRecorder recorder,
        StopControl stop) {}
