package org.trainguard.watchdog.notify;

import java.util.Objects;

/**
 * One thing worth telling the person who watches a run.
 *
 * @param kind   what happened
 * @param run    the run's name (usually the config file's base name); blank to use
 *               {@link NotifierSettings#runName()}
 * @param step   the training step the run had reached, &ge; 0
 * @param reason why, in a few words (the exit code and its meaning, the session's failure reason); empty for none
 */
public record Event(EventKind kind, String run, long step, String reason) {

    /** Longest sentence sent; Discord rejects messages over 2000 characters. */
    static final int MAX_TEXT = 1900;

    /** Checks that nothing is missing and the step is not negative. */
    public Event {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(reason, "reason");
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, found " + step);
        }
    }

    /**
     * The event as one readable sentence, e.g.
     * {@code trainguard: run four_class failed at step 1458: data error (exit code 3)}.
     *
     * @param fallbackRun the run name used when {@link #run()} is blank
     * @return the sentence, at most 1900 characters
     */
    public String text(String fallbackRun) {
        String name = run.isBlank() ? fallbackRun : run;
        String sentence = "trainguard: run " + name + " " + kind.verb() + " at step " + step
                + (reason.isBlank() ? "" : ": " + reason.strip());
        return sentence.length() <= MAX_TEXT ? sentence : sentence.substring(0, MAX_TEXT - 3) + "...";
    }
}
