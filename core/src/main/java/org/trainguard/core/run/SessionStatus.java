package org.trainguard.core.run;

/** Where a training run stands, as recorded in {@code training_session.json}. */
public enum SessionStatus {
    /** The trainer is loading data and building or restoring the model. */
    STARTING,
    /** Training steps are running. */
    RUNNING,
    /** A checkpoint is being written. */
    CHECKPOINTING,
    /** The model is being evaluated. */
    EVALUATING,
    /** Stopped by a signal after the emergency checkpoint; resumable. */
    INTERRUPTED,
    /** Stopped by an error; see {@code exit}. */
    FAILED,
    /** All steps done; {@code final/} holds the model. */
    COMPLETED;

    /** @return whether a trainer process should be alive while the file says this */
    public boolean live() {
        return this == STARTING || this == RUNNING || this == CHECKPOINTING || this == EVALUATING;
    }
}
