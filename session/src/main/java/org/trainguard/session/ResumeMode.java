package org.trainguard.session;

/** How a run starts when its output folder already holds checkpoints. */
public enum ResumeMode {
    /** Resume from the newest checkpoint that verifies, if there is one. */
    AUTO,
    /** Start from scratch; an earlier run in the folder is archived, not deleted. */
    NEVER,
    /** Resume from the checkpoint folder given by {@link SessionOptions#resumePath()}. */
    PATH
}
