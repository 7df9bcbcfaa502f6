package org.trainguard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The packages of core depend one way, as docs/architecture.md says: each imports only the ones below it. */
class PackageLayersTest {

    private static final Path SOURCES = Path.of("src/main/java/org/trainguard/core");
    private static final Pattern USE = Pattern.compile("org\\.trainguard\\.core\\.([a-z]+)\\.[A-Z]");

    /** What each package may use. */
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "folder", Set.of("mirror", "checkpoint", "lock", "run", "io"),
            "mirror", Set.of("checkpoint", "run", "io"),
            "checkpoint", Set.of("run", "io"),
            "lock", Set.of("run", "io"),
            "run", Set.of("io"),
            "io", Set.of(),
            "signal", Set.of());

    @Test
    void everyPackageUsesOnlyThePackagesBelowIt() throws IOException {
        List<String> wrong = new ArrayList<>();
        Set<String> packages = new TreeSet<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Path relative = SOURCES.relativize(file);
                if (relative.getNameCount() < 2) {
                    continue; // ExitCode and the other types of core itself
                }
                String pkg = relative.getName(0).toString();
                packages.add(pkg);
                Set<String> allowed = ALLOWED.getOrDefault(pkg, Set.of());
                Matcher m = USE.matcher(Files.readString(file));
                while (m.find()) {
                    String used = m.group(1);
                    if (!used.equals(pkg) && !allowed.contains(used)) {
                        wrong.add(relative + " uses core." + used);
                    }
                }
            }
        }
        assertEquals(new TreeSet<>(ALLOWED.keySet()), packages, "every package of core has its place in the layers");
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    }
}
