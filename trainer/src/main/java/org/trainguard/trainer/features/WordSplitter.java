package org.trainguard.trainer.features;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits a text into the words {@link Featurizer} sees: NFKC normalisation, optional lower-casing,
 * runs of letters and digits with their combining marks, split again where the script changes to or
 * from Han, Hiragana, Katakana or Hangul (rules 1 to 3 of {@link Featurizer}).
 */
final class WordSplitter {

    private static final int NOT_YET = 0;
    private static final int OTHER = 1;
    private static final int HAN = 2;
    private static final int HIRAGANA = 3;
    private static final int KATAKANA = 4;
    private static final int HANGUL = 5;
    private static final int CONTINUES = 6;

    private WordSplitter() {}

    /**
     * The words of a text after normalisation.
     *
     * @param text      any text
     * @param lowercase whether to lower-case with {@code Locale.ROOT} after normalising
     * @return the words in text order; empty when the text has none
     */
    static List<String> words(String text, boolean lowercase) {
        String normal = Normalizer.normalize(text, Normalizer.Form.NFKC);
        if (lowercase) {
            normal = normal.toLowerCase(Locale.ROOT);
        }
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        int wordScript = NOT_YET;
        for (int i = 0; i < normal.length(); ) {
            int cp = normal.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isLetterOrDigit(cp)) {
                int script = script(cp);
                if (script != CONTINUES) {
                    if (wordScript != NOT_YET && script != wordScript && !word.isEmpty()) {
                        words.add(word.toString());
                        word.setLength(0);
                    }
                    wordScript = script;
                }
                word.appendCodePoint(cp);
            } else if (isMark(cp) && !word.isEmpty()) {
                word.appendCodePoint(cp);
            } else if (!word.isEmpty()) {
                words.add(word.toString());
                word.setLength(0);
                wordScript = NOT_YET;
            } else {
                wordScript = NOT_YET;
            }
        }
        if (!word.isEmpty()) {
            words.add(word.toString());
        }
        return words;
    }

    private static boolean isMark(int cp) {
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK
                || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK;
    }

    /** Script class of a letter or digit; only changes between CJK classes and the rest split words. */
    private static int script(int cp) {
        if (Character.isDigit(cp)) {
            return OTHER;
        }
        return switch (Character.UnicodeScript.of(cp)) {
            case HAN -> HAN;
            case HIRAGANA -> HIRAGANA;
            case KATAKANA -> KATAKANA;
            case HANGUL -> HANGUL;
            case COMMON, INHERITED -> CONTINUES;
            default -> OTHER;
        };
    }
}
