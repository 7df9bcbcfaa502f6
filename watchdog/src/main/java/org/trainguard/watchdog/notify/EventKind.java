package org.trainguard.watchdog.notify;

import java.util.Locale;

/** What happened to a supervised run, as told to the person watching it by sound and webhook. */
public enum EventKind {
    /** The watchdog started the trainer for a run with no checkpoint yet. */
    STARTED("started"),
    /** The watchdog started the trainer on a run that continues from a checkpoint. */
    RESUMED("resumed"),
    /** The trainer ended abnormally and the watchdog started it again. */
    RESTARTED("was restarted"),
    /** The trainer is alive but made no progress for the hang timeout. */
    HUNG("hung"),
    /** The run finished all its steps. */
    COMPLETED("completed"),
    /** The run ended in a way that is not restarted (configuration, data, divergence, crash loop). */
    FAILED("failed"),
    /** The run was stopped on purpose and will not be restarted until someone starts it again. */
    STOPPED("was stopped");

    private final String verb;

    EventKind(String verb) {
        this.verb = verb;
    }

    /**
     * The word used in the webhook's {@code event} field.
     *
     * @return the name in lower case, e.g. {@code failed}
     */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The verb for the sentence "run four_class ... at step 1458".
     *
     * @return e.g. {@code failed} or {@code was restarted}
     */
    public String verb() {
        return verb;
    }
}
