package org.trainguard.trainer.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The examples read from one data file, with the label names their indices refer to.
 *
 * @param examples the examples in file order (or split order for a held-out part)
 * @param labels   label names; {@code Example.label()} indexes this list
 * @param skipped  how many bad records of the source file were skipped while reading it
 * @param source   the data file the examples came from
 */
public record LabeledData(List<Example> examples, List<String> labels, int skipped, Path source) {

    /** Copies the lists and checks that every example's label index exists. */
    public LabeledData {
        examples = List.copyOf(examples);
        labels = List.copyOf(labels);
        Objects.requireNonNull(source, "source");
        if (skipped < 0) {
            throw new IllegalArgumentException("skipped must be >= 0, found " + skipped);
        }
        for (Example example : examples) {
            if (example.label() >= labels.size()) {
                throw new IllegalArgumentException("label index " + example.label() + " is out of range for "
                        + labels.size() + " labels " + labels);
            }
        }
    }

    /** Number of examples. */
    public int size() {
        return examples.size();
    }

    /** Number of examples per label, indexed like {@link #labels()}. */
    public int[] countsPerLabel() {
        int[] counts = new int[labels.size()];
        for (Example example : examples) {
            counts[example.label()]++;
        }
        return counts;
    }
}
