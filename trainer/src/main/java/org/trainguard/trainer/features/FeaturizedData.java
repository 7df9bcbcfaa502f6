package org.trainguard.trainer.features;

import java.util.Objects;

/**
 * Feature ids and label indices of a data set, ready to batch.
 *
 * <p>The arrays are shared, not copied (a few hundred thousand texts of a few hundred ids each);
 * treat them as read-only.
 */
public final class FeaturizedData {

    private final int[][] ids;
    private final int[] labels;
    private final boolean fromCache;

    /**
     * Wraps featurised examples.
     *
     * @param ids       ids per example, each non-empty
     * @param labels    label index per example
     * @param fromCache whether the ids were read from a feature cache rather than computed
     */
    public FeaturizedData(int[][] ids, int[] labels, boolean fromCache) {
        this.ids = Objects.requireNonNull(ids, "ids");
        this.labels = Objects.requireNonNull(labels, "labels");
        if (ids.length != labels.length) {
            throw new IllegalArgumentException("ids for " + ids.length + " examples but labels for " + labels.length);
        }
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == null || ids[i].length == 0) {
                throw new IllegalArgumentException("example " + i + " has no feature ids");
            }
        }
        this.fromCache = fromCache;
    }

    /** Number of examples. */
    public int size() {
        return ids.length;
    }

    /**
     * Feature ids of one example.
     *
     * @param example index of the example
     * @return its ids (shared array)
     */
    public int[] ids(int example) {
        return ids[example];
    }

    /**
     * Label index of one example.
     *
     * @param example index of the example
     * @return its label index
     */
    public int label(int example) {
        return labels[example];
    }

    /** All ids, one array per example (shared). */
    public int[][] ids() {
        return ids;
    }

    /** All label indices (shared). */
    public int[] labels() {
        return labels;
    }

    /** Whether these ids were read from the feature cache. */
    public boolean fromCache() {
        return fromCache;
    }

    /** Most ids any example has; the width a padded batch needs. */
    public int longest() {
        int longest = 0;
        for (int[] example : ids) {
            longest = Math.max(longest, example.length);
        }
        return longest;
    }

    /** Total number of ids over all examples. */
    public long totalIds() {
        long total = 0;
        for (int[] example : ids) {
            total += example.length;
        }
        return total;
    }
}
