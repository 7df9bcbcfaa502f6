package org.trainguard.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How text becomes hashed feature ids ({@code model.features}).
 *
 * @param buckets      number of hash buckets for word and character n-grams, 16 to 2^26
 * @param maxLength    most feature ids kept per text, &gt; 0
 * @param wordNgrams   longest word n-gram, 1 to 4 (1 = unigrams, 2 = unigrams and bigrams, ...)
 * @param charNgrams   whether character n-grams are added (needed for Japanese and Chinese text)
 * @param charNgramMin shortest character n-gram, 1 to 8
 * @param charNgramMax longest character n-gram, {@code charNgramMin} to 8
 * @param lowercase    whether text is lower-cased before hashing
 */
public record FeaturesConfig(
        int buckets,
        int maxLength,
        int wordNgrams,
        boolean charNgrams,
        int charNgramMin,
        int charNgramMax,
        boolean lowercase) {

    /** Fewest hash buckets; below this almost every n-gram collides. */
    public static final int MIN_BUCKETS = 16;
    /** Most hash buckets (2^26), which keeps the embedding table within a few GiB at large dimensions. */
    public static final int MAX_BUCKETS = 1 << 26;
    /** Longest character n-gram. */
    public static final int MAX_CHAR_NGRAM = 8;

    /** Checks every range and that the character n-gram range is not reversed. */
    static final String SECTION = "model.features";
    /** {@code model.features.buckets}. */
    public static final Key<Integer> BUCKETS = Key.integer(SECTION, "buckets", 65_536)
            .checked((key, value) -> Checks.between(key, value, MIN_BUCKETS, MAX_BUCKETS));
    /** {@code model.features.max_length}. */
    public static final Key<Integer> MAX_LENGTH =
            Key.integer(SECTION, "max_length", 256).checked(Checks::positive);
    /** {@code model.features.word_ngrams}. */
    public static final Key<Integer> WORD_NGRAMS =
            Key.integer(SECTION, "word_ngrams", 2).checked((key, value) -> Checks.between(key, value, 1, 4));
    /** {@code model.features.char_ngrams}. */
    public static final Key<Boolean> CHAR_NGRAMS = Key.bool(SECTION, "char_ngrams", true);
    /** {@code model.features.char_ngram_min}. */
    public static final Key<Integer> CHAR_NGRAM_MIN = Key.integer(SECTION, "char_ngram_min", 2)
            .checked((key, value) -> Checks.between(key, value, 1, MAX_CHAR_NGRAM));
    /** {@code model.features.char_ngram_max}. */
    public static final Key<Integer> CHAR_NGRAM_MAX = Key.integer(SECTION, "char_ngram_max", 3)
            .checked((key, value) -> Checks.between(key, value, 1, MAX_CHAR_NGRAM));
    /** {@code model.features.lowercase}. */
    public static final Key<Boolean> LOWERCASE = Key.bool(SECTION, "lowercase", true);

    static final Keys KEYS =
            Keys.of(SECTION, BUCKETS, MAX_LENGTH, WORD_NGRAMS, CHAR_NGRAMS, CHAR_NGRAM_MIN, CHAR_NGRAM_MAX, LOWERCASE);

    public FeaturesConfig {
        BUCKETS.check(buckets);
        MAX_LENGTH.check(maxLength);
        WORD_NGRAMS.check(wordNgrams);
        CHAR_NGRAM_MIN.check(charNgramMin);
        CHAR_NGRAM_MAX.check(charNgramMax);
        if (charNgramMax < charNgramMin) {
            throw new ConfigException(
                    "model.features.char_ngram_max",
                    "model.features.char_ngram_max must be >= model.features.char_ngram_min (" + charNgramMin
                            + "), found " + charNgramMax);
        }
    }

    /**
     * The documented defaults: 65536 buckets, 256 ids, word bigrams, character 2- and 3-grams, lower-cased.
     *
     * @return the default feature settings
     */
    public static FeaturesConfig defaults() {
        return new FeaturesConfig(
                BUCKETS.fallback(),
                MAX_LENGTH.fallback(),
                WORD_NGRAMS.fallback(),
                CHAR_NGRAMS.fallback(),
                CHAR_NGRAM_MIN.fallback(),
                CHAR_NGRAM_MAX.fallback(),
                LOWERCASE.fallback());
    }

    /**
     * These settings with another number of buckets.
     *
     * @param newBuckets the number of hash buckets
     * @return the settings
     */
    public FeaturesConfig withBuckets(int newBuckets) {
        return new FeaturesConfig(newBuckets, maxLength, wordNgrams, charNgrams, charNgramMin, charNgramMax, lowercase);
    }

    static FeaturesConfig read(YamlSection section) {
        return new FeaturesConfig(
                section.get(BUCKETS),
                section.get(MAX_LENGTH),
                section.get(WORD_NGRAMS),
                section.get(CHAR_NGRAMS),
                section.get(CHAR_NGRAM_MIN),
                section.get(CHAR_NGRAM_MAX),
                section.get(LOWERCASE));
    }

    Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        BUCKETS.put(map, buckets);
        MAX_LENGTH.put(map, maxLength);
        WORD_NGRAMS.put(map, wordNgrams);
        CHAR_NGRAMS.put(map, charNgrams);
        CHAR_NGRAM_MIN.put(map, charNgramMin);
        CHAR_NGRAM_MAX.put(map, charNgramMax);
        LOWERCASE.put(map, lowercase);
        return map;
    }
}
