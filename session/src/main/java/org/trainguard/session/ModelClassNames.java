package org.trainguard.session;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.trainguard.core.io.Json;

/** The class names a model configuration may hold: loading a model file never loads a class from outside DL4J, ND4J and trainguard. */
final class ModelClassNames {

    private static final List<String> TRUSTED_PACKAGES = List.of("org.deeplearning4j.", "org.nd4j.", "org.trainguard.");
    private static final Pattern CLASS_NAME = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)+");

    private ModelClassNames() {}

    /**
     * DL4J's JSON reader loads (and initializes) every class a configuration names, before it checks
     * that the class is a layer, activation or the like. Only DL4J's, ND4J's and trainguard's own
     * classes, and those the caller trusts, may be named.
     */
    static void check(String json, Path zip, Set<String> trustedClasses) throws ModelFileException {
        JsonNode root;
        try {
            root = Json.mapper().readTree(json);
        } catch (IOException e) {
            throw new ModelFileException(
                    zip + ": " + ModelReader.CONFIGURATION + " is not valid JSON (" + ModelReader.firstLine(e) + ")",
                    e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelFileException(zip + ": " + ModelReader.CONFIGURATION + " is not a JSON object");
        }
        Set<String> refused = new HashSet<>();
        List<JsonNode> pending = new ArrayList<>(List.of(root));
        while (!pending.isEmpty()) {
            JsonNode n = pending.remove(pending.size() - 1);
            if (n.isTextual()) {
                checkName(n.textValue(), trustedClasses, refused);
            } else if (n.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> f = it.next();
                    checkName(f.getKey(), trustedClasses, refused);
                    pending.add(f.getValue());
                }
            } else if (n.isArray()) {
                n.forEach(pending::add);
            }
        }
        if (!refused.isEmpty()) {
            throw new ModelFileException(zip + ": " + ModelReader.CONFIGURATION + " names "
                    + refused.stream()
                            .sorted()
                            .limit(5)
                            .map(ModelReader::printable)
                            .toList()
                    + ", outside DL4J, ND4J and trainguard; trainguard loads only their classes from a model file");
        }
    }

    /**
     * @param json a configuration
     * @return every class name it holds (to trust the classes of a network that is already running)
     */
    static Set<String> classNamesIn(String json) {
        Set<String> names = new HashSet<>();
        try {
            List<JsonNode> pending = new ArrayList<>(List.of(Json.mapper().readTree(json)));
            while (!pending.isEmpty()) {
                JsonNode n = pending.remove(pending.size() - 1);
                if (n.isTextual() && CLASS_NAME.matcher(n.textValue()).matches()) {
                    names.add(n.textValue());
                }
                n.forEach(pending::add);
            }
        } catch (IOException e) {
            return Set.of();
        }
        return names;
    }

    private static void checkName(String s, Set<String> trusted, Set<String> refused) {
        if (s.length() > 300 || !CLASS_NAME.matcher(s).matches() || trusted.contains(s)) {
            return;
        }
        for (String p : TRUSTED_PACKAGES) {
            if (s.startsWith(p)) {
                return;
            }
        }
        refused.add(s);
    }
}
