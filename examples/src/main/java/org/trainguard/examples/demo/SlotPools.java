package org.trainguard.examples.demo;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Named fillers for the {@code {slot}} placeholders of phrasings: lists of objects, places, times,
 * products, names, or small generators for numbers and amounts.
 */
final class SlotPools {

    /** Produces one filler; the value may itself hold template syntax. */
    @FunctionalInterface
    interface Slot {
        /**
         * Picks or makes a filler.
         *
         * @param rng the generator's random source
         * @return the filler text
         */
        String fill(SplittableRandom rng);
    }

    // looked up by name only, never iterated, so hash order cannot leak into the output
    private final Map<String, Slot> slots = new HashMap<>();

    /**
     * Adds a pool that picks uniformly from fixed values.
     *
     * @param name the placeholder name, without braces
     * @param values the fillers; may hold template syntax
     * @return this
     */
    SlotPools values(String name, String... values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("slot {" + name + "} has no values");
        }
        List<String> copy = List.of(values);
        return generated(name, rng -> copy.get(rng.nextInt(copy.size())));
    }

    /**
     * Adds a pool computed on each use.
     *
     * @param name the placeholder name, without braces
     * @param slot makes a filler
     * @return this
     */
    SlotPools generated(String name, Slot slot) {
        if (slots.putIfAbsent(name, slot) != null) {
            throw new IllegalArgumentException("slot {" + name + "} is defined twice");
        }
        return this;
    }

    /**
     * Finds a pool by name.
     *
     * @param name the placeholder name, without braces
     * @return the pool, empty when none has that name
     */
    Optional<Slot> find(String name) {
        return Optional.ofNullable(slots.get(name));
    }
}
