package org.trainguard.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One mapping of the YAML node tree, read key by key into Java values. Errors name the full dotted key; the line
 * of every key read is recorded in the shared {@link Lines} so that errors raised later, by the records'
 * own checks, can be placed in the file too.
 */
final class YamlSection {

    private static final Pattern INTEGER = Pattern.compile("[-+]?\\d+");
    private static final Pattern DECIMAL = Pattern.compile("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?");
    private static final Set<String> TRUE = Set.of("true", "yes", "on");
    private static final Set<String> FALSE = Set.of("false", "no", "off");
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

    private record Entry(ScalarNode key, Node value) {}

    private final String path;
    private final Lines lines;
    private final Map<String, Entry> entries;

    /** Whether this section is written in its parent, even as {@code null} or empty. */
    private boolean written;

    private YamlSection(String path, Lines lines, Map<String, Entry> entries) {
        this.path = path;
        this.lines = lines;
        this.entries = entries;
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
                                throw typeError(name, node, "a map of keys");
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
    private static Map<String, Entry> entries(MappingNode mapping, String path, Lines lines, int depth) {
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

    /** A map from names to strings; entry lines are recorded as {@code key.name}. */
    Map<String, String> toStringMap(String fullKey, Node node) {
        Map<String, String> values = new LinkedHashMap<>();
        mapEntries(fullKey, node)
                .forEach((entryName, entry) -> values.put(entryName, toText(fullKey + "." + entryName, entry.value())));
        return values;
    }

    /** A map from names to numbers; entry lines are recorded as {@code key.name}. */
    Map<String, Double> toNumberMap(String fullKey, Node node) {
        Map<String, Double> values = new LinkedHashMap<>();
        mapEntries(fullKey, node)
                .forEach((entryName, entry) ->
                        values.put(entryName, toDouble(fullKey + "." + entryName, entry.value())));
        return values;
    }

    private Map<String, Entry> mapEntries(String fullKey, Node node) {
        if (!(node instanceof MappingNode mapping)) {
            throw mismatch(fullKey, node, "a map");
        }
        Map<String, Entry> map = entries(mapping, fullKey, lines, 0);
        map.forEach((entryName, entry) -> lines.record(fullKey + "." + entryName, entry.key()));
        return map;
    }

    // ---- conversions ----------------------------------------------------------------------------------------

    private ConfigException typeError(String name, Node node, String expected) {
        return mismatch(key(name), node, expected);
    }

    private ConfigException mismatch(String fullKey, Node node, String expected) {
        return lines.error(node, fullKey, fullKey + " must be " + expected + ", found " + found(node));
    }

    long toLong(String fullKey, Node node) {
        String text = scalarText(node).map(t -> t.strip().replace("_", "")).orElse("");
        if (!INTEGER.matcher(text).matches()) {
            throw mismatch(fullKey, node, "an integer");
        }
        try {
            return Long.parseLong(text.startsWith("+") ? text.substring(1) : text);
        } catch (NumberFormatException tooLarge) {
            throw lines.error(node, fullKey, fullKey + " is too large, found " + found(node));
        }
    }

    int toInt(String fullKey, Node node) {
        long value = toLong(fullKey, node);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw lines.error(node, fullKey, fullKey + " is too large, found " + found(node));
        }
        return (int) value;
    }

    /** Accepts YAML ints and floats and also strings that read as numbers, since YAML 1.1 reads 1e-4 as a string. */
    double toDouble(String fullKey, Node node) {
        String text = scalarText(node).map(t -> t.strip().replace("_", "")).orElse("");
        if (DECIMAL.matcher(text).matches()) {
            return Double.parseDouble(text);
        }
        switch (text.toLowerCase(Locale.ROOT)) {
            case ".inf", "+.inf" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-.inf" -> {
                return Double.NEGATIVE_INFINITY;
            }
            case ".nan" -> {
                return Double.NaN;
            }
            default -> throw mismatch(fullKey, node, "a number");
        }
    }

