package org.trainguard.examples.demo;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Collects the intents of one language, so that catalogs read as a list of what users ask. */
final class CatalogBuilder {

    private final Language language;
    private final List<Intent> intents = new ArrayList<>();
    private final Set<String> ids = new HashSet<>();

    /**
     * Starts an empty catalog.
     *
     * @param language the language of every intent added
     */
    CatalogBuilder(Language language) {
        this.language = language;
    }

    /**
     * Adds an intent annotators agree on.
     *
     * @param id short unique name
     * @param label its label
     * @param phrasings templates in the syntax of {@link TemplateRenderer}
     * @return this
     */
    CatalogBuilder add(String id, DemoLabel label, String... phrasings) {
        return add(id, Map.of(label, 1.0), phrasings);
    }

    /**
     * Adds an intent annotators disagreed on, split between two labels.
     *
     * @param id short unique name
     * @param first the majority label
     * @param firstShare its share, between 0.5 and 1
     * @param second the other label, which takes the rest
     * @param phrasings templates in the syntax of {@link TemplateRenderer}
     * @return this
     */
    CatalogBuilder borderline(String id, DemoLabel first, double firstShare, DemoLabel second, String... phrasings) {
        Map<DemoLabel, Double> shares = new EnumMap<>(DemoLabel.class);
        shares.put(first, firstShare);
        shares.put(second, 1.0 - firstShare);
        return add(id, shares, phrasings);
    }

    private CatalogBuilder add(String id, Map<DemoLabel, Double> shares, String... phrasings) {
        if (!ids.add(id)) {
            throw new IllegalArgumentException(language + " intent id " + id + " is used twice");
        }
        intents.add(new Intent(id, language, shares, List.of(phrasings)));
        return this;
    }

    /**
     * Finishes the catalog.
     *
     * @return the intents in the order they were added
     */
    List<Intent> build() {
        return List.copyOf(intents);
    }
}
