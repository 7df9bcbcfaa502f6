package org.trainguard.config;

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
public record CheckpointConfig(
        int everySteps,
        Optional<Duration> everyInterval,
        int keepLast,
        boolean keepBest,
        boolean diskGuard,
        int diskMarginMb,
        Optional<MirrorConfig> mirror) {

    static final String SECTION = "checkpoint";
    /** {@code checkpoint.every_steps}; its default is also the default of {@code eval.every_steps}. */
    public static final Key<Integer> EVERY_STEPS =
            Key.integer(SECTION, "every_steps", 1458).checked(Checks::positive);
    /** {@code checkpoint.every_interval}: none by default. */
    public static final Key<Duration> EVERY_INTERVAL =
            Key.duration(SECTION, "every_interval", null).checked(Checks::positive);
    /** {@code checkpoint.keep_last}. */
    public static final Key<Integer> KEEP_LAST =
            Key.integer(SECTION, "keep_last", 5).checked(Checks::positive);
    /** {@code checkpoint.keep_best}. */
    public static final Key<Boolean> KEEP_BEST = Key.bool(SECTION, "keep_best", true);
    /** {@code checkpoint.disk_guard}. */
    public static final Key<Boolean> DISK_GUARD = Key.bool(SECTION, "disk_guard", true);
    /** {@code checkpoint.disk_margin_mb}. */
    public static final Key<Integer> DISK_MARGIN_MB =
            Key.integer(SECTION, "disk_margin_mb", 64).checked((key, value) -> Checks.between(key, value, 0, 1 << 30));
    /** {@code checkpoint.mirror}: none by default. */
    public static final Key<Void> MIRROR = Key.section(SECTION, "mirror").documented("none");

    static final Keys KEYS =
            Keys.of(SECTION, EVERY_STEPS, EVERY_INTERVAL, KEEP_LAST, KEEP_BEST, DISK_GUARD, DISK_MARGIN_MB, MIRROR);

    /** The default of {@code checkpoint.disk_margin_mb}. */
    public static final int DEFAULT_DISK_MARGIN_MB = DISK_MARGIN_MB.fallback();

    /** Checks every range; a {@link ConfigException} names the key and the value. */
    public CheckpointConfig {
        EVERY_STEPS.check(everySteps);
        EVERY_INTERVAL.checkPresent(everyInterval);
        KEEP_LAST.check(keepLast);
        DISK_MARGIN_MB.check(diskMarginMb);
        Checks.notNull(MIRROR.path(), mirror);
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
    public CheckpointConfig(
            int everySteps,
            Optional<Duration> everyInterval,
            int keepLast,
            boolean keepBest,
            boolean diskGuard,
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
    public CheckpointConfig(
            int everySteps,
            Optional<Duration> everyInterval,
            int keepLast,
            boolean keepBest,
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
        return new CheckpointConfig(
                EVERY_STEPS.fallback(),
                Optional.empty(),
                KEEP_LAST.fallback(),
                KEEP_BEST.fallback(),
                DISK_GUARD.fallback(),
                DISK_MARGIN_MB.fallback());
    }

    static CheckpointConfig read(YamlSection section) {
        return new CheckpointConfig(
                section.get(EVERY_STEPS),
                section.optional(EVERY_INTERVAL),
                section.get(KEEP_LAST),
                section.get(KEEP_BEST),
                section.get(DISK_GUARD),
                section.get(DISK_MARGIN_MB),
                MirrorConfig.read(section));
    }

    Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        EVERY_STEPS.put(map, everySteps);
        EVERY_INTERVAL.put(map, everyInterval.orElse(null));
        KEEP_LAST.put(map, keepLast);
        KEEP_BEST.put(map, keepBest);
        DISK_GUARD.put(map, diskGuard);
        DISK_MARGIN_MB.put(map, diskMarginMb);
        // absent rather than null, so the canonical text (and its hash) of configurations without a mirror is unchanged
        mirror.ifPresent(m -> map.put(MIRROR.name(), m.toMap()));
        return map;
    }
}
