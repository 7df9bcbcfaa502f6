package org.trainguard.trainer.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.trainguard.core.folder.RunFolder;
import org.trainguard.core.lock.RunLock;
import org.trainguard.core.run.RunLayout;
import org.trainguard.core.run.SessionState;
import org.trainguard.core.run.SessionStatus;
import org.trainguard.core.run.SessionStore;
import org.trainguard.session.ProgressCallback;
import org.trainguard.trainer.train.FinalBundle;

/** Reads a run's output folder without touching it: session, lock, checkpoints. */
final class RunInspector {

    private RunInspector() {}

    static List<Map<String, Object>> checkpoints(Path outputDir) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (RunFolder.CheckedCheckpoint c : new RunFolder(outputDir).checkedCheckpoints()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("step", c.step());
            m.put("path", c.dir().toString());
            m.put("verified", c.verified());
            m.put("problem", c.problem());
            m.put("created_at", c.createdAt().map(Instant::toString).orElse(""));
            m.put("best", c.best());
            out.add(m);
        }
        return out;
    }

    static Map<String, Object> status(Path outputDir) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("output_dir", outputDir.toString());
        RunFolder run = new RunFolder(outputDir);
        SessionStore.ReadResult r = run.session();
        Optional<RunLock.LockInfo> holder = run.lockHolder();
        m.put("trainer_running", holder.isPresent());
        holder.ifPresent(h -> m.put("trainer_pid", h.pid()));
        if (r.state().isEmpty()) {
            m.put("status", "NONE");
            m.put("problem", r.problem());
        } else {
            SessionState s = r.state().get();
            String status = s.status().name();
            if (s.status().live() && holder.isEmpty()) {
                status = status + " (trainer pid " + s.pid()
                        + " is gone: the run was killed; it resumes at the next start)";
            }
            m.put("status", status);
            m.put("session_id", s.sessionId());
            m.put("step", s.step());
            m.put("total_steps", s.totalSteps());
            m.put("epoch", s.epoch() + 1);
            m.put("total_epochs", s.totalEpochs());
            m.put("steps_per_second", s.stepsPerSecond());
            m.put("eta", s.eta() == null ? "" : s.eta().toString());
            m.put("updated_at", s.updatedAt().toString());
            s.lastCheckpointRef().ifPresent(c -> {
                m.put("last_checkpoint", c.path());
                m.put("last_checkpoint_step", c.step());
                m.put(
                        "last_checkpoint_age",
                        ProgressCallback.formatSeconds(
                                Duration.between(c.at(), Instant.now()).toSeconds()));
            });
            s.bestSoFar()
                    .ifPresent(b -> m.put("best", Map.of("metric", b.metric(), "value", b.value(), "step", b.step())));
            m.put("restarts", s.restarts());
            m.put("resumes", s.resumes().size());
            s.exitInfo().ifPresent(e -> m.put("exit", Map.of("code", e.code(), "reason", e.reason())));
            if (s.disk() != null) {
                SessionState.DiskShortage d = s.disk();
                m.put(
                        "disk",
                        "not enough space for the next checkpoint in " + d.folder() + ": needs " + d.neededBytes()
                                + " bytes, " + d.freeBytes() + " free, " + d.missingBytes() + " missing (at step "
                                + d.step() + ", " + d.at() + ")");
            }
            if (!s.rollbacks().isEmpty()) {
                SessionState.Rollback last = s.rollbacks().get(s.rollbacks().size() - 1);
                m.put(
                        "rollbacks",
                        s.rollbacks().size() + ", the last at step " + last.atStep() + " (loss " + last.loss()
                                + ") back to step " + last.toStep() + ": " + last.change());
            }
            s.mirrorState().ifPresent(mi -> m.put("mirror", mirror(mi)));
        }
        m.put("final", finalBundle(outputDir));
        m.put("checkpoints", checkpoints(outputDir));
        return m;
    }

    /** The second copy's state for {@code status}: target, newest verified copy, last error. */
    static Map<String, Object> mirror(SessionState.Mirror mi) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", mi.target());
        m.put("last_step", mi.lastStep());
        m.put("last_at", mi.lastAt() == null ? "" : mi.lastAt().toString());
        m.put("last_error", mi.lastError() == null ? "" : mi.lastError());
        m.put("error_at", mi.errorAt() == null ? "" : mi.errorAt().toString());
        m.put("pending", mi.pending());
        return m;
    }

    /** @return one line for people about {@link #mirror} */
    static String describeMirror(Map<String, Object> m) {
        long step = ((Number) m.get("last_step")).longValue();
        String copy = step < 0
                ? "no checkpoint copied yet"
                : "checkpoint-" + step + " copied and verified at " + m.get("last_at");
        String error = String.valueOf(m.get("last_error"));
        return m.get("target") + ": " + copy + (((Number) m.get("pending")).intValue() > 0 ? "; copying" : "")
                + (error.isEmpty() ? "" : "; LAST COPY FAILED at " + m.get("error_at") + ": " + error);
    }

    /**
     * @param outputDir the run's output folder
     * @return {@code final/}: its path, state (ok, missing, broken), the problem, and whether that is
     *     a fault (broken, or missing although the run completed)
     */
    static Map<String, Object> finalBundle(Path outputDir) {
        Path dir = RunLayout.finalDir(outputDir);
        FinalBundle.Check c = FinalBundle.check(dir);
        boolean completed = new RunFolder(outputDir)
                .session()
                .state()
                .map(s -> s.status() == SessionStatus.COMPLETED)
                .orElse(false);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", dir.toString());
        m.put("state", c.state().name().toLowerCase(Locale.ROOT));
        m.put("problem", c.problem());
        m.put("fault", c.state() == FinalBundle.State.BROKEN || (c.state() == FinalBundle.State.MISSING && completed));
        if (c.state() == FinalBundle.State.OK) {
            try {
                FinalBundle.Description d = FinalBundle.read(dir);
                m.put("step", d.step());
                m.put("source", d.source());
            } catch (IOException e) {
                m.put("problem", e.getMessage());
            }
        }
        return m;
    }

    /** @return one line for people about {@link #finalBundle} */
    static String describeFinal(Map<String, Object> f) {
        String state = String.valueOf(f.get("state"));
        return switch (state) {
            case "ok" ->
                "ok (verifies"
                        + (f.get("step") == null
                                ? ""
                                : "; step " + f.get("step")
                                        + (FinalBundle.SOURCE_BEST.equals(f.get("source"))
                                                ? ", the best checkpoint"
                                                : ""))
                        + ")";
            case "missing" ->
                Boolean.TRUE.equals(f.get("fault"))
                        ? "MISSING although the run completed: the next start rebuilds it from the last checkpoint"
                        : "missing (written when the run completes)";
            default -> "BROKEN (" + f.get("problem") + "): the next start rebuilds it from the last checkpoint";
        };
    }
}
