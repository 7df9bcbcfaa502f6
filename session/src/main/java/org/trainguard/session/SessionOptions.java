package org.trainguard.session;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.trainguard.config.CheckpointConfig;
import org.trainguard.config.EarlyStoppingConfig;
import org.trainguard.config.EvalConfig;
import org.trainguard.config.MirrorConfig;
import org.trainguard.config.OnDivergence;
import org.trainguard.config.SessionConfig;
import org.trainguard.config.TrainingConfig;

/**
 * How a {@link TrainingSessionManager} runs: where it writes, how long it trains, when it saves.
 * Built with {@link #builder(Path)}; every value but the output folder has a default.
 *
 * @param outputDir the run's output folder
 * @param seed the seed from which the data order and every step's random state derive
 * @param epochs how many passes over the data
 * @param maxSteps an optional cap on optimizer steps
 * @param checkpointEverySteps a checkpoint every this many steps
 * @param checkpointEveryInterval an optional checkpoint every this much wall time as well
 * @param keepLast how many of the newest checkpoints rotation keeps
 * @param keepBest whether rotation also keeps the best checkpoint
 * @param evalEverySteps an evaluation every this many steps (when an evaluator is given)
 * @param autosaveInterval the session file is written at least this often
 * @param heartbeatInterval the heartbeat file is written at most this often while work progresses
 * @param logEverySteps a progress line every this many steps when output is not a terminal
 * @param metric the evaluation metric that ranks checkpoints
 * @param greaterIsBetter whether a larger metric is better
 * @param resume how to start when the folder holds checkpoints
 * @param resumePath the checkpoint to resume from with {@link ResumeMode#PATH}
 * @param configPath the configuration file, recorded in the session file
 * @param configSha256 its SHA-256
 * @param fingerprints what must not change for a resume to be right (name to hash)
 * @param advisoryFingerprints what may change with a warning (name to hash)
 * @param provenance recorded in every checkpoint manifest
 * @param handleSignals whether SIGINT, SIGTERM and SIGHUP stop the run with an emergency checkpoint
 * @param maxFailedWrites checkpoint writes that may fail in a row before the run stops
 * @param diskGuard whether the next checkpoint's size is checked against the free disk space before starting and
 *     before every checkpoint (see {@link org.trainguard.core.checkpoint.DiskGuard})
 * @param diskMarginBytes what the disk guard wants free beyond the estimate
 * @param onDivergence what a NaN or infinite loss does
 * @param maxRollbacks rollbacks allowed before a diverging run stops
 * @param rollbackLrFactor each rollback multiplies the learning rate by this
 * @param earlyStopping when set, the run ends as completed once {@code metric} has not improved for that many
 *     evaluations in a row
 * @param gradientAccumulationSteps batches whose gradients are summed into one optimizer step (1: every batch
 *     is a step, through DL4J's own {@code fit})
 * @param mirror where committed checkpoints are copied and verified as well, and resumed from when no local one verifies
 */
