package org.trainguard.examples.demo;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guards the difficulty of the dataset with a bag-of-n-grams naive Bayes, a weaker cousin of the
 * fastText-style model the trainer uses: it must learn the task well, but not perfectly, because
 * borderline requests carry the labels annotators disagreed on. A catalog edit that makes the
 * classes separable by a few keywords, or that scrambles them, fails here.
 */
class DemoDataLearnabilityTest {

    // Latin words, or runs of Japanese script that are cut into character bigrams: Japanese has no
    // spaces, so whole runs would be one unseen token each
    private static final Pattern TOKEN = Pattern.compile("[\\p{IsHiragana}\\p{IsKatakana}\\p{IsHan}ー]+|[a-z0-9']+");
    private static final Pattern JAPANESE_RUN = Pattern.compile("[\\p{IsHiragana}\\p{IsKatakana}\\p{IsHan}ー]+");

    static List<String> features(String text) {
        List<String> units = new ArrayList<>();
        Matcher m = TOKEN.matcher(text.toLowerCase(Locale.ROOT));
        while (m.find()) {
            String t = m.group();
            if (JAPANESE_RUN.matcher(t).matches() && t.length() > 1) {
                for (int i = 0; i + 1 < t.length(); i++) {
                    units.add(t.substring(i, i + 2));
                }
            } else {
                units.add(t);
            }
        }
        List<String> features = new ArrayList<>(units);
        for (int i = 0; i + 1 < units.size(); i++) {
            features.add(units.get(i) + " " + units.get(i + 1));
        }
        return features;
    }

    @Test
    void aSimpleModelLearnsTheTaskWellButNotPerfectly(@TempDir Path dir) throws IOException {
        DemoDataSummary summary = DemoDataGenerator.generate(dir, 8000, 1500, 2024L);
        List<DemoDataGeneratorTest.Line> train = DemoDataGeneratorTest.readLines(summary.trainFile());
        List<DemoDataGeneratorTest.Line> val = DemoDataGeneratorTest.readLines(summary.valFile());

        int labels = DemoLabel.values().length;
        Map<String, int[]> counts = new HashMap<>();
        long[] tokensPerLabel = new long[labels];
        int[] rowsPerLabel = new int[labels];
        for (DemoDataGeneratorTest.Line line : train) {
            int y = line.label().ordinal();
            rowsPerLabel[y]++;
            for (String f : features(line.text())) {
                counts.computeIfAbsent(f, k -> new int[labels])[y]++;
                tokensPerLabel[y]++;
            }
        }
        int vocabulary = counts.size();
        int correct = 0;
        for (DemoDataGeneratorTest.Line line : val) {
            double[] score = new double[labels];
            for (int y = 0; y < labels; y++) {
                score[y] = Math.log(rowsPerLabel[y] / (double) train.size());
            }
            for (String f : features(line.text())) {
                int[] c = counts.get(f);
                if (c == null) {
                    continue;
                }
                for (int y = 0; y < labels; y++) {
                    score[y] += Math.log((c[y] + 0.1) / (tokensPerLabel[y] + 0.1 * vocabulary));
                }
            }
            int best = 0;
            for (int y = 1; y < labels; y++) {
                if (score[y] > score[best]) {
                    best = y;
                }
            }
            if (best == line.label().ordinal()) {
                correct++;
            }
        }
        double accuracy = correct / (double) val.size();
        assertTrue(accuracy > 0.82, "naive Bayes validation accuracy " + accuracy + " is too low to learn from");
        assertTrue(accuracy < 0.975, "naive Bayes validation accuracy " + accuracy + " means the classes are too easy");
    }
}
