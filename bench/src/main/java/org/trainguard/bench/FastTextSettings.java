package org.trainguard.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Settings of one {@code fasttext supervised} run, and how its input text is prepared.
 *
 * @param epoch passes over the training data ({@code -epoch})
 * @param learningRate {@code -lr}
 * @param wordNgrams longest word n-gram ({@code -wordNgrams})
 * @param dim size of the word vectors ({@code -dim})
 * @param minn shortest character n-gram, 0 for none ({@code -minn})
 * @param maxn longest character n-gram, 0 for none ({@code -maxn})
 * @param bucket hash buckets for n-grams ({@code -bucket})
 * @param tokenized whether the text is lower-cased with punctuation split off, as fastText's own
 *     {@code classification-example.sh} does; otherwise only whitespace is normalized
 */
public record FastTextSettings(
        int epoch, double learningRate, int wordNgrams, int dim, int minn, int maxn, int bucket, boolean tokenized) {

    /** Checks the ranges fastText accepts. */
    public FastTextSettings {
        if (epoch < 1) {
            throw new IllegalArgumentException("fastText epoch must be >= 1, found " + epoch);
        }
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("fastText lr must be > 0, found " + learningRate);
        }
        if (wordNgrams < 1 || dim < 1 || bucket < 1) {
            throw new IllegalArgumentException("fastText wordNgrams, dim and bucket must be >= 1, found " + wordNgrams
                    + ", " + dim + ", " + bucket);
        }
        if (minn < 0 || maxn < minn) {
            throw new IllegalArgumentException(
                    "fastText needs 0 <= minn <= maxn, found minn " + minn + ", maxn " + maxn);
        }
    }

    /**
     * @return the training options after {@code -input} and {@code -output}, without {@code -thread}
     *     and {@code -seed}
     */
    public List<String> arguments() {
        List<String> a = new ArrayList<>();
        a.add("-epoch");
        a.add(Integer.toString(epoch));
        a.add("-lr");
        a.add(number(learningRate));
        a.add("-wordNgrams");
        a.add(Integer.toString(wordNgrams));
        a.add("-dim");
        a.add(Integer.toString(dim));
        a.add("-minn");
        a.add(Integer.toString(minn));
        a.add("-maxn");
        a.add(Integer.toString(maxn));
        a.add("-bucket");
        a.add(Integer.toString(bucket));
        return a;
    }

    /** @return the options as a reader types them, with the text preparation, for tables */
    public String describe() {
        return String.join(" ", arguments()) + (tokenized ? " (tokenized text)" : " (raw text)");
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? String.format(Locale.ROOT, "%.1f", v) : Double.toString(v);
    }

    /**
     * Prepares a text as one line of fastText input: line breaks and runs of spaces become one
     * space; with {@code tokenized}, also lower-cased with {@code . , ( ) ! ? '} set apart and
     * {@code " ; :} dropped, like {@code normalize_text} in fastText's {@code classification-example.sh}.
     *
     * @param text the example's text
     * @return one line without a line break
     */
    public String prepare(String text) {
        String t = text;
        if (tokenized) {
            t = t.toLowerCase(Locale.ROOT)
                    .replace("'", " ' ")
                    .replace("\"", "")
                    .replace(".", " . ")
                    .replace("<br />", " ")
                    .replace(",", " , ")
                    .replace("(", " ( ")
                    .replace(")", " ) ")
                    .replace("!", " ! ")
                    .replace("?", " ? ")
                    .replace(";", " ")
                    .replace(":", " ");
        }
        return t.strip().replaceAll("\\s+", " ");
    }
}
