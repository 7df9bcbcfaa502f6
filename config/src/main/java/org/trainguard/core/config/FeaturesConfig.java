package org.trainguard.core.config;

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
public record FeaturesConfig(int buckets, int maxLength, int wordNgrams, boolean charNgrams, int charNgramMin,
                             int charNgramMax, boolean lowercase) {

    /** Fewest hash buckets; below this almost every n-gram collides. */
    public static final int MIN_BUCKETS = 16;
    /** Most hash buckets (2^26), which keeps the embedding table within a few GiB at large dimensions. */
    public static final int MAX_BUCKETS = 1 << 26;
    /** Longest character n-gram. */
    public static final int MAX_CHAR_NGRAM = 8;

    /** Checks every range and that the character n-gram range is not reversed. */
    public FeaturesConfig {
        Checks.between("model.features.buckets", buckets, MIN_BUCKETS, MAX_BUCKETS);
        Checks.positive("model.features.max_length", maxLength);
        Checks.between("model.features.word_ngrams", wordNgrams, 1, 4);
        Checks.between("model.features.char_ngram_min", charNgramMin, 1, MAX_CHAR_NGRAM);
        Checks.between("model.features.char_ngram_max", charNgramMax, 1, MAX_CHAR_NGRAM);
        if (charNgramMax < charNgramMin) {
            throw new ConfigException("model.features.char_ngram_max",
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
        return new FeaturesConfig(65_536, 256, 2, true, 2, 3, true);
    }

    Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("buckets", buckets);
        map.put("max_length", maxLength);
        map.put("word_ngrams", wordNgrams);
        map.put("char_ngrams", charNgrams);
        map.put("char_ngram_min", charNgramMin);
        map.put("char_ngram_max", charNgramMax);
        map.put("lowercase", lowercase);
        return map;
    }
}
