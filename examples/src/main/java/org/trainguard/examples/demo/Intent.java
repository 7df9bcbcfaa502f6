package org.trainguard.examples.demo;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One thing a user wants, with the phrasings people use to ask for it and the label annotators give it.
 *
 * <p>Most intents have one label. A borderline intent (a medication limit, lock picking when locked
 * out, "be my girlfriend") carries the shares by which annotators disagreed about it; a row drawn
 * from it takes one of those labels. That disagreement is what keeps the task from being perfectly
 * learnable, as real moderation data is not.
 *
 * @param id short name, unique within a language, used in error messages and tests
 * @param language the language of every phrasing
 * @param labelShares label to share of rows; shares are positive and add up to 1
 * @param phrasings templates in the syntax of {@link TemplateRenderer}
 */
record Intent(String id, Language language, Map<DemoLabel, Double> labelShares, List<String> phrasings) {

    Intent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(language, "language");
        if (phrasings.isEmpty()) {
            throw new IllegalArgumentException("intent " + id + " has no phrasings");
        }
        // EnumMap: the label order is fixed, so sampling never depends on hash order
        labelShares = new EnumMap<>(labelShares);
        double total = 0;
        for (Map.Entry<DemoLabel, Double> e : labelShares.entrySet()) {
            if (!(e.getValue() > 0)) {
                throw new IllegalArgumentException(
                        "intent " + id + " share of " + e.getKey() + " must be > 0, found " + e.getValue());
            }
            total += e.getValue();
        }
        if (Math.abs(total - 1.0) > 1e-9) {
            throw new IllegalArgumentException("intent " + id + " label shares must add up to 1, found " + total);
        }
        phrasings = List.copyOf(phrasings);
    }

    /**
     * How often annotators gave this intent the label.
     *
     * @param label the label asked about
     * @return the share, 0 when the intent never carries that label
     */
    double share(DemoLabel label) {
        return labelShares.getOrDefault(label, 0.0);
    }

    /**
     * Whether annotators disagreed about this intent.
     *
     * @return true when more than one label is possible
     */
    boolean borderline() {
        return labelShares.size() > 1;
    }
}
