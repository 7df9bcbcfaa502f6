package org.trainguard.session;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainguard.core.checkpoint.CheckpointStore;
import org.trainguard.core.lock.RunLock;
import org.trainguard.core.mirror.CheckpointMirror;
import org.trainguard.core.run.SessionState;
import org.trainguard.core.run.SessionStateBuilder;
import org.trainguard.core.run.SessionStore;
import org.trainguard.session.mirror.MirrorCopier;

/**
 * Opens a run: plans the resume, fills in the provenance, restores the checkpoint it starts from,
 * starts the mirror copier and records the opening session state, then checks that the disk has
 * room.
 */
final class SessionOpening {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingSessionManager.class);

    private final RunParts run;
    private final RunLock lock;
    private final Map<String, Object> provenance;
    private final CheckpointRestorer restorer;
    private final Checkpointing checkpoints;
    private final DiskRoom room;

    /**
     * @param run the run's parts
     * @param lock the held run lock, which is told the session id
     * @param provenance filled in with the session id, versions and platform
     * @param restorer restores the checkpoint the run resumes from
     * @param checkpoints given the mirror copier when the run has a mirror
     * @param room checks the disk before the first step
     */
    SessionOpening(
            RunParts run,
            RunLock lock,
            Map<String, Object> provenance,
            CheckpointRestorer restorer,
            Checkpointing checkpoints,
            DiskRoom room) {
        this.run = run;
        this.lock = lock;
        this.provenance = provenance;
        this.restorer = restorer;
        this.checkpoints = checkpoints;
        this.room = room;
    }

    void open() throws IOException {
        SessionOptions options = run.options();
        SessionRecorder recorder = run.recorder();
        ResumePlanner planner = new ResumePlanner(options, run.store(), recorder, lock);
        ResumePlan plan = planner.plan();
        run.best().start(plan.best());
        recordProvenance(plan.sessionId());
        lock.updateSessionId(plan.sessionId());

        SessionStateBuilder b = planner.openingState(plan);
        Optional<SessionState> prev = plan.previous();
        Optional<CheckpointStore.Checkpoint> from = plan.from();
        if (from.isPresent()) {
            restorer.restore(from.get());
            long step = run.position().step;
            List<SessionState.Resume> resumes =
                    new ArrayList<>(prev.map(SessionState::resumes).orElse(List.of()));
            resumes.add(new SessionState.Resume(Instant.now(), step));
            b.resumes(resumes);
            b.lastCheckpoint(
                    new SessionState.CheckpointRef(step, from.get().dir().toString(), Instant.now()));
            restorer.continueRollback(prev);
        } else if (prev.isPresent() && prev.get().step() > 0 && options.resume() == ResumeMode.AUTO) {
            LOG.warn(
                    "{} says step {}, but no checkpoint verifies: starting from step 0",
                    SessionStore.FILE_NAME,
                    prev.get().step());
            b.step(0).lastCheckpoint(null);
        }
        b.best(run.best().sessionBest());
        if (plan.mirror().isPresent()) {
            startMirror(plan.mirror().get(), b, prev, from);
        }
        recorder.set(b.build());
        recorder.write();
        recorder.reserveSpace();
        run.writer().prepare();
        room.refuseAtStart();
    }

    private void recordProvenance(String sessionId) {
        provenance.put("session_id", sessionId);
        provenance.putIfAbsent(
                "trainguard_version",
                Optional.ofNullable(TrainingSessionManager.class.getPackage().getImplementationVersion())
                        .orElse("dev"));
        provenance.put("java", System.getProperty("java.version"));
        provenance.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    }

    /**
     * Carries the mirror's state over from the previous session when it names the same target, and
     * starts copying checkpoints to it.
     */
    private void startMirror(
            CheckpointMirror mirror,
            SessionStateBuilder b,
            Optional<SessionState> prev,
            Optional<CheckpointStore.Checkpoint> from) {
        String target = mirror.target().describe();
        SessionState.Mirror initial = prev.flatMap(SessionState::mirrorState)
                .filter(m -> m.target().equals(target))
                .map(m -> new SessionState.Mirror(target, m.lastStep(), m.lastAt(), m.lastError(), m.errorAt(), 0))
                .orElse(new SessionState.Mirror(target, -1, null, null, null, 0));
        b.mirror(initial);
        MirrorCopier copier = new MirrorCopier(
                mirror, run.store(), run.options().keepLast(), run.best()::keptStep, initial, this::onMirrorState);
        checkpoints.mirror(copier);
        // a checkpoint committed just before the last process ended may never have reached the mirror
        if (from.isPresent() && initial.lastStep() < from.get().step()) {
            copier.submit(from.get());
        }
    }

    private void onMirrorState(SessionState.Mirror m) {
        run.recorder().change(b -> b.mirror(m));
        run.recorder().write();
    }
}
