package org.trainguard.session;

import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * A learning-rate schedule multiplied by a constant: what a rollback of a diverged run does to the run's own
 * schedule ({@code training.rollback_lr_factor}). A pure function of the iteration, as the schedule it wraps.
 */
public final class ScaledSchedule implements ISchedule {
    private static final long serialVersionUID = 1L;

    private final ISchedule base;
    private final double factor;

    /**
     * @param base the schedule to scale
     * @param factor what its values are multiplied by
     */
    public ScaledSchedule(@JsonProperty("base") ISchedule base, @JsonProperty("factor") double factor) {
        this.base = base;
        this.factor = factor;
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        return base.valueAt(iteration, epoch) * factor;
    }

    @Override
    public ISchedule clone() {
        return new ScaledSchedule(base.clone(), factor);
    }

    /** @return the schedule that is scaled */
    @JsonProperty("base")
    public ISchedule getBase() {
        return base;
    }

    /** @return the factor */
    @JsonProperty("factor")
    public double getFactor() {
        return factor;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScaledSchedule s && s.base.equals(base) && s.factor == factor;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(base, factor);
    }
}