    boolean toBoolean(String fullKey, Node node) {
        String text =
                scalarText(node).map(t -> t.strip().toLowerCase(Locale.ROOT)).orElse("");
        if (TRUE.contains(text)) {
            return true;
        }
        if (FALSE.contains(text)) {
            return false;
        }
        throw mismatch(fullKey, node, "true or false");
    }

    String toText(String fullKey, Node node) {
        if (isNull(node)) {
            throw mismatch(fullKey, node, "a string");
        }
        return scalarText(node).orElseThrow(() -> mismatch(fullKey, node, "a string"));
    }

    <E extends Enum<E>> E toChoice(String fullKey, Node node, Class<E> type) {
        String text = scalarText(node).map(String::strip).orElse("");
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(text)) {
                return constant;
            }
        }
        throw mismatch(fullKey, node, "one of " + Checks.oneOf(List.of(type.getEnumConstants())));
    }

    String toName(String fullKey, Node node, List<String> names) {
        String text = scalarText(node).map(String::strip).orElse("");
        return names.stream()
                .filter(name -> name.equalsIgnoreCase(text))
                .findFirst()
                .orElseThrow(() -> mismatch(fullKey, node, "one of " + String.join(", ", names)));
    }

    Duration toDuration(String fullKey, Node node) {
        ScalarNode scalar = scalar(node).orElseThrow(() -> mismatch(fullKey, node, "a duration like 30s or 5m"));
        String text = scalar.getValue().strip();
        if (scalar.isPlain() && INTEGER.matcher(text).matches()) {
            try {
                // A bare number is seconds; passing it as a number keeps "found -5" unquoted in errors.
                return Durations.parse(fullKey, Long.parseLong(text.startsWith("+") ? text.substring(1) : text));
            } catch (NumberFormatException tooLarge) {
                throw lines.error(
                        node,
                        fullKey,
                        fullKey + " must be at most " + Durations.format(Durations.MAX) + ", found " + text);
            }
        }
        if (isNull(node)) {
            throw mismatch(fullKey, node, "a duration like 30s or 5m");
        }
        return Durations.parse(fullKey, text);
    }

    Path toPath(String fullKey, Node node) {
        String text = scalarText(node)
                .filter(t -> !isNull(node) && !t.isBlank())
                .orElseThrow(() -> mismatch(fullKey, node, "a path"));
        try {
            return lines.baseDir().resolve(text.strip()).toAbsolutePath().normalize();
        } catch (InvalidPathException invalid) {
            throw lines.error(
                    node,
                    fullKey,
                    fullKey + " is not a valid path (" + invalid.getReason() + "), found " + found(node));
        }
    }

    List<String> toStrings(String fullKey, Node node) {
        if (!(node instanceof SequenceNode sequence)) {
            throw mismatch(fullKey, node, "a list");
        }
        List<String> values = new ArrayList<>();
        List<Node> items = sequence.getValue();
        for (int i = 0; i < items.size(); i++) {
            String itemKey = fullKey + "[" + i + "]";
            lines.record(itemKey, items.get(i));
            values.add(toText(itemKey, items.get(i)));
        }
        return values;
    }

    // ---- node helpers ---------------------------------------------------------------------------------------

    static boolean isNull(Node node) {
        return node instanceof ScalarNode scalar && Tag.NULL.equals(scalar.getTag());
    }

    private static Optional<ScalarNode> scalar(Node node) {
        return node instanceof ScalarNode scalar ? Optional.of(scalar) : Optional.empty();
    }

    private static Optional<String> scalarText(Node node) {
        return scalar(node).map(ScalarNode::getValue);
    }

    /** The 1-based line a node starts on. */
    static int line(Node node) {
        return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }

    /**
     * A value as written: numbers, booleans and null bare, text in quotes, collections by their kind.
     */
    static String found(Node node) {
        if (node instanceof ScalarNode scalar) {
            Tag tag = scalar.getTag();
            boolean bare = scalar.isPlain()
                    && (Tag.INT.equals(tag) || Tag.FLOAT.equals(tag) || Tag.BOOL.equals(tag) || Tag.NULL.equals(tag));
            if (bare) {
                return scalar.getValue().isEmpty() ? "null" : scalar.getValue();
            }
            return Checks.quote(scalar.getValue());
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        return "a map";
    }
}
