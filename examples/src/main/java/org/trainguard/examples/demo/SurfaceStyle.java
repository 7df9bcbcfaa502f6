package org.trainguard.examples.demo;

import java.util.SplittableRandom;

/**
 * The habits of people typing into a chat box, applied on top of a rendered phrasing: greetings,
 * thanks, side remarks, dropped punctuation, casing and typos. They carry no label signal on purpose,
 * so a classifier must learn from what is asked, not from how politely.
 */
interface SurfaceStyle {

    /**
     * Dresses a rendered request the way a user might have typed it.
     *
     * @param request the rendered phrasing
     * @param rng the random source; the same state gives the same text
     * @return the text as written to the data file
     */
    String apply(String request, SplittableRandom rng);

    /**
     * Picks one of several values uniformly.
     *
     * @param rng the random source
     * @param values the candidates, at least one
     * @return the chosen value
     */
    static String pick(SplittableRandom rng, String[] values) {
        return values[rng.nextInt(values.length)];
    }
}
