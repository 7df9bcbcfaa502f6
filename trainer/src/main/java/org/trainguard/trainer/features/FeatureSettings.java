package org.trainguard.trainer.features;

import java.nio.charset.StandardCharsets;
import org.trainguard.trainer.data.FileDigest;

/**
 * How texts become hashed feature ids (see {@link Featurizer} for the exact rules).
 *
 * @param buckets      size of the id space; ids are in {@code [1, buckets)}, 0 is padding
 * @param maxLength    most ids kept per text
 * @param wordNgrams   longest word n-gram: 1 = words only, 2 = words and bigrams, ...
 * @param charNgrams   whether to add character n-grams of each word
 * @param charNgramMin shortest character n-gram (in code points, counting the {@code <} {@code >}
 *                     word boundary markers)
 * @param charNgramMax longest character n-gram
 * @param lowercase    whether to lower-case the text (after NFKC normalisation)
 */
public record FeatureSettings(
        int buckets,
        int maxLength,
        int wordNgrams,
        boolean charNgrams,
        int charNgramMin,
        int charNgramMax,
        boolean lowercase) {

    /**
     * Version of the featurisation rules. Bump it whenever {@link Featurizer} would give different
     * ids for the same settings, so that caches and saved models built with the old rules are
     * recognised as stale through {@link #fingerprint()}.
     */
    public static final int FEATURIZER_VERSION = 1;

    /** Longest word n-gram accepted; longer ones are almost never seen twice. */
    public static final int MAX_WORD_NGRAMS = 6;

    /** Longest character n-gram accepted. */
    public static final int MAX_CHAR_NGRAM = 12;

    /** Checks every field; errors name the field and the value found. */
    public FeatureSettings {
        if (buckets < 2) {
            throw new IllegalArgumentException("features.buckets must be >= 2, found " + buckets);
        }
        if (maxLength < 1) {
            throw new IllegalArgumentException("features.max_length must be >= 1, found " + maxLength);
        }
        if (wordNgrams < 1 || wordNgrams > MAX_WORD_NGRAMS) {
            throw new IllegalArgumentException(
                    "features.word_ngrams must be between 1 and " + MAX_WORD_NGRAMS + ", found " + wordNgrams);
        }
        if (charNgramMin < 1 || charNgramMin > MAX_CHAR_NGRAM) {
            throw new IllegalArgumentException(
                    "features.char_ngram_min must be between 1 and " + MAX_CHAR_NGRAM + ", found " + charNgramMin);
        }
        if (charNgramMax < charNgramMin || charNgramMax > MAX_CHAR_NGRAM) {
            throw new IllegalArgumentException("features.char_ngram_max must be between char_ngram_min (" + charNgramMin
                    + ") and " + MAX_CHAR_NGRAM + ", found " + charNgramMax);
        }
    }

    /**
     * The canonical text of these settings and the featuriser version, which {@link #fingerprint()}
     * hashes. Field order and spelling are fixed; changing them invalidates every cache.
     *
     * @return e.g. {@code featurizer=1;buckets=2000000;max_length=256;word_ngrams=2;...}
     */
    public String canonical() {
        return "featurizer=" + FEATURIZER_VERSION
                + ";buckets=" + buckets
                + ";max_length=" + maxLength
                + ";word_ngrams=" + wordNgrams
                + ";char_ngrams=" + charNgrams
                + ";char_ngram_min=" + charNgramMin
                + ";char_ngram_max=" + charNgramMax
                + ";lowercase=" + lowercase;
    }

    /**
     * Identifies these settings together with the featuriser version: equal fingerprints mean
     * equal ids for every text.
     *
     * @return hex SHA-256 of {@link #canonical()}
     */
    public String fingerprint() {
        return FileDigest.sha256(canonical().getBytes(StandardCharsets.UTF_8));
    }
}
