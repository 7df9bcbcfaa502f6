package org.trainguard.config;

/** How the learning rate moves after the linear warmup ({@code training.lr_schedule}). */
public enum LrSchedule {
    /** Half a cosine from the peak learning rate down to zero at the last step. */
    COSINE,
    /** A straight line from the peak learning rate down to zero at the last step. */
    LINEAR,
    /** The peak learning rate until the end. */
    CONSTANT
}
