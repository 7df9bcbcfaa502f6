package org.trainguard.config;

/** The training loss ({@code loss.type}). */
public enum LossType {
    /** Class-weighted cross entropy. */
    CROSS_ENTROPY,
    /** Class-weighted focal loss, which down-weights examples the model already gets right ({@code focal_gamma}). */
    FOCAL
}
