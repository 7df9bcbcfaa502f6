package org.trainguard.session;

import java.util.Optional;
import org.trainguard.core.checkpoint.BestCheckpoint;
import org.trainguard.core.checkpoint.CheckpointStore;
import org.trainguard.core.mirror.CheckpointMirror;
import org.trainguard.core.run.SessionState;

/**
 * How a run starts: from which checkpoint, continuing which session.
 *
 * @param previous the session file's state, unless this is a new run
 * @param from the verified checkpoint to resume from; empty to start at step 0
 * @param best the best checkpoint as {@code best.json} and the checkpoints agree on
 * @param sessionId the session's id (kept across resumes)
 * @param mirror the checkpoint mirror, when the run has one (the run closes it)
 */
record ResumePlan(
        Optional<SessionState> previous,
        Optional<CheckpointStore.Checkpoint> from,
        Optional<BestCheckpoint> best,
        String sessionId,
        Optional<CheckpointMirror> mirror) {}
