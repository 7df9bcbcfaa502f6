package org.trainguard.trainer.features;

/**
 * FNV-1a 64-bit hashing of UTF-8 bytes, fed one code point at a time so that a feature's hash can be
 * extended without building its string or a byte array (rule 5 of {@link Featurizer}).
 */
final class FeatureHash {

    static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private FeatureHash() {}

    static long fnv(long hash, String text) {
        long h = hash;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            h = fnvCodePoint(h, cp);
        }
        return h;
    }

    /** Feeds the UTF-8 bytes of one code point, without building a byte array per feature. */
    static long fnvCodePoint(long hash, int cp) {
        if (cp < 0x80) {
            return step(hash, cp);
        }
        if (cp < 0x800) {
            return step(step(hash, 0xC0 | (cp >>> 6)), 0x80 | (cp & 0x3F));
        }
        if (cp < 0x10000) {
            return step(step(step(hash, 0xE0 | (cp >>> 12)), 0x80 | ((cp >>> 6) & 0x3F)), 0x80 | (cp & 0x3F));
        }
        return step(
                step(step(step(hash, 0xF0 | (cp >>> 18)), 0x80 | ((cp >>> 12) & 0x3F)), 0x80 | ((cp >>> 6) & 0x3F)),
                0x80 | (cp & 0x3F));
    }

    static long step(long hash, int octet) {
        return (hash ^ (octet & 0xFF)) * FNV_PRIME;
    }
}
