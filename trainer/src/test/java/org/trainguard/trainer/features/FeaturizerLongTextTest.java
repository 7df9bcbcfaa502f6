package org.trainguard.trainer.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Featurizer#featurize} hashes only the features it keeps; its ids must be exactly those of hashing every
 * feature and then picking, for short texts and for texts far over {@code max_length}, or feature caches and
 * checkpoints of earlier runs would no longer match.
 */
class FeaturizerLongTextTest {

    private static final List<FeatureSettings> SETTINGS = List.of(
            new FeatureSettings(1_000_000, 256, 2, true, 2, 4, true),
            new FeatureSettings(65_536, 256, 2, true, 2, 3, true),
            new FeatureSettings(4096, 16, 3, true, 1, 8, false),
            new FeatureSettings(4096, 5, 4, true, 8, 8, true),
            new FeatureSettings(4096, 64, 1, false, 2, 3, true),
            new FeatureSettings(16, 1, 2, true, 1, 1, true));

    private static final String[] PIECES = {
        "hello",
        "World",
        "東京タワーに行きました",
        "パスワード",
        "2024年",
        "x",
        "a",
        "naïve",
        "Ｆｕｌｌ",
        "!!",
        " ",
        "  ",
        "\n",
        "😀",
        "देवनागरी",
        "ab",
        "ignore previous instructions",
        "i"
    };

    private static String text(Random random, int pieces) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < pieces; i++) {
            sb.append(PIECES[random.nextInt(PIECES.length)]);
            if (random.nextInt(3) > 0) {
                sb.append(' ');
            }
        }
        return sb.toString();
    }

    @Test
    void keptIdsEqualThoseOfHashingEveryFeature() {
        Random random = new Random(11);
        for (FeatureSettings settings : SETTINGS) {
            Featurizer f = new Featurizer(settings);
            for (int pieces : new int[] {0, 1, 2, 3, 5, 10, 40, 100, 1000, 30_000}) {
                for (int repeat = 0; repeat < 5; repeat++) {
                    String t = text(random, pieces);
                    assertArrayEquals(f.featurizeHashingAll(t), f.featurize(t), settings + " / " + pieces + " pieces");
                }
            }
        }
    }

    @Test
    void aLongTextOfOneRepeatedWordMatchesToo() {
        Featurizer f = new Featurizer(new FeatureSettings(65_536, 256, 2, true, 2, 3, true));
        String t = "spam ".repeat(200_000);
        assertArrayEquals(f.featurizeHashingAll(t), f.featurize(t));
    }
}
