package org.trainguard.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The key tables of docs/configuration.md list exactly the declared keys, with their declared types and defaults. */
class DocsTablesTest {

    private static final Path DOCS = Path.of("../docs/configuration.md");
    private static final Pattern HEADING = Pattern.compile("^#{3,4} `([a-z_.]+)`\\s*$");

    /** One row of a docs table: the key as written, its type and its default, backquotes removed. */
    private record Row(String key, String type, String fallback) {}

    @Test
    void everyDeclaredKeyHasItsRowWithItsTypeAndDefault() throws IOException {
        Map<String, List<Row>> tables = tables(Files.readAllLines(DOCS));
        Map<String, Keys> schema = TrainguardConfig.schema().stream()
                .collect(Collectors.toMap(Keys::section, keys -> keys, (a, b) -> a, LinkedHashMap::new));
        List<String> problems = new ArrayList<>();
        for (Keys keys : schema.values()) {
            String section = keys.section().isEmpty() ? "labels" : keys.section();
            List<Row> rows = tables.get(section);
            if (rows == null) {
                if (!documentedInParent(keys.section(), tables)) {
                    problems.add("no table for section " + section);
                }
                continue;
            }
            Set<String> written =
                    rows.stream().map(Row::key).filter(k -> !k.contains(".")).collect(Collectors.toSet());
            for (Key<?> key : keys.keys()) {
                boolean ownTable = key.isSection() && tables.containsKey(key.path());
                if (keys.section().isEmpty() && key.isSection() || ownTable) {
                    continue;
                }
                if (!written.contains(key.name())) {
                    problems.add(key.path() + ": no row in the table of " + section);
                }
            }
            for (Row row : rows) {
                Optional<Key<?>> declared = find(schema, keys.section(), row.key());
                if (declared.isEmpty()) {
                    problems.add(section + " table: row " + row.key() + " is not a declared key");
                    continue;
                }
                Key<?> key = declared.get();
                if (!key.docType().equals(row.type())) {
                    problems.add(key.path() + ": docs say type " + row.type() + ", declared " + key.docType());
                }
                if (!key.docDefault().equals(row.fallback())) {
                    problems.add(
                            key.path() + ": docs say default " + row.fallback() + ", declared " + key.docDefault());
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void theTablesCoverEverySection() throws IOException {
        Map<String, List<Row>> tables = tables(Files.readAllLines(DOCS));
        assertTrue(
                tables.keySet()
                        .containsAll(List.of(
                                "labels",
                                "model",
                                "model.features",
                                "data",
                                "data.csv",
                                "training",
                                "checkpoint",
                                "session",
                                "eval",
                                "loss",
                                "watchdog")),
                tables.keySet().toString());
    }

    /**
     * A sub-section documented in its parent's table: as rows with a dotted prefix ({@code mirror.path}), or as one
     * row whose allowed column describes its keys ({@code early_stopping}).
     */
    private static boolean documentedInParent(String section, Map<String, List<Row>> tables) {
        for (Map.Entry<String, List<Row>> table : tables.entrySet()) {
            String prefix = table.getKey() + ".";
            if (section.startsWith(prefix)) {
                String relative = section.substring(prefix.length());
                if (table.getValue().stream()
                        .anyMatch(row -> row.key().startsWith(relative + ".")
                                || row.key().equals(relative))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Optional<Key<?>> find(Map<String, Keys> schema, String section, String rowKey) {
        int dot = rowKey.lastIndexOf('.');
        String keysSection = dot < 0 ? section : section + "." + rowKey.substring(0, dot);
        String name = rowKey.substring(dot + 1);
        Keys keys = schema.get(keysSection);
        return keys == null
                ? Optional.empty()
                : keys.keys().stream()
                        .filter(k -> k.name().equals(name))
                        .<Key<?>>map(k -> k)
                        .findFirst();
    }

    /** The first key table after each heading that names a section, by section. */
    private static Map<String, List<Row>> tables(List<String> lines) {
        Map<String, List<Row>> tables = new LinkedHashMap<>();
        String section = null;
        for (int i = 0; i < lines.size(); i++) {
            Matcher heading = HEADING.matcher(lines.get(i));
            if (heading.matches()) {
                section = heading.group(1);
                continue;
            }
            if (section != null && lines.get(i).startsWith("| key | type | default |")) {
                List<Row> rows = new ArrayList<>();
                for (int j = i + 2; j < lines.size() && lines.get(j).startsWith("|"); j++) {
                    List<String> cells = cells(lines.get(j));
                    rows.add(new Row(plain(cells.get(0)), plain(cells.get(1)), plain(cells.get(2))));
                }
                tables.putIfAbsent(section, rows);
                section = null;
            }
        }
        return tables;
    }

    private static List<String> cells(String line) {
        List<String> cells = new ArrayList<>();
        for (String cell : line.substring(1, line.length() - 1).split("(?<!\\\\)\\|", -1)) {
            cells.add(cell.strip());
        }
        return cells;
    }

    private static String plain(String cell) {
        return cell.replace("`", "");
    }
}
