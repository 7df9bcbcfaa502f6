package org.trainguard.config;

/** What a run does when its loss becomes NaN or infinite ({@code training.on_divergence}). */
public enum OnDivergence {
    /** Stop with exit code 4. */
    STOP,
    /**
     * Go back to the newest checkpoint that verifies from before the divergence, lower the learning rate by
     * {@code training.rollback_lr_factor} and train on; stop with exit code 4 after {@code training.max_rollbacks}.
     */
    ROLLBACK
}