public record SessionOptions(
        Path outputDir,
        long seed,
        int epochs,
        OptionalLong maxSteps,
        long checkpointEverySteps,
        Optional<Duration> checkpointEveryInterval,
        int keepLast,
        boolean keepBest,
        long evalEverySteps,
        Duration autosaveInterval,
        Duration heartbeatInterval,
        long logEverySteps,
        String metric,
        boolean greaterIsBetter,
        ResumeMode resume,
        Optional<Path> resumePath,
        String configPath,
        String configSha256,
        Map<String, String> fingerprints,
        Map<String, String> advisoryFingerprints,
        Map<String, Object> provenance,
        boolean handleSignals,
        int maxFailedWrites,
        boolean diskGuard,
        long diskMarginBytes,
        OnDivergence onDivergence,
        int maxRollbacks,
        double rollbackLrFactor,

        Optional<EarlyStoppingConfig> earlyStopping,
        int gradientAccumulationSteps,
        Optional<MirrorConfig> mirror) {

    /** Checks the values. */
    public SessionOptions {
        Objects.requireNonNull(outputDir, "outputDir");
        positive("epochs", epochs);
        positive("checkpointEverySteps", checkpointEverySteps);
        positive("keepLast", keepLast);
        positive("evalEverySteps", evalEverySteps);
        positive("logEverySteps", logEverySteps);
        positive("maxFailedWrites", maxFailedWrites);
        positive("gradientAccumulationSteps", gradientAccumulationSteps);
        Objects.requireNonNull(earlyStopping, "earlyStopping");
        maxSteps.ifPresent(m -> positive("maxSteps", m));
        positive("maxRollbacks", maxRollbacks);
        Objects.requireNonNull(onDivergence, "onDivergence");
        if (diskMarginBytes < 0) {
            throw new IllegalArgumentException("diskMarginBytes must be >= 0, found " + diskMarginBytes);
        }
        if (!(rollbackLrFactor > 0 && rollbackLrFactor < 1)) {
            throw new IllegalArgumentException("rollbackLrFactor must be > 0 and < 1, found " + rollbackLrFactor);
        }
        if (resume == ResumeMode.PATH && resumePath.isEmpty()) {
            throw new IllegalArgumentException("resume PATH needs a resumePath");
        }
        fingerprints = Map.copyOf(fingerprints);
        advisoryFingerprints = Map.copyOf(advisoryFingerprints);
        provenance = Map.copyOf(provenance);
        Objects.requireNonNull(mirror, "mirror");
    }

    private static void positive(String name, long v) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, found " + v);
        }
    }

    /**
     * @param outputDir the run's output folder
     * @return a builder with the defaults of trainguard's configuration
     */
    public static Builder builder(Path outputDir) {
        return new Builder(outputDir);
    }

    /** Builds {@link SessionOptions}; each setter returns the builder. */
    public static final class Builder {
        private final Path outputDir;
        private long seed = TrainingConfig.SEED.fallback();
        private int epochs = TrainingConfig.EPOCHS.fallback();
        private OptionalLong maxSteps = OptionalLong.empty();
        private long checkpointEverySteps = CheckpointConfig.EVERY_STEPS.fallback();
        private Optional<Duration> checkpointEveryInterval = Optional.empty();
        private int keepLast = CheckpointConfig.KEEP_LAST.fallback();
        private boolean keepBest = CheckpointConfig.KEEP_BEST.fallback();
        private long evalEverySteps = EvalConfig.EVERY_STEPS.fallback();
        private Duration autosaveInterval = SessionConfig.AUTOSAVE_INTERVAL.fallback();
        private Duration heartbeatInterval = SessionConfig.HEARTBEAT_INTERVAL.fallback();
        private long logEverySteps = TrainingConfig.LOG_EVERY_STEPS.fallback();
        private String metric = "loss";
        private boolean greaterIsBetter = false;
        private ResumeMode resume = ResumeMode.AUTO;
        private Optional<Path> resumePath = Optional.empty();
        private String configPath = "";
        private String configSha256 = "";
        private final Map<String, String> fingerprints = new LinkedHashMap<>();
        private final Map<String, String> advisoryFingerprints = new LinkedHashMap<>();
        private final Map<String, Object> provenance = new LinkedHashMap<>();
        private boolean handleSignals = true;
        private int maxFailedWrites = 3;
        private boolean diskGuard = CheckpointConfig.DISK_GUARD.fallback();
        private long diskMarginBytes = (long) CheckpointConfig.DISK_MARGIN_MB.fallback() << 20;
        private OnDivergence onDivergence = TrainingConfig.ON_DIVERGENCE.fallback();
        private int maxRollbacks = TrainingConfig.MAX_ROLLBACKS.fallback();
        private double rollbackLrFactor = TrainingConfig.ROLLBACK_LR_FACTOR.fallback();
        private Optional<EarlyStoppingConfig> earlyStopping = Optional.empty();
        private int gradientAccumulationSteps = 1;
        private Optional<MirrorConfig> mirror = Optional.empty();

        private Builder(Path outputDir) {
            this.outputDir = outputDir;
        }

        /** @param v the seed @return this */
        public Builder seed(long v) {
            seed = v;
            return this;
        }
        /** @param v epochs @return this */
        public Builder epochs(int v) {
            epochs = v;
            return this;
        }
        /** @param v the step cap @return this */
        public Builder maxSteps(long v) {
            maxSteps = OptionalLong.of(v);
            return this;
        }
        /** @param v steps between checkpoints @return this */
        public Builder checkpointEverySteps(long v) {
            checkpointEverySteps = v;
            return this;
        }
        /** @param v wall time between checkpoints @return this */
        public Builder checkpointEveryInterval(Duration v) {
            checkpointEveryInterval = Optional.of(v);
            return this;
        }
        /** @param v checkpoints to keep @return this */
        public Builder keepLast(int v) {
            keepLast = v;
            return this;
        }
        /** @param v whether to keep the best @return this */
        public Builder keepBest(boolean v) {
            keepBest = v;
            return this;
        }
        /** @param v steps between evaluations @return this */
        public Builder evalEverySteps(long v) {
            evalEverySteps = v;
            return this;
        }
        /** @param v session file interval @return this */
        public Builder autosaveInterval(Duration v) {
            autosaveInterval = v;
            return this;
        }
        /** @param v heartbeat interval @return this */
        public Builder heartbeatInterval(Duration v) {
            heartbeatInterval = v;
            return this;
        }
        /** @param v steps between progress lines @return this */
        public Builder logEverySteps(long v) {
            logEverySteps = v;
            return this;
        }
        /**
         * @param name the metric that ranks checkpoints
         * @param greater whether larger is better
         * @return this
         */
        public Builder metric(String name, boolean greater) {
            metric = name;
            greaterIsBetter = greater;
            return this;
        }
        /** @param v resume mode @return this */
        public Builder resume(ResumeMode v) {
            resume = v;
            return this;
        }
        /** @param checkpointDir resume from this checkpoint @return this */
        public Builder resumeFrom(Path checkpointDir) {
            resume = ResumeMode.PATH;
            resumePath = Optional.of(checkpointDir);
            return this;
        }
        /**
         * @param path the configuration file
         * @param sha256 its SHA-256
         * @return this
         */
        public Builder config(String path, String sha256) {
            configPath = path;
            configSha256 = sha256;
            return this;
        }
        /**
         * @param name what the hash describes, e.g. {@code labels}
         * @param hash its fingerprint; a resume with a different one is refused
         * @return this
         */
        public Builder fingerprint(String name, String hash) {
            fingerprints.put(name, hash);
            return this;
        }
        /**
         * @param name what the hash describes
         * @param hash its fingerprint; a resume with a different one only warns
         * @return this
         */
        public Builder advisoryFingerprint(String name, String hash) {
            advisoryFingerprints.put(name, hash);
            return this;
        }
        /**
         * @param key a name
         * @param value what to record in checkpoint manifests
         * @return this
         */
        public Builder provenance(String key, Object value) {
            provenance.put(key, value);
            return this;
        }
        /** @param v whether to handle signals @return this */
        public Builder handleSignals(boolean v) {
            handleSignals = v;
            return this;
        }
        /** @param v failed writes in a row before stopping @return this */
        public Builder maxFailedWrites(int v) {
            maxFailedWrites = v;
            return this;
        }
        /** @param v the mirror folder or bucket @return this */
        public Builder mirror(MirrorConfig v) {
            mirror = Optional.of(v);
            return this;
        }

        /**
         * @param on whether the disk-space guard checks before starting and before every checkpoint
         * @param marginBytes what it wants free beyond the estimated size of the next checkpoint
         * @return this
         */
        public Builder diskGuard(boolean on, long marginBytes) {
            diskGuard = on;
            diskMarginBytes = marginBytes;
            return this;
        }
        /**
         * @param v what a NaN or infinite loss does
         * @param max rollbacks allowed before the run stops with {@link TrainingDivergedException}
         * @param lrFactor each rollback multiplies the learning rate by this, 0 &lt; x &lt; 1
         * @return this
         */
        public Builder onDivergence(OnDivergence v, int max, double lrFactor) {
            onDivergence = v;
            maxRollbacks = max;
            rollbackLrFactor = lrFactor;
            return this;
        }
        /**
         * @param patience evaluations in a row without improvement of the metric that end the run
         * @param minDelta the least change of the metric that counts as an improvement
         * @return this
         */
        public Builder earlyStopping(int patience, double minDelta) {
            earlyStopping = Optional.of(new EarlyStoppingConfig(patience, minDelta));
            return this;
        }
        /** @param v batches whose gradients make one optimizer step @return this */
        public Builder gradientAccumulationSteps(int v) {
            gradientAccumulationSteps = v;
            return this;
        }

        /** @return the options */
        public SessionOptions build() {
            return new SessionOptions(
                    outputDir,
                    seed,
                    epochs,
                    maxSteps,
                    checkpointEverySteps,
                    checkpointEveryInterval,
                    keepLast,
                    keepBest,
                    evalEverySteps,
                    autosaveInterval,
                    heartbeatInterval,
                    logEverySteps,
                    metric,
                    greaterIsBetter,
                    resume,
                    resumePath,
                    configPath,
                    configSha256,
                    fingerprints,
                    advisoryFingerprints,
                    provenance,
                    handleSignals,
                    maxFailedWrites,
                    diskGuard,
                    diskMarginBytes,
                    onDivergence,
                    maxRollbacks,
                    rollbackLrFactor,
                    earlyStopping,
                    gradientAccumulationSteps,
                    mirror);
        }
    }
}
