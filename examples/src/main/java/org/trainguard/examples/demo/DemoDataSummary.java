package org.trainguard.examples.demo;

import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * What {@link DemoDataGenerator#generate} wrote.
 *
 * @param trainFile the training file, {@code train.jsonl}
 * @param valFile the validation file, {@code val.jsonl}
 * @param trainCounts rows per label in the training file, in label order
 * @param valCounts rows per label in the validation file, in label order
 * @param trainJapaneseRows rows of the training file written in Japanese
 * @param valJapaneseRows rows of the validation file written in Japanese
 * @param valRowsAlsoInTrain validation rows whose text also occurs in the training file (kept only
 *        when repeated draws could not find a new text)
 */
public record DemoDataSummary(
        Path trainFile,
        Path valFile,
        Map<DemoLabel, Integer> trainCounts,
        Map<DemoLabel, Integer> valCounts,
        int trainJapaneseRows,
        int valJapaneseRows,
        int valRowsAlsoInTrain) {

    /** Copies the maps so that the summary cannot change after it is made. */
    public DemoDataSummary {
        trainCounts = Collections.unmodifiableMap(new EnumMap<>(trainCounts));
        valCounts = Collections.unmodifiableMap(new EnumMap<>(valCounts));
    }

    /**
     * The number of training rows.
     *
     * @return the sum of {@link #trainCounts()}
     */
    public int trainRows() {
        return trainCounts.values().stream().mapToInt(Integer::intValue).sum();
    }

    /**
     * The number of validation rows.
     *
     * @return the sum of {@link #valCounts()}
     */
    public int valRows() {
        return valCounts.values().stream().mapToInt(Integer::intValue).sum();
    }

    /**
     * A few lines for a person: files, rows per label, Japanese share, overlap.
     *
     * @return the description, lines separated by {@code \n}
     */
    public String describe() {
        return String.format(
                Locale.ROOT,
                "%s: %d rows %s, %d in Japanese\n%s: %d rows %s, %d in Japanese, %d also in train",
                trainFile,
                trainRows(),
                trainCounts,
                trainJapaneseRows,
                valFile,
                valRows(),
                valCounts,
                valJapaneseRows,
                valRowsAlsoInTrain);
    }
}
