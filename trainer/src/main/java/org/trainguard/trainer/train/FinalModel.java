package org.trainguard.trainer.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainguard.config.TrainguardConfig;
import org.trainguard.core.ExitCode;
import org.trainguard.core.checkpoint.BestCheckpoint;
import org.trainguard.core.checkpoint.CheckpointStore;
import org.trainguard.core.mirror.CheckpointMirror;
import org.trainguard.core.mirror.MirrorTarget;
import org.trainguard.core.run.RunLayout;
import org.trainguard.session.ModelFileException;
import org.trainguard.session.ModelReader;
import org.trainguard.session.TrainingSessionManager;
import org.trainguard.session.mirror.Mirrors;

/**
 * The model a training run leaves in {@code final/}: which one it is (the last step's, or the best
 * checkpoint's with {@code eval.load_best_at_end}), writing it with its mirror copy, and repairing a
 * {@code final/} that a completed run lacks or that does not verify.
 */
final class FinalModel {

    /** Logged under the training run's name, as the run's other lines are. */
    private static final Logger LOG = LoggerFactory.getLogger(TrainingRun.class);

    private final TrainguardConfig config;

    FinalModel(TrainguardConfig config) {
        this.config = config;
    }

    /** The model {@code final/} is built from: the last step's, or the best checkpoint's with {@code eval.load_best_at_end}. */
    record FinalSource(MultiLayerNetwork net, long step, Map<String, Object> metrics, String source) {}

    void write(Path outputDir, FinalSource f) throws IOException {
        FinalBundle.Description d = new FinalBundle.Description(
                FinalBundle.FORMAT_VERSION,
                config.labels(),
                RunData.featureSettings(config),
                config.eval().allowLabel(),
                config.eval().harmfulLabels(),
                f.step(),
                Instant.now(),
                Optional.ofNullable(TrainingRun.class.getPackage().getImplementationVersion())
                        .orElse("dev"),
                f.source());
        FinalBundle.write(outputDir, f.net(), d, f.metrics(), config.toYaml());
        mirrorFinal(outputDir);
    }

    /** Copies {@code final/} to {@code checkpoint.mirror}; a failure is logged, never fails the run. */
    private void mirrorFinal(Path outputDir) {
        config.checkpoint().mirror().ifPresent(m -> {
            try (MirrorTarget target = Mirrors.open(m)) {
                new CheckpointMirror(target).copyFinal(outputDir.resolve(FinalBundle.DIR_NAME));
                LOG.info("mirrored {}/ to {} and verified it", FinalBundle.DIR_NAME, target.describe());
            } catch (IOException | RuntimeException e) {
                LOG.warn(
                        "mirroring {}/ to {} failed: {}; the mirrored checkpoints still hold the model",
                        FinalBundle.DIR_NAME,
                        m.describe(),
                        e.getMessage());
            }
        });
    }

    /**
     * With {@code eval.load_best_at_end}, the best checkpoint by {@code eval.metric} (read back through
     * the model reader after verifying it); otherwise, or when there is no best checkpoint that
     * verifies, the network as the last step left it. {@code metrics.json} gets the evaluation at the
     * chosen step and says which was chosen.
     */
    FinalSource choose(TrainingSessionManager session, MultiLayerNetwork last, Map<String, Object> lastMetrics)
            throws IOException {
        long end = session.step();
        Path metricsJsonl = RunLayout.metrics(config.training().outputDir());
        if (config.eval().loadBestAtEnd()) {
            Optional<BestCheckpoint> best = session.best();
            if (best.isEmpty()) {
                LOG.warn(
                        "eval.load_best_at_end is on, but no evaluation ranked a checkpoint (is there validation data?); {}/ holds the last "
                                + "step, {}",
                        FinalBundle.DIR_NAME,
                        end);
            } else if (best.get().step() == end) {
                LOG.info(
                        "the last step, {}, is also the best by {} ({}); {}/ holds it",
                        end,
                        best.get().metric(),
                        best.get().value(),
                        FinalBundle.DIR_NAME);
                return new FinalSource(
                        last,
                        end,
                        selection(
                                lastMetrics.isEmpty() ? FinalBundle.evaluationAt(metricsJsonl, end) : lastMetrics,
                                FinalBundle.SOURCE_BEST,
                                best.get(),
                                end),
                        FinalBundle.SOURCE_BEST);
            } else {
                Path dir = session.checkpoints()
                        .dir()
                        .resolve(CheckpointStore.PREFIX + best.get().step());
                CheckpointStore.Verification v = Files.isDirectory(dir)
                        ? session.checkpoints().verify(dir)
                        : new CheckpointStore.Verification(false, "it no longer exists", Optional.empty());
                if (v.ok()) {
                    MultiLayerNetwork net =
                            ModelReader.readMultiLayerNetwork(dir.resolve(FinalBundle.MODEL_ZIP), false);
                    LOG.info(
                            "eval.load_best_at_end: {}/ holds {} (best {} = {}), not the last step {}",
                            FinalBundle.DIR_NAME,
                            dir.getFileName(),
                            best.get().metric(),
                            best.get().value(),
                            end);
                    return new FinalSource(
                            net,
                            best.get().step(),
                            selection(
                                    FinalBundle.evaluationAt(
                                            metricsJsonl, best.get().step()),
                                    FinalBundle.SOURCE_BEST,
                                    best.get(),
                                    end),
                            FinalBundle.SOURCE_BEST);
                }
                LOG.warn(
                        "eval.load_best_at_end is on, but the best checkpoint {} does not verify ({}); {}/ holds the last step, {}",
                        dir.getFileName(),
                        v.problem(),
                        FinalBundle.DIR_NAME,
                        end);
            }
        }
        Map<String, Object> m = lastMetrics.isEmpty() ? FinalBundle.evaluationAt(metricsJsonl, end) : lastMetrics;
        return new FinalSource(
                last,
                end,
                config.eval().loadBestAtEnd() ? selection(m, FinalBundle.SOURCE_LAST, null, end) : m,
                FinalBundle.SOURCE_LAST);
    }

