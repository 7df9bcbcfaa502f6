package org.trainguard.trainer.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Splits labelled data into parts for training and validation. */
public final class Splits {

    private Splits() {}

    /**
     * Training and validation parts of one data set.
     *
     * @param train      examples to train on
     * @param validation examples held out for evaluation
     */
    public record Split(LabeledData train, LabeledData validation) {}

    /**
     * Holds out a stratified fraction of the examples for validation.
     *
     * <p>Each label contributes {@code round(count * fraction)} examples, but at least one and never
     * all of them when it has two or more (a label with one example stays in training). Which ones
     * is decided by a Fisher-Yates shuffle driven by {@code java.util.Random(seed)}, whose sequence
     * the Java specification fixes, so a seed gives the same split on every JVM. Both parts keep
     * the file order, and both carry the source's skipped count.
     *
     * @param data     the examples
     * @param fraction share to hold out, greater than 0 and less than 1
     * @param seed     random seed
     * @return the two parts
     * @throws IllegalArgumentException when the fraction is out of range
     * @throws DataFormatException      when the data is too small to leave both parts non-empty
     */
    public static Split holdOut(LabeledData data, double fraction, long seed) {
        if (!(fraction > 0.0 && fraction < 1.0)) {
            throw new IllegalArgumentException("validation fraction must be > 0 and < 1, found " + fraction);
        }
        List<List<Integer>> byLabel = new ArrayList<>();
        for (int i = 0; i < data.labels().size(); i++) {
            byLabel.add(new ArrayList<>());
        }
        List<Example> examples = data.examples();
        for (int i = 0; i < examples.size(); i++) {
            byLabel.get(examples.get(i).label()).add(i);
        }
        Random random = new Random(seed);
        boolean[] heldOut = new boolean[examples.size()];
        int validationSize = 0;
        for (List<Integer> indices : byLabel) {
            int count = indices.size();
            if (count < 2) {
                continue;
            }
            int take = (int) Math.min(count - 1, Math.max(1, Math.round(count * fraction)));
            for (int i = count - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                Integer swap = indices.get(i);
                indices.set(i, indices.get(j));
                indices.set(j, swap);
            }
            for (int i = 0; i < take; i++) {
                heldOut[indices.get(i)] = true;
            }
            validationSize += take;
        }
        if (validationSize == 0) {
            throw new DataFormatException(
                    data.source(),
                    "has too few examples to hold out a validation set (" + examples.size()
                            + " examples, no label has 2 or more)");
        }
        List<Example> train = new ArrayList<>(examples.size() - validationSize);
        List<Example> validation = new ArrayList<>(validationSize);
        for (int i = 0; i < examples.size(); i++) {
            (heldOut[i] ? validation : train).add(examples.get(i));
        }
        return new Split(
                new LabeledData(train, data.labels(), data.skipped(), data.source()),
                new LabeledData(validation, data.labels(), data.skipped(), data.source()));
    }
}
