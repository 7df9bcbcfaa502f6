package org.trainguard.trainer.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FeaturizerTest {

    /** Settings the golden ids below were computed with (by an independent implementation). */
    static final FeatureSettings GOLDEN = new FeatureSettings(1_000_000, 256, 2, true, 2, 4, true);

    @Test
    void fnvMatchesPublishedTestVectors() {
        assertEquals(0xcbf29ce484222325L, Featurizer.fnv1a64(""));
        assertEquals(0xaf63dc4c8601ec8cL, Featurizer.fnv1a64("a"));
        assertEquals(0x85944171f73967e8L, Featurizer.fnv1a64("foobar"));
    }

    @Test
    void englishIdsAreStable() {
        // w:hello w:world | b:hello world | c:<h c:<he c:<hel c:he ... c:d>
        int[] expected = {
            421886, 213218, 957694, 212112, 739865, 838651, 13744, 126715, 838403, 807134, 704384, 298342, 215475,
            706088, 784845, 398646, 620981, 462176, 949757, 208739, 351381, 291109, 264651, 126640, 976962, 394251,
            310732, 911295, 816260, 820182, 37265, 273071, 114266
        };
        assertArrayEquals(expected, new Featurizer(GOLDEN).featurize("Hello, World!"));
    }

    @Test
    void japaneseIdsAreStable() {
        // words 今日 / は / 良 / い / 天気 / ですね, their bigrams, then character n-grams
        int[] expected = {
            114783, 689794, 718237, 41254, 431068, 337267, 969060, 678358, 447666, 562878, 319637, 792939, 250357,
            371753, 313850, 443526, 382513, 202730, 8900, 720258, 443860, 657321, 914683, 484928, 834835, 999446,
            911606, 102617, 757800, 846529, 215160, 798469, 380940, 529605, 356703, 829167, 285007, 157154, 48601,
            63138, 17789
        };
        assertArrayEquals(expected, new Featurizer(GOLDEN).featurize("今日は良い天気ですね"));
    }

    @Test
    void singleFeatureIdsAreStable() {
        Featurizer featurizer = new Featurizer(GOLDEN);
        assertEquals(421886, featurizer.bucket("w:hello"));
        assertEquals(75849, featurizer.bucket("w:東京"));
        assertEquals(421155, featurizer.bucket("e:"));
    }

    @Test
    void fingerprintIsStableAndCoversEveryField() {
        assertEquals(
                "featurizer=1;buckets=1000000;max_length=256;word_ngrams=2;char_ngrams=true;"
                        + "char_ngram_min=2;char_ngram_max=4;lowercase=true",
                GOLDEN.canonical());
        // sha256 of the canonical string above, computed independently
        assertEquals("f27768bcd64333db0a08ff795c669ebdf1693bb3286a201ef4d097a429ac4e8a", GOLDEN.fingerprint());
        List<FeatureSettings> variants = List.of(
                GOLDEN,
                new FeatureSettings(1_000_001, 256, 2, true, 2, 4, true),
                new FeatureSettings(1_000_000, 255, 2, true, 2, 4, true),
                new FeatureSettings(1_000_000, 256, 1, true, 2, 4, true),
                new FeatureSettings(1_000_000, 256, 2, false, 2, 4, true),
                new FeatureSettings(1_000_000, 256, 2, true, 1, 4, true),
                new FeatureSettings(1_000_000, 256, 2, true, 2, 5, true),
                new FeatureSettings(1_000_000, 256, 2, true, 2, 4, false));
        assertEquals(
                variants.size(),
                variants.stream().map(FeatureSettings::fingerprint).distinct().count());
    }

    @Test
    void settingsRejectBadValuesNamingThem() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new FeatureSettings(1, 256, 2, true, 2, 4, true));
        assertEquals("features.buckets must be >= 2, found 1", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new FeatureSettings(100, 0, 2, true, 2, 4, true));
        assertThrows(IllegalArgumentException.class, () -> new FeatureSettings(100, 10, 0, true, 2, 4, true));
        assertThrows(IllegalArgumentException.class, () -> new FeatureSettings(100, 10, 2, true, 3, 2, true));
    }

    @Test
    void splitsJapaneseAtScriptChanges() {
        Featurizer featurizer = new Featurizer(GOLDEN);
        assertEquals(List.of("東京", "タワー", "に", "行", "きました"), featurizer.words("東京タワーに行きました"));
        assertEquals(List.of("2024", "年"), featurizer.words("2024年"));
        assertEquals(List.of("gpt", "を", "使", "う"), featurizer.words("GPTを使う"));
        assertEquals(List.of("한국어를"), featurizer.words("한국어를"), "Hangul stays one word without a script change");
        assertEquals(List.of("韓國語", "를"), featurizer.words("韓國語를"));
    }

    @Test
    void normalisesWidthCaseAndDropsPunctuation() {
        Featurizer featurizer = new Featurizer(GOLDEN);
        assertEquals(List.of("hello", "world"), featurizer.words("ＨＥＬＬＯ，　ｗｏｒｌｄ！"));
        assertEquals(List.of("タワー"), featurizer.words("ﾀﾜｰ"));
        assertEquals(List.of("don", "t", "stop"), featurizer.words("Don't -- stop..."));
        assertEquals(List.of("हिन्दी"), featurizer.words("हिन्दी"), "combining marks stay inside the word");
        Featurizer keepCase = new Featurizer(new FeatureSettings(1_000_000, 256, 2, true, 2, 4, false));
        assertEquals(List.of("Hello"), keepCase.words("Hello"));
        assertFalse(Arrays.equals(keepCase.featurize("Hello"), keepCase.featurize("hello")));
        assertArrayEquals(featurizer.featurize("Hello"), featurizer.featurize("hello"));
    }

    @Test
    void japaneseWithoutSpacesGetsManyCharacterFeatures() {
        FeatureSettings wordsOnly = new FeatureSettings(1_000_000, 512, 1, false, 1, 3, true);
        FeatureSettings withChars = new FeatureSettings(1_000_000, 512, 1, true, 1, 3, true);
        String text = "昨日の会議で新しい計画について話し合いました";
        int words = new Featurizer(wordsOnly).featurize(text).length;
        int all = new Featurizer(withChars).featurize(text).length;
        assertEquals(new Featurizer(wordsOnly).words(text).size(), words);
        assertTrue(
                all >= words + 3 * text.length(),
                "expected many character n-grams, got " + (all - words) + " for " + text.length() + " characters");
    }

    @Test
    void emptyAndPunctuationOnlyTextsGetTheEmptyId() {
        Featurizer featurizer = new Featurizer(GOLDEN);
        int[] expected = {featurizer.bucket("e:")};
        assertArrayEquals(expected, featurizer.featurize(""));
        assertArrayEquals(expected, featurizer.featurize("  !!! ... ?? 、。 "));
    }

    @Test
    void maxLengthKeepsEvenlySpacedFeaturesOfEveryKind() {
        // 100 words, 99 bigrams, many character n-grams; 30 slots give each kind 10
        FeatureSettings settings = new FeatureSettings(1_000_000, 30, 2, true, 3, 3, true);
        Featurizer featurizer = new Featurizer(settings);
        String text = IntStream.range(0, 100).mapToObj(i -> "w" + i).collect(Collectors.joining(" "));
        int[] ids = featurizer.featurize(text);
        assertEquals(30, ids.length);
        int[] expectedWords = IntStream.range(0, 10)
                .map(i -> featurizer.bucket("w:w" + (i * 10)))
                .toArray();
        assertArrayEquals(expectedWords, Arrays.copyOfRange(ids, 0, 10), "words w0, w10, ..., w90 cover the text");
        int[] expectedBigrams = IntStream.range(0, 10)
                .map(i -> featurizer.bucket("b:w" + (i * 99 / 10) + " w" + (i * 99 / 10 + 1)))
                .toArray();
        assertArrayEquals(expectedBigrams, Arrays.copyOfRange(ids, 10, 20));
        assertEquals(featurizer.bucket("c:<w0"), ids[20], "character n-grams follow");
    }

    @Test
    void shareHandsUnusedRoomToTheOtherKinds() {
        assertArrayEquals(new int[] {5, 13, 12}, Featurizer.share(new int[] {5, 100, 100}, 30));
        assertArrayEquals(new int[] {3, 4, 0}, Featurizer.share(new int[] {3, 4, 0}, 30));
        assertArrayEquals(new int[] {1, 1, 0}, Featurizer.share(new int[] {10, 10, 10}, 2));
        assertArrayEquals(new int[] {0, 7}, Featurizer.share(new int[] {0, 50}, 7));
    }

    @Test
    void idsStayInRangeForArbitraryText() {
        Random random = new Random(3);
        for (int buckets : new int[] {2, 3, 97, 1 << 20}) {
            Featurizer featurizer = new Featurizer(new FeatureSettings(buckets, 64, 3, true, 1, 5, true));
            for (int round = 0; round < 200; round++) {
                StringBuilder text = new StringBuilder();
                int length = random.nextInt(60);
                for (int i = 0; i < length; i++) {
                    // any code point, lone surrogates and emoji included
                    text.appendCodePoint(random.nextBoolean() ? random.nextInt(0x3000) : random.nextInt(0x20000));
                }
                int[] ids = featurizer.featurize(text.toString());
                assertTrue(ids.length >= 1 && ids.length <= 64, "length " + ids.length);
                for (int id : ids) {
                    assertTrue(id >= 1 && id < buckets, "id " + id + " outside [1, " + buckets + ")");
                }
                assertArrayEquals(ids, featurizer.featurize(text.toString()));
            }
        }
    }

    @Test
    void repeatedWordsKeepTheirCounts() {
        Featurizer featurizer = new Featurizer(new FeatureSettings(1_000_000, 256, 1, false, 2, 4, true));
        int[] ids = featurizer.featurize("no no no");
        assertArrayEquals(
                new int[] {featurizer.bucket("w:no"), featurizer.bucket("w:no"), featurizer.bucket("w:no")}, ids);
        assertNotEquals(featurizer.bucket("w:no"), featurizer.bucket("w:yes"));
    }
}