    private static Map<String, Object> selection(
            Map<String, Object> metrics, String source, BestCheckpoint best, long end) {
        Map<String, Object> m = new LinkedHashMap<>(metrics);
        Map<String, Object> sel = new LinkedHashMap<>();
        sel.put("source", source);
        if (best != null) {
            sel.put("metric", best.metric());
            sel.put("value", best.value());
            sel.put("step", best.step());
        }
        sel.put("last_step", end);
        m.put("selected", sel);
        return m;
    }

    /**
     * A completed run must end with a {@code final/} that verifies: a kill after the last checkpoint
     * and before {@code final/} was committed, or a damaged {@code final/}, is repaired from the
     * last checkpoint, which the session has restored into {@code net}.
     */
    void ensure(TrainingSessionManager session, Path outputDir, MultiLayerNetwork net) throws IOException {
        Path dir = outputDir.resolve(FinalBundle.DIR_NAME);
        FinalBundle.Check check = FinalBundle.check(dir);
        FinalSource wanted = null;
        String why;
        if (check.state() == FinalBundle.State.OK) {
            long held;
            try {
                held = FinalBundle.read(dir).step();
            } catch (ModelFileException e) {
                held = -1;
            }
            long expected = config.eval().loadBestAtEnd()
                    ? session.best().map(BestCheckpoint::step).orElse(session.step())
                    : session.step();
            if (held != expected) {
                wanted = choose(session, net, Map.of());
            }
            if (wanted == null || held == wanted.step()) {
                FinalBundle.removeUnfinished(outputDir);
                return;
            }
            why = held < 0
                    ? "has a " + FinalBundle.BUNDLE_JSON + " that cannot be read"
                    : "holds step " + held + ", but eval.load_best_at_end is "
                            + config.eval().loadBestAtEnd() + ", which selects step " + wanted.step();
        } else {
            why = check.state() == FinalBundle.State.MISSING
                    ? "is missing (a trainer was stopped before writing it, or it was removed)"
                    : "does not verify (" + check.problem() + ")";
        }
        if (wanted == null) {
            wanted = choose(session, net, Map.of());
        }
        String from = wanted.step() == session.step()
                ? session.state()
                        .lastCheckpointRef()
                        .map(c -> Path.of(c.path()).getFileName().toString())
                        .orElse("the last checkpoint")
                : CheckpointStore.PREFIX + wanted.step();
        LOG.warn("{} {}: rebuilding it from {} (step {})", dir, why, from, wanted.step());
        try {
            write(outputDir, wanted);
        } catch (IOException e) {
            session.fail(
                    ExitCode.FAILURE.code(),
                    "the run completed, but " + FinalBundle.DIR_NAME + "/ could not be rebuilt: " + e);
            throw e;
        }
        FinalBundle.Check after = FinalBundle.check(dir);
        if (after.state() != FinalBundle.State.OK) {
            throw new IOException(dir + " does not verify after rebuilding it: " + after.problem());
        }
        LOG.info("rebuilt {} from {}; it verifies", dir, from);
    }
}
