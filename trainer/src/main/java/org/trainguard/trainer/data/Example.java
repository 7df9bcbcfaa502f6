package org.trainguard.trainer.data;

import java.util.Objects;

/**
 * One labelled text: what the classifier sees and the index of its class.
 *
 * @param text  the text as read from the data file (never blank)
 * @param label index into {@link LabeledData#labels()}
 */
public record Example(String text, int label) {

    /** Checks that the text is present and the label index is not negative. */
    public Example {
        Objects.requireNonNull(text, "text");
        if (label < 0) {
            throw new IllegalArgumentException("label index must be >= 0, found " + label);
        }
    }
}
