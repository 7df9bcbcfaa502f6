package org.trainguard.examples.demo;

/**
 * The four decisions of the demo safety gate, in the order the trainer lists them.
 * The names are written to the data files as they are.
 */
public enum DemoLabel {
    /** A benign request the assistant simply answers. */
    ALLOW(0.40),
    /** A legitimate but sensitive request that a person should handle: health, law, money, safety. */
    ESCALATION(0.20),
    /** A request for clearly harmful help: malware, fraud, weapons, harassment, privacy violations. */
    DENY(0.20),
    /** A request the assistant declines by policy: jailbreaks, prompt injection, impersonation, explicit content. */
    REFUSE(0.20);

    private final double share;

    DemoLabel(double share) {
        this.share = share;
    }

    /**
     * The share of generated rows that carry this label.
     *
     * @return a fraction between 0 and 1; the four shares add up to 1
     */
    public double share() {
        return share;
    }
}
