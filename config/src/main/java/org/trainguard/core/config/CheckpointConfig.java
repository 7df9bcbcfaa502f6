package org.trainguard.core.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * When checkpoints are written and how many are kept ({@code checkpoint}).
 *
 * @param everySteps    optimizer steps between checkpoints, &gt; 0
 * @param everyInterval also checkpoint when this much time has passed since the last one; empty for steps only
 * @param keepLast      how many of the newest checkpoints are kept, &ge; 1
 * @param keepBest      whether the best checkpoint by {@code eval.metric} is kept as well
 * @param diskGuard     whether a run checks before starting and before every checkpoint that the next checkpoint fits
 *                      on the output folder's file system, and stops (exit 7) before a save could fail half-way
 * @param diskMarginMb  MiB the disk guard wants free beyond the estimated size of the next checkpoint, &ge; 0
 * @param mirror        where each committed checkpoint is copied and verified as well; empty for none
 */
public record CheckpointConfig(int everySteps, Optional<Duration> everyInterval, int keepLast, boolean keepBest,
                               boolean diskGuard, int diskMarginMb, Optional<MirrorConfig> mirror) {

    /** The default of {@code checkpoint.disk_margin_mb}. */
    public static final int DEFAULT_DISK_MARGIN_MB = 64;

    /** Checks every range; a {@link ConfigException} names the key and the value. */
    public CheckpointConfig {
        Checks.positive("checkpoint.every_steps", everySteps);
        Checks.notNull("checkpoint.every_interval", everyInterval)
                .ifPresent(interval -> Checks.positive("checkpoint.every_interval", interval));
        Checks.positive("checkpoint.keep_last", keepLast);
        Checks.between("checkpoint.disk_margin_mb", diskMarginMb, 0, 1 << 30);
        Checks.notNull("checkpoint.mirror", mirror);
    }

    /**
     * The settings without a mirror.
     *
     * @param everySteps    optimizer steps between checkpoints
     * @param everyInterval also checkpoint after this much time
     * @param keepLast      how many of the newest checkpoints are kept
     * @param keepBest      whether the best checkpoint is kept as well
     * @param diskGuard     whether the disk guard checks
     * @param diskMarginMb  MiB the disk guard wants free beyond the estimate
     */
    public CheckpointConfig(int everySteps, Optional<Duration> everyInterval, int keepLast, boolean keepBest, boolean diskGuard,
                            int diskMarginMb) {
        this(everySteps, everyInterval, keepLast, keepBest, diskGuard, diskMarginMb, Optional.empty());
    }

    /**
     * The settings with a mirror, the disk guard on and its default margin.
     *
     * @param everySteps    optimizer steps between checkpoints
     * @param everyInterval also checkpoint after this much time
     * @param keepLast      how many of the newest checkpoints are kept
     * @param keepBest      whether the best checkpoint is kept as well
     * @param mirror        where each committed checkpoint is copied as well
     */
    public CheckpointConfig(int everySteps, Optional<Duration> everyInterval, int keepLast, boolean keepBest,
                            Optional<MirrorConfig> mirror) {
        this(everySteps, everyInterval, keepLast, keepBest, true, DEFAULT_DISK_MARGIN_MB, mirror);
    }

    /**
     * The settings with the disk guard on and its default margin.
     *
     * @param everySteps    optimizer steps between checkpoints
     * @param everyInterval also checkpoint after this much time
     * @param keepLast      how many of the newest checkpoints are kept
     * @param keepBest      whether the best checkpoint is kept as well
     */
    public CheckpointConfig(int everySteps, Optional<Duration> everyInterval, int keepLast, boolean keepBest) {
        this(everySteps, everyInterval, keepLast, keepBest, true, DEFAULT_DISK_MARGIN_MB, Optional.empty());
    }

    /**
     * The documented defaults: every 1458 steps, no time trigger, keep the newest 5 and the best.
     *
     * @return the default checkpoint settings
     */
    public static CheckpointConfig defaults() {
        return new CheckpointConfig(1458, Optional.empty(), 5, true);
    }

    Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("every_steps", everySteps);
        map.put("every_interval", everyInterval.map(Durations::format).orElse(null));
        map.put("keep_last", keepLast);
        map.put("keep_best", keepBest);
        map.put("disk_guard", diskGuard);
        map.put("disk_margin_mb", diskMarginMb);
        // absent rather than null, so the canonical text (and its hash) of configurations without a mirror is unchanged
        mirror.ifPresent(m -> map.put("mirror", m.toMap()));
        return map;
    }
}
