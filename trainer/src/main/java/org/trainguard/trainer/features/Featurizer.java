package org.trainguard.trainer.features;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Turns a text into hashed feature ids, fastText style, so that one model handles English and
 * languages written without spaces (Japanese, Chinese) alike.
 *
 * <h2>Rules (version {@value FeatureSettings#FEATURIZER_VERSION})</h2>
 * <ol>
 * <li>Normalise to NFKC (full-width letters and half-width katakana become their usual forms),
 *     then lower-case with {@code Locale.ROOT} if {@link FeatureSettings#lowercase()}.</li>
 * <li>Words are runs of letters and digits ({@link Character#isLetterOrDigit(int)}); combining
 *     marks inside a run stay with it (Devanagari vowel signs, for example). Everything else
 *     (spaces, punctuation, symbols) separates words and is dropped.</li>
 * <li>A run is also split where its script changes to or from Han, Hiragana, Katakana or Hangul,
 *     so {@code 東京タワーに行きました} gives {@code 東京 / タワー / に / 行 / きました}. Letters of the
 *     Common and Inherited scripts (the long-vowel mark {@code ー}) continue the current word;
 *     digits count as non-CJK, so {@code 2024年} gives {@code 2024 / 年}.</li>
 * <li>Features, each hashed from a tagged string: words {@code "w:" + word}; word bigrams
 *     {@code "b:" + w1 + " " + w2}; longer word n-grams {@code "n3:" + w1 + " " + w2 + " " + w3}
 *     (and so on up to {@link FeatureSettings#wordNgrams()}); character n-grams
 *     {@code "c:" + gram} over {@code "<" + word + ">"} for every length from
 *     {@link FeatureSettings#charNgramMin()} to {@link FeatureSettings#charNgramMax()} code
 *     points, by start position then length, leaving out a lone {@code <} or {@code >}. For
 *     text written without spaces the character n-grams carry most of the signal.</li>
 * <li>Id of a feature string: FNV-1a 64-bit over its UTF-8 bytes, taken unsigned modulo
 *     {@code buckets - 1}, plus 1. Id 0 is never produced; models use it as padding.</li>
 * <li>Order: words in text order, then bigrams, then longer n-grams, then character n-grams,
 *     each in text order. Repeated features are kept: counts carry information.</li>
 * <li>When there are more than {@link FeatureSettings#maxLength()} ids, each kind above gets an
 *     equal share of the room; room a kind does not need goes to the others, earlier kinds first.
 *     A kind that must be cut keeps evenly spaced items, so the whole text stays represented.
 *     (Keeping only words when a long Japanese text fills the room would drop the character
 *     n-grams that carry its signal.)</li>
 * <li>A text with no features at all (empty, or punctuation only) gets the id of {@code "e:"}, so
 *     every text has at least one id.</li>
 * </ol>
 * The same text and settings give the same ids on every JVM and OS. Instances are immutable and
 * safe to share between threads.
 */
public final class Featurizer {

    /** Tagged string of the one feature an empty text gets. */
    static final String EMPTY_FEATURE = "e:";

    private final FeatureSettings settings;
    private final int emptyId;

    /**
     * A featuriser for the given settings.
     *
     * @param settings buckets, lengths and n-gram ranges
     */
    public Featurizer(FeatureSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.emptyId = bucket(EMPTY_FEATURE);
    }

    /** The settings this featuriser applies. */
    public FeatureSettings settings() {
        return settings;
    }

    /**
     * The feature ids of a text.
     *
     * @param text any text; may be empty
     * @return between 1 and {@code maxLength} ids, each in {@code [1, buckets)}
     */
    public int[] featurize(String text) {
        List<String> words = words(text);
        int kinds = settings.wordNgrams() + (settings.charNgrams() ? 1 : 0);
        int[] counts = new int[kinds];
        for (int n = 1; n <= settings.wordNgrams(); n++) {
            counts[n - 1] = Math.max(words.size() - n + 1, 0);
        }
        long[] charsBefore = null;
        if (settings.charNgrams()) {
            charsBefore = new long[words.size() + 1];
            for (int w = 0; w < words.size(); w++) {
                charsBefore[w + 1] = charsBefore[w] + charNgramCount(words.get(w));
            }
            counts[kinds - 1] = Math.toIntExact(charsBefore[words.size()]);
        }
        int total = 0;
        for (int count : counts) {
            total = Math.addExact(total, count);
        }
        if (total == 0) {
            return new int[] {emptyId};
        }
        // Hash only the features that are kept: counting them needs no hashing, and a long text keeps a few
        // hundred of its millions (a 15 MB text took 22 s when every feature was hashed). The ids are exactly
        // those of hashing everything and then picking (rule 7), so caches and checkpoints stay valid.
        int[] take = share(counts, settings.maxLength());
        int[] out = new int[Math.min(total, settings.maxLength())];
        int at = 0;
        for (int i = 0; i < kinds; i++) {
            for (int k = 0; k < take[i]; k++) {
                int index = (int) ((long) k * counts[i] / take[i]);
                out[at++] = settings.charNgrams() && i == kinds - 1
                        ? charNgramAt(words, charsBefore, index)
                        : wordNgramAt(words, i + 1, index);
            }
        }
        return out;
    }

    private int wordNgramAt(List<String> words, int n, int start) {
        long h = FeatureHash.fnv(FeatureHash.FNV_OFFSET, ngramTag(n));
        for (int k = 0; k < n; k++) {
            if (k > 0) {
                h = FeatureHash.step(h, ' ');
            }
            h = FeatureHash.fnv(h, words.get(start + k));
        }
        return toBucket(h);
    }

    /** How many character n-grams {@link #charNgrams} makes of one word. */
    private int charNgramCount(String word) {
        int points = word.codePointCount(0, word.length()) + 2;
        int min = settings.charNgramMin();
        int max = settings.charNgramMax();
        long count = 0;
        for (int start = 0; start < points; start++) {
            int longest = Math.min(max, points - start);
            if (longest >= min) {
                count += longest - min + 1;
            }
            if (min <= 1 && (start == 0 || start == points - 1)) {
                count--; // a lone '<' or '>'
            }
        }
        return Math.toIntExact(count);
    }

    /** The id of the {@code index}-th character n-gram in the order {@link #charNgrams} makes them. */
    private int charNgramAt(List<String> words, long[] charsBefore, int index) {
        int w = Arrays.binarySearch(charsBefore, index);
        if (w < 0) {
            w = -w - 2;
        } else {
            // several empty-count words may share a prefix; the gram belongs to the last word starting there
            while (w + 1 < charsBefore.length && charsBefore[w + 1] == index) {
                w++;
            }
        }
        String word = words.get(w);
        int local = (int) (index - charsBefore[w]);
        int[] points = new int[word.codePointCount(0, word.length()) + 2];
        points[0] = '<';
        int p = 1;
        for (int i = 0; i < word.length(); ) {
            int cp = word.codePointAt(i);
            points[p++] = cp;
            i += Character.charCount(cp);
        }
        points[p] = '>';
        long tag = FeatureHash.fnv(FeatureHash.FNV_OFFSET, "c:");
        int min = settings.charNgramMin();
        int max = settings.charNgramMax();
        for (int start = 0; start < points.length; start++) {
            long h = tag;
            for (int length = 1; length <= max && start + length <= points.length; length++) {
                h = FeatureHash.fnvCodePoint(h, points[start + length - 1]);
                if (length < min || (length == 1 && (start == 0 || start == points.length - 1))) {
                    continue;
                }
                if (local-- == 0) {
                    return toBucket(h);
                }
            }
        }
        throw new IllegalStateException("character n-gram " + index + " is not in word " + w);
    }

    /**
     * The feature ids of a text computed the plain way, hashing every feature before picking: the definition
     * {@link #featurize} must match, kept for tests.
     */
    int[] featurizeHashingAll(String text) {
        List<String> words = words(text);
        int kinds = settings.wordNgrams() + (settings.charNgrams() ? 1 : 0);
        IntList[] ids = new IntList[kinds];
        for (int n = 1; n <= settings.wordNgrams(); n++) {
            IntList list = new IntList(Math.max(words.size() - n + 1, 0));
            long tag = FeatureHash.fnv(FeatureHash.FNV_OFFSET, ngramTag(n));
            for (int start = 0; start + n <= words.size(); start++) {
                long h = tag;
                for (int k = 0; k < n; k++) {
                    if (k > 0) {
                        h = FeatureHash.step(h, ' ');
                    }
                    h = FeatureHash.fnv(h, words.get(start + k));
                }
                list.add(toBucket(h));
            }
            ids[n - 1] = list;
        }
        if (settings.charNgrams()) {
            ids[kinds - 1] = charNgrams(words);
        }
        return select(ids);
    }

    private static String ngramTag(int n) {
        return switch (n) {
            case 1 -> "w:";
            case 2 -> "b:";
            default -> "n" + n + ":";
        };
    }

    private IntList charNgrams(List<String> words) {
        int min = settings.charNgramMin();
        int max = settings.charNgramMax();
        IntList list = new IntList(words.size() * 8);
        long tag = FeatureHash.fnv(FeatureHash.FNV_OFFSET, "c:");
        for (String word : words) {
            int[] points = new int[word.codePointCount(0, word.length()) + 2];
            points[0] = '<';
            int at = 1;
            for (int i = 0; i < word.length(); ) {
                int cp = word.codePointAt(i);
                points[at++] = cp;
                i += Character.charCount(cp);
            }
            points[at] = '>';
            for (int start = 0; start < points.length; start++) {
                long h = tag;
                // each length extends the previous gram by one code point, so the hash is extended too
                for (int length = 1; length <= max && start + length <= points.length; length++) {
                    h = FeatureHash.fnvCodePoint(h, points[start + length - 1]);
                    if (length < min) {
                        continue;
                    }
                    if (length == 1 && (start == 0 || start == points.length - 1)) {
                        continue;
                    }
                    list.add(toBucket(h));
                }
            }
        }
        return list;
    }

    private int[] select(IntList[] ids) {
        int[] counts = new int[ids.length];
        int total = 0;
        for (int i = 0; i < ids.length; i++) {
            counts[i] = ids[i].size;
            total += counts[i];
        }
        if (total == 0) {
            return new int[] {emptyId};
        }
        int[] take = share(counts, settings.maxLength());
        int[] out = new int[Math.min(total, settings.maxLength())];
        int at = 0;
        for (int i = 0; i < ids.length; i++) {
            int count = counts[i];
            int keep = take[i];
            for (int k = 0; k < keep; k++) {
                // evenly spaced picks; with keep == count this is every item
                out[at++] = ids[i].values[(int) ((long) k * count / keep)];
            }
        }
        return out;
    }

    /**
     * How many items of each kind fit into {@code room}: equal shares, with what a kind does not
     * need handed on to the others, earlier kinds first when it does not divide evenly.
     */
    static int[] share(int[] counts, int room) {
        long total = 0;
        for (int count : counts) {
            total += count;
        }
        if (total <= room) {
            return counts.clone();
        }
        int[] take = new int[counts.length];
        boolean[] full = new boolean[counts.length];
        int open = 0;
        for (int i = 0; i < counts.length; i++) {
            full[i] = counts[i] == 0;
            if (!full[i]) {
                open++;
            }
        }
        int left = room;
        while (open > 0 && left > 0) {
            int each = left / open;
            if (each == 0) {
                for (int i = 0; i < counts.length && left > 0; i++) {
                    if (!full[i]) {
                        take[i]++;
                        left--;
                    }
                }
                break;
            }
            boolean satisfied = false;
            for (int i = 0; i < counts.length; i++) {
                if (!full[i] && counts[i] - take[i] <= each) {
                    left -= counts[i] - take[i];
                    take[i] = counts[i];
                    full[i] = true;
                    open--;
                    satisfied = true;
                }
            }
            if (!satisfied) {
                for (int i = 0; i < counts.length; i++) {
                    if (!full[i]) {
                        take[i] += each;
                        left -= each;
                    }
                }
            }
        }
        return take;
    }

    /**
     * The words of a text after normalisation, as featurisation sees them (rules 1 to 3).
     *
     * @param text any text
     * @return the words in text order; empty when the text has none
     */
    public List<String> words(String text) {
        return WordSplitter.words(text, settings.lowercase());
    }

    /**
     * The id of one tagged feature string such as {@code "w:hello"} or {@code "c:<he"}.
     *
     * @param feature the tagged feature string (valid Unicode)
     * @return its id in {@code [1, buckets)}
     */
    public int bucket(String feature) {
        return toBucket(FeatureHash.fnv(FeatureHash.FNV_OFFSET, feature));
    }

    /**
     * FNV-1a 64-bit hash of a string's UTF-8 bytes.
     *
     * @param text valid Unicode text
     * @return the hash, to be read as unsigned
     */
    public static long fnv1a64(String text) {
        return FeatureHash.fnv(FeatureHash.FNV_OFFSET, text);
    }

    private int toBucket(long hash) {
        return (int) Long.remainderUnsigned(hash, settings.buckets() - 1L) + 1;
    }

    /** A growable int array; avoids boxing a few hundred ids per text. */
    private static final class IntList {
        int[] values;
        int size;

        IntList(int capacity) {
            values = new int[Math.max(capacity, 4)];
        }

        void add(int value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }
    }
}
