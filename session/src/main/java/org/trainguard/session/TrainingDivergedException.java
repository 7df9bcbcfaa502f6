package org.trainguard.session;

import org.trainguard.core.ExitCode;

/** The loss became NaN or infinite: training cannot go on (exit code 4). */
public final class TrainingDivergedException extends RuntimeException implements ExitCode.Source {
    private static final long serialVersionUID = 1L;
    private final long step;

    /**
     * @param step the step whose loss was not finite
     * @param loss the loss found
     */
    public TrainingDivergedException(long step, double loss) {
        super("training diverged at step " + step + ": the loss is " + loss
                + "; lower training.learning_rate, set training.max_grad_norm, or check the data for extreme values");
        this.step = step;
    }

    /**
     * @param step the step whose loss was not finite
     * @param loss the loss found
     * @param why why the run could not roll back
     */
    public TrainingDivergedException(long step, double loss, String why) {
        super("training diverged at step " + step + ": the loss is " + loss + "; " + why);
        this.step = step;
    }

    /** @return the step whose loss was not finite */
    public long step() {
        return step;
    }

    /** @return {@link ExitCode#DIVERGED} */
    @Override
    public ExitCode exitCode() {
        return ExitCode.DIVERGED;
    }
}
