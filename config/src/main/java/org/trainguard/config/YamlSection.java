package org.trainguard.config;

import static org.trainguard.config.YamlNodes.found;
import static org.trainguard.config.YamlNodes.isNull;
import static org.trainguard.config.YamlNodes.line;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One mapping of the YAML node tree, read key by key into Java values (by {@link YamlValues}). Errors name the full
 * dotted key; the line of every key read is recorded in the shared {@link Lines} so that errors raised later, by the
 * records' own checks, can be placed in the file too.
 */
final class YamlSection {

    /** Guards against merge keys that refer back to themselves. */
    private static final int MAX_MERGE_DEPTH = 32;

    /** Where keys are in the file, by full dotted key, and what relative paths resolve against. */
    static final class Lines {
        private final Path file;
        private final Path baseDir;
        private final Map<String, Integer> byKey = new HashMap<>();

        Lines(Path file, Path baseDir) {
            this.file = file;
            this.baseDir = baseDir;
        }

        void record(String key, Node node) {
            byKey.putIfAbsent(key, line(node));
        }

        /** The line of {@code key}, else of the nearest enclosing key that is in the file; 0 when none is. */
        int lineOf(String key) {
            String current = key;
            while (!current.isEmpty()) {
                Integer line = byKey.get(current);
                if (line != null) {
                    return line;
                }
                int cut = current.endsWith("]") ? current.lastIndexOf('[') : current.lastIndexOf('.');
                current = cut < 0 ? "" : current.substring(0, cut);
            }
            return 0;
        }

        ConfigException error(Node node, String key, String problem) {
            return ConfigException.located(file, line(node), key, problem, null);
        }

        Path file() {
            return file;
        }

        Path baseDir() {
            return baseDir;
        }
    }

    /** A key of a mapping and its value. */
    record Entry(ScalarNode key, Node value) {}

    private final String path;
    private final Lines lines;
    private final Map<String, Entry> entries;
    private final YamlValues values;

    /** Whether this section is written in its parent, even as {@code null} or empty. */
    private boolean written;

    private YamlSection(String path, Lines lines, Map<String, Entry> entries) {
        this.path = path;
        this.lines = lines;
        this.entries = entries;
        this.values = new YamlValues(lines);
        entries.forEach((name, entry) -> lines.record(key(name), entry.key()));
    }

    /**
     * The top of the document, which must be a mapping whose keys are all in {@code allowed}.
     */
    static YamlSection root(Node node, Lines lines, Keys keys) {
        Set<String> allowed = keys.names();
        if (!(node instanceof MappingNode mapping)) {
            throw lines.error(
                    node,
                    "",
                    "the configuration must be a map of sections (" + String.join(", ", allowed) + "), found "
                            + found(node));
        }
        YamlSection root = new YamlSection("", lines, entries(mapping, "", lines, 0));
        root.rejectUnknownKeys(allowed);
        return root;
    }

    /** The sub-section of {@code keys}; absent or null reads as an empty section, so every key takes its default. */
    YamlSection section(Keys keys) {
        return section(keys.name(), keys.names());
    }

    /** The sub-section {@code name}; absent or null reads as an empty section, so every key takes its default. */
    YamlSection section(String name, Set<String> allowed) {
        YamlSection section = new YamlSection(
                key(name),
                lines,
                present(name)
                        .map(node -> {
                            if (!(node instanceof MappingNode mapping)) {
                                throw values.mismatch(key(name), node, "a map of keys");
                            }
                            return entries(mapping, key(name), lines, 0);
                        })
                        .orElseGet(LinkedHashMap::new));
        section.rejectUnknownKeys(allowed);
        section.written = has(name);
        return section;
    }

    private void rejectUnknownKeys(Set<String> allowed) {
        for (Map.Entry<String, Entry> entry : entries.entrySet()) {
            String name = entry.getKey();
            if (!allowed.contains(name)) {
                String prefix = path.isEmpty() ? "" : path + ".";
                throw lines.error(
                        entry.getValue().key(),
                        key(name),
                        "unknown key " + key(name) + Suggestions.didYouMean(name, allowed, prefix));
            }
        }
    }

