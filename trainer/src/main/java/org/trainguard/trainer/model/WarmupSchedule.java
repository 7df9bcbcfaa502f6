package org.trainguard.trainer.model;

import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * The learning rate schedule of the run this project replaces: a linear warm-up from 0 over the
 * first {@code warmupSteps}, then cosine or linear decay to 0 at {@code totalSteps}, or constant.
 * A pure function of the iteration, so a resumed run continues on the same curve.
 */
public final class WarmupSchedule implements ISchedule {
    private static final long serialVersionUID = 1L;

    /** The shape after warm-up. */
    public enum Shape {
        /** Half a cosine down to 0. */
        COSINE,
        /** A straight line down to 0. */
        LINEAR,
        /** The peak value to the end. */
        CONSTANT
    }

    private final Shape shape;
    private final double peak;
    private final long warmupSteps;
    private final long totalSteps;

    /**
     * @param shape the shape after warm-up
     * @param peak the learning rate at the end of warm-up
     * @param warmupSteps steps of linear warm-up
     * @param totalSteps steps of the whole run
     */
    public WarmupSchedule(
            @JsonProperty("shape") Shape shape,
            @JsonProperty("peak") double peak,
            @JsonProperty("warmupSteps") long warmupSteps,
            @JsonProperty("totalSteps") long totalSteps) {
        this.shape = shape;
        this.peak = peak;
        this.warmupSteps = warmupSteps;
        this.totalSteps = Math.max(1, totalSteps);
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        // Iteration i is the (i+1)-th update, as in Hugging Face's schedulers stepping after each update.
        long step = iteration;
        if (step < warmupSteps) {
            return peak * (step + 1) / (double) (warmupSteps + 1);
        }
        if (shape == Shape.CONSTANT) {
            return peak;
        }
        double progress = Math.min(1.0, (step - warmupSteps) / (double) Math.max(1, totalSteps - warmupSteps));
        return shape == Shape.COSINE ? peak * 0.5 * (1 + Math.cos(Math.PI * progress)) : peak * (1 - progress);
    }

    @Override
    public ISchedule clone() {
        return new WarmupSchedule(shape, peak, warmupSteps, totalSteps);
    }

    /** @return the shape */
    @JsonProperty("shape")
    public Shape getShape() {
        return shape;
    }

    /** @return the peak learning rate */
    @JsonProperty("peak")
    public double getPeak() {
        return peak;
    }

    /** @return warm-up steps */
    @JsonProperty("warmupSteps")
    public long getWarmupSteps() {
        return warmupSteps;
    }

    /** @return steps of the run */
    @JsonProperty("totalSteps")
    public long getTotalSteps() {
        return totalSteps;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WarmupSchedule w
                && w.shape == shape
                && w.peak == peak
                && w.warmupSteps == warmupSteps
                && w.totalSteps == totalSteps;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(shape, peak, warmupSteps, totalSteps);
    }
}
