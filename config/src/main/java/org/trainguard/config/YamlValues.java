package org.trainguard.config;

import static org.trainguard.config.YamlNodes.found;
import static org.trainguard.config.YamlNodes.isNull;
import static org.trainguard.config.YamlNodes.scalar;
import static org.trainguard.config.YamlNodes.scalarText;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * The typed readers of YAML values: each turns the node of one key into its Java value, or throws a
 * {@link ConfigException} that names the full dotted key, its line and the value as written. Numbers, booleans and
 * durations are read from their text, so that YAML 1.1's own typing ({@code 1e-4} is a string there) does not matter.
 */
final class YamlValues {

    private static final Pattern INTEGER = Pattern.compile("[-+]?\\d+");
    private static final Pattern DECIMAL = Pattern.compile("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?");
    private static final Set<String> TRUE = Set.of("true", "yes", "on");
    private static final Set<String> FALSE = Set.of("false", "no", "off");

    private final YamlSection.Lines lines;

    /** @param lines where keys are, and what relative paths resolve against */
    YamlValues(YamlSection.Lines lines) {
        this.lines = lines;
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

    private Map<String, YamlSection.Entry> mapEntries(String fullKey, Node node) {
        if (!(node instanceof MappingNode mapping)) {
            throw mismatch(fullKey, node, "a map");
        }
        Map<String, YamlSection.Entry> map = YamlSection.entries(mapping, fullKey, lines, 0);
        map.forEach((entryName, entry) -> lines.record(fullKey + "." + entryName, entry.key()));
        return map;
    }

    ConfigException mismatch(String fullKey, Node node, String expected) {
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
}
