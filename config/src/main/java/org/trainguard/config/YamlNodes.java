package org.trainguard.config;

import java.util.Optional;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/** What a YAML node is, where it stands and how an error message shows it. */
final class YamlNodes {

    private YamlNodes() {}

    static boolean isNull(Node node) {
        return node instanceof ScalarNode scalar && Tag.NULL.equals(scalar.getTag());
    }

    static Optional<ScalarNode> scalar(Node node) {
        return node instanceof ScalarNode scalar ? Optional.of(scalar) : Optional.empty();
    }

    static Optional<String> scalarText(Node node) {
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
