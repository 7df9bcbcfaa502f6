package org.trainguard.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.nodes.Node;

/**
 * One configuration key, declared once in the record of its section: its name, how its YAML value is read, its
 * default, its range check and how it is written back by {@code toMap}. The set of known keys of a section
 * ({@link Keys}) and the tables of {@code docs/configuration.md} (checked by a test) follow from the same declaration.
 *
 * @param <T> the Java type of the value
 */
public final class Key<T> {

    /** Turns the YAML node of a key into its value; errors name {@code fullKey}. */
    @FunctionalInterface
    interface Conversion<T> {
        T convert(YamlValues values, String fullKey, Node node);
    }

    private final String section;
    private final String name;
    private final String docType;
    private final Conversion<T> conversion;
    private final Function<T, Object> writer;
    private final T fallback;
    private final String docDefault;
    private final BiConsumer<String, T> check;

    private Key(
            String section,
            String name,
            String docType,
            Conversion<T> conversion,
            Function<T, Object> writer,
            T fallback,
            String docDefault,
            BiConsumer<String, T> check) {
        this.section = section;
        this.name = name;
        this.docType = docType;
        this.conversion = conversion;
        this.writer = writer;
        this.fallback = fallback;
        this.docDefault = docDefault;
        this.check = check;
    }

    private static <T> Key<T> of(
            String section,
            String name,
            String docType,
            Conversion<T> conversion,
            Function<T, Object> writer,
            T fallback,
            Function<T, String> shown) {
        return new Key<>(
                section,
                name,
                docType,
                conversion,
                writer,
                fallback,
                fallback == null ? "null" : shown.apply(fallback),
                (key, value) -> {});
    }

    static Key<Integer> integer(String section, String name, Integer fallback) {
        return of(section, name, "integer", YamlValues::toInt, v -> v, fallback, String::valueOf);
    }

    static Key<Long> longInteger(String section, String name, Long fallback) {
        return of(section, name, "integer", YamlValues::toLong, v -> v, fallback, String::valueOf);
    }

    static Key<Double> number(String section, String name, Double fallback) {
        return of(section, name, "number", YamlValues::toDouble, v -> v, fallback, v -> Double.toString(v)
                .toLowerCase(Locale.ROOT));
    }

    static Key<Boolean> bool(String section, String name, Boolean fallback) {
        return of(section, name, "boolean", YamlValues::toBoolean, v -> v, fallback, String::valueOf);
    }

    static Key<String> text(String section, String name, String fallback) {
        return of(section, name, "text", YamlValues::toText, v -> v, fallback, v -> v.isEmpty() ? "\"\"" : v);
    }

    static <E extends Enum<E>> Key<E> choice(String section, String name, Class<E> type, E fallback) {
        return of(
                section,
                name,
                "choice",
                (s, key, node) -> s.toChoice(key, node, type),
                Checks::yamlName,
                fallback,
                Checks::yamlName);
    }

    /** One of a few names, case not significant; the first is the default. */
    static Key<String> oneOf(String section, String name, List<String> names) {
        return of(section, name, "choice", (s, key, node) -> s.toName(key, node, names), v -> v, names.get(0), v -> v);
    }

    static Key<Duration> duration(String section, String name, Duration fallback) {
        return of(section, name, "duration", YamlValues::toDuration, Durations::format, fallback, Durations::format);
    }

    /** A path resolved against the config file's folder; its default, if any, depends on that folder. */
    static Key<Path> path(String section, String name) {
        return of(section, name, "path", YamlValues::toPath, Path::toString, null, String::valueOf);
    }

    static Key<List<String>> texts(String section, String name, List<String> fallback) {
        return of(section, name, "list of text", YamlValues::toStrings, ArrayList::new, fallback, v -> v.stream()
                .collect(Collectors.joining(", ", "[", "]")));
    }

    static Key<Map<String, String>> textMap(String section, String name, Map<String, String> fallback) {
        return of(
                section,
                name,
                "map text → label",
                YamlValues::toStringMap,
                LinkedHashMap::new,
                fallback,
                v -> v.isEmpty() ? "{}" : v.toString());
    }

    static Key<Map<String, Double>> numberMap(String section, String name, Map<String, Double> fallback) {
        return of(
                section,
                name,
                "map label → number",
                YamlValues::toNumberMap,
                LinkedHashMap::new,
                fallback,
                v -> v.isEmpty() ? "{}" : v.toString());
    }

    /** A key whose value is a section of its own, with its own {@link Keys}. */
    static Key<Void> section(String section, String name) {
        return new Key<>(section, name, "map", null, v -> null, null, "null", (key, value) -> {});
    }

    /**
     * The same key with a range check, run on every value a record is built with.
     *
     * @param rangeCheck takes the full key and the value, throws a {@link ConfigException} naming both
     * @return the checked key
     */
    Key<T> checked(BiConsumer<String, T> rangeCheck) {
        return new Key<>(section, name, docType, conversion, writer, fallback, docDefault, rangeCheck);
    }

    /**
     * The same key with its default as the documentation shows it, for defaults that depend on other values.
     *
     * @param shown the text of the docs' default column, without the backquotes
     * @return the documented key
     */
    Key<T> documented(String shown) {
        return new Key<>(section, name, docType, conversion, writer, fallback, shown, check);
    }

    /**
     * The same key with another type name in the documentation.
     *
     * @param shown the text of the docs' type column
     * @return the key
     */
    Key<T> typed(String shown) {
        return new Key<>(section, name, shown, conversion, writer, fallback, docDefault, check);
    }

    /** @return the key's name within its section, e.g. {@code every_steps} */
    public String name() {
        return name;
    }

    /** @return the full dotted key, e.g. {@code checkpoint.every_steps} */
    public String path() {
        return section.isEmpty() ? name : section + "." + name;
    }

    /**
     * The documented default.
     *
     * @return the default value
     * @throws IllegalStateException when the default depends on other values (a path, a label)
     */
    public T fallback() {
        if (fallback == null) {
            throw new IllegalStateException(path() + " has no fixed default");
        }
        return fallback;
    }

    /**
     * Checks a value: not null, and in range.
     *
     * @param value the value
     * @return the value
     * @throws ConfigException naming the key and the value when it is out of range
     */
    public T check(T value) {
        Checks.notNull(path(), value);
        check.accept(path(), value);
        return value;
    }

    /**
     * Checks a value that may be absent.
     *
     * @param value the value, or empty
     * @return the value
     */
    public Optional<T> checkPresent(Optional<T> value) {
        Checks.notNull(path(), value).ifPresent(this::check);
        return value;
    }

    T convert(YamlSection yaml, Node node) {
        return conversion.convert(yaml.values(), yaml.key(name), node);
    }

    /** Puts the value, as the canonical YAML writes it, under the key's name; {@code null} stays {@code null}. */
    void put(Map<String, Object> map, T value) {
        map.put(name, value == null ? null : writer.apply(value));
    }

    String docType() {
        return docType;
    }

    String docDefault() {
        return docDefault;
    }

    boolean isSection() {
        return conversion == null;
    }

    @Override
    public String toString() {
        return path();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Key<?> key && key.path().equals(path());
    }

    @Override
    public int hashCode() {
        return Objects.hash(path());
    }
}
