package org.trainguard.config;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The keys of one section, in the documented order: what a config file may write there.
 *
 * @param section the full dotted name of the section, e.g. {@code checkpoint.mirror}; empty for the top
 * @param keys    the keys, each declared once in its record
 */
public record Keys(String section, List<Key<?>> keys) {

    /** Copies the list. */
    public Keys {
        keys = List.copyOf(keys);
    }

    static Keys of(String section, Key<?>... keys) {
        return new Keys(section, List.of(keys));
    }

    /** @return the names of the keys, in order */
    public Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        keys.forEach(key -> names.add(key.name()));
        return names;
    }

    /** @return the section's own name, the last part of {@link #section()} */
    String name() {
        return section.substring(section.lastIndexOf('.') + 1);
    }
}
