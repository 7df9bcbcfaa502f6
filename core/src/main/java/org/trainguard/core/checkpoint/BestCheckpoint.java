package org.trainguard.core.checkpoint;

import org.trainguard.core.run.RunLayout;

/**
 * The content of {@code checkpoints/best.json}: which checkpoint is best, by which metric.
 *
 * @param metric the metric, e.g. {@code f1_macro}
 * @param value its value at that checkpoint
 * @param step the checkpoint's step
 * @param path the checkpoint's folder name
 * @param greaterIsBetter whether a larger value is better
 */
public record BestCheckpoint(String metric, double value, long step, String path, boolean greaterIsBetter) {

    /** The file name inside the checkpoints folder. */
    public static final String FILE_NAME = RunLayout.BEST;

    /**
     * @param candidate a new value
     * @return whether {@code candidate} is better than this one
     */
    public boolean improvedBy(double candidate) {
        if (Double.isNaN(candidate)) {
            return false;
        }
        return greaterIsBetter ? candidate > value : candidate < value;
    }
}