    /**
     * The entries of a mapping by key name, with YAML merge keys ({@code <<: *defaults}) expanded: keys written
     * in the mapping win over merged ones, and earlier merged mappings over later ones.
     */
    static Map<String, Entry> entries(MappingNode mapping, String path, Lines lines, int depth) {
        if (depth > MAX_MERGE_DEPTH) {
            throw lines.error(
                    mapping,
                    path,
                    (path.isEmpty() ? "the configuration" : path)
                            + " nests merge keys (<<) too deeply; does a merge refer back to itself?");
        }
        Map<String, Entry> explicit = new LinkedHashMap<>();
        List<MappingNode> merged = new ArrayList<>();
        for (NodeTuple tuple : mapping.getValue()) {
            Node keyNode = tuple.getKeyNode();
            Node valueNode = tuple.getValueNode();
            if (Tag.MERGE.equals(keyNode.getTag())) {
                merged.addAll(mergedMappings(valueNode, path, lines));
                continue;
            }
            if (!(keyNode instanceof ScalarNode scalarKey)) {
                throw lines.error(
                        keyNode,
                        path,
                        (path.isEmpty() ? "keys" : "keys of " + path) + " must be plain names, found "
                                + found(keyNode));
            }
            String name = scalarKey.getValue();
            String fullKey = path.isEmpty() ? name : path + "." + name;
            Entry earlier = explicit.get(name);
            if (earlier != null) {
                throw lines.error(
                        keyNode, fullKey, "duplicate key " + fullKey + " (first on line " + line(earlier.key()) + ")");
            }
            explicit.put(name, new Entry(scalarKey, valueNode));
        }
        Map<String, Entry> all = new LinkedHashMap<>(explicit);
        for (MappingNode source : merged) {
            entries(source, path, lines, depth + 1).forEach(all::putIfAbsent);
        }
        return all;
    }

    private static List<MappingNode> mergedMappings(Node value, String path, Lines lines) {
        if (value instanceof MappingNode mapping) {
            return List.of(mapping);
        }
        if (value instanceof SequenceNode sequence) {
            List<MappingNode> mappings = new ArrayList<>();
            for (Node item : sequence.getValue()) {
                if (!(item instanceof MappingNode mapping)) {
                    throw lines.error(item, path, "a merge key (<<) must refer to maps, found " + found(item));
                }
                mappings.add(mapping);
            }
            return mappings;
        }
        throw lines.error(value, path, "a merge key (<<) must refer to a map or a list of maps, found " + found(value));
    }

    // ---- presence -------------------------------------------------------------------------------------------

    /** @return whether this section is written in its parent, even as {@code null} or as an empty map */
    boolean isWritten() {
        return written;
    }

    /** Whether {@code name} is written in this section, even as {@code null}. */
    boolean has(String name) {
        return entries.containsKey(name);
    }

    /** The value of {@code name} unless it is absent or {@code null}. */
    Optional<Node> present(String name) {
        Entry entry = entries.get(name);
        return entry == null || isNull(entry.value()) ? Optional.empty() : Optional.of(entry.value());
    }

    /** The value of {@code name}, {@code null} included, or empty when the key is absent. */
    private Optional<Node> written(String name) {
        Entry entry = entries.get(name);
        return entry == null ? Optional.empty() : Optional.of(entry.value());
    }

    String key(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    // ---- values ---------------------------------------------------------------------------------------------

    /** The value of {@code key}, or its default when absent; {@code null} is an error. */
    <T> T get(Key<T> key) {
        return get(key, key.fallback());
    }

    /** The value of {@code key}, or {@code fallback} when absent; {@code null} is an error. */
    <T> T get(Key<T> key, T fallback) {
        return written(key.name()).map(node -> key.convert(this, node)).orElse(fallback);
    }

    /** The value of {@code key}, empty when it is absent or {@code null}. */
    <T> Optional<T> optional(Key<T> key) {
        return present(key.name()).map(node -> key.convert(this, node));
    }

    /** Whether {@code key} is written in this section, even as {@code null}. */
    boolean has(Key<?> key) {
        return has(key.name());
    }

    /** @return the typed readers of this section's values */
    YamlValues values() {
        return values;
    }
}
