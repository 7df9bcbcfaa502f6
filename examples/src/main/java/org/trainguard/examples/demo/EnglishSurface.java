package org.trainguard.examples.demo;

import java.util.Locale;
import java.util.SplittableRandom;

/** How English requests are typed: greetings, side remarks, casing, chat abbreviations and typos. */
final class EnglishSurface implements SurfaceStyle {

    private static final String[] PREFIXES = {
        "Hi,",
        "Hey",
        "Hello,",
        "Hi there!",
        "Quick question:",
        "Please",
        "Excuse me,",
        "Um,",
        "Ok so",
        "So",
        "Good morning,",
        "Can you help?",
        "Help!",
        "Hey there,",
        "Question:",
        "Hello assistant,",
        "Hi again,",
        "Sorry to bother you,",
        "Yo,",
        "Hiya,",
    };
    private static final String[] SUFFIXES = {
        "Thanks",
        "Thank you!",
        "thx",
        "pls",
        "Please.",
        "asap",
        "Appreciate it.",
        "Cheers",
        "Thanks in advance.",
        "Quickly please.",
        ":)",
        "ty",
        "Any help is appreciated.",
        "Thanks a lot!",
        "please help",
        "Much appreciated!",
    };
    // side remarks appear with every label, so none of them tells the classes apart
    private static final String[] REMARKS = {
        "I'm on my {device}.",
        "Sorry if this is a dumb question.",
        "I've been [trying|stuck on this] for {duration}.",
        "My friend said you could help.",
        "First time using this.",
        "This is kind of urgent.",
        "I already searched online.",
        "I need this {time}.",
        "Not sure who else to ask.",
        "Be honest with me.",
        "Keep it short.",
        "Explain it simply please.",
        "I'm not very good with tech.",
        "Asking for a friend.",
        "It's for a school project.",
        "I'm a security researcher.",
        "My boss wants this today.",
        "English is not my first language.",
        "Sorry for the long message.",
        "Please answer fast.",
        "I'm writing from {city}.",
        "Just tell me straight.",
    };
    private static final String[][] CHAT_WORDS = {
        {"you", "u"},
        {"please", "pls"},
        {"because", "bc"},
        {"are", "r"},
        {"thanks", "thx"},
        {"probably", "prob"},
        {"tomorrow", "tmrw"},
        {"really", "rly"},
        {"something", "smth"},
    };
    private static final String[] KEYBOARD_ROWS = {"qwertyuiop", "asdfghjkl", "zxcvbnm"};

    private final TemplateRenderer renderer;

    /**
     * Creates the style.
     *
     * @param renderer renders the side remarks, which use the English slots
     */
    EnglishSurface(TemplateRenderer renderer) {
        this.renderer = renderer;
    }

    @Override
    public String apply(String request, SplittableRandom rng) {
        String text = request;
        if (rng.nextDouble() < 0.18) {
            String remark = renderer.render(SurfaceStyle.pick(rng, REMARKS), rng);
            text = rng.nextBoolean() ? remark + " " + text : text + " " + remark;
        }
        if (rng.nextDouble() < 0.30) {
            text = SurfaceStyle.pick(rng, PREFIXES) + " " + lowerFirstUnlessPronoun(text);
        }
        if (rng.nextDouble() < 0.25) {
            text = text + " " + SurfaceStyle.pick(rng, SUFFIXES);
        }
        text = varyEnding(text, rng);
        if (rng.nextDouble() < 0.10) {
            text = text.replace("'", "");
        }
        if (rng.nextDouble() < 0.05) {
            text = chatWords(text);
        }
        text = varyCase(text, rng);
        if (rng.nextDouble() < 0.09) {
            int typos = rng.nextDouble() < 0.7 ? 1 : 2;
            for (int i = 0; i < typos; i++) {
                text = typo(text, rng);
            }
        }
        return text;
    }

    private static String lowerFirstUnlessPronoun(String text) {
        if (text.startsWith("I ")
                || text.startsWith("I'")
                || text.length() < 2
                || Character.isUpperCase(text.charAt(1))) {
            return text;
        }
        return Character.toLowerCase(text.charAt(0)) + text.substring(1);
    }

    private static String varyEnding(String text, SplittableRandom rng) {
        double r = rng.nextDouble();
        char last = text.charAt(text.length() - 1);
        if ((last == '?' || last == '.') && r < 0.22) {
            return text.substring(0, text.length() - 1);
        }
        if (last == '?' && r < 0.27) {
            return text + "?";
        }
        if (last == '!' && r < 0.30) {
            return text + "!";
        }
        return text;
    }

    private static String chatWords(String text) {
        String result = " " + text + " ";
        for (String[] pair : CHAT_WORDS) {
            result = result.replace(" " + pair[0] + " ", " " + pair[1] + " ");
        }
        return result.strip();
    }

    private static String varyCase(String text, SplittableRandom rng) {
        double r = rng.nextDouble();
        if (r < 0.62) {
            return text;
        }
        if (r < 0.88) {
            return text.toLowerCase(Locale.ROOT);
        }
        if (r < 0.91) {
            return text.toUpperCase(Locale.ROOT);
        }
        if (r < 0.96) {
            // one shouted word, the way people stress what matters to them
            String[] words = text.split(" ");
            int i = rng.nextInt(words.length);
            if (words[i].length() >= 3) {
                words[i] = words[i].toUpperCase(Locale.ROOT);
            }
            return String.join(" ", words);
        }
        return titleCase(text);
    }

    private static String titleCase(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        boolean start = true;
        for (char c : text.toCharArray()) {
            sb.append(start ? Character.toUpperCase(c) : c);
            start = c == ' ';
        }
        return sb.toString();
    }

    /** One slip of the fingers inside a word of four or more letters. */
    private static String typo(String text, SplittableRandom rng) {
        String[] words = text.split(" ");
        for (int attempt = 0; attempt < 6; attempt++) {
            int w = rng.nextInt(words.length);
            String word = words[w];
            if (word.length() < 4 || !word.chars().allMatch(Character::isLetter)) {
                continue;
            }
            int p = 1 + rng.nextInt(word.length() - 2);
            char[] cs = word.toCharArray();
            switch (rng.nextInt(4)) {
                case 0 -> {
                    char t = cs[p];
                    cs[p] = cs[p + 1];
                    cs[p + 1] = t;
                    words[w] = new String(cs);
                }
                case 1 -> words[w] = word.substring(0, p) + word.substring(p + 1);
                case 2 -> words[w] = word.substring(0, p) + cs[p] + word.substring(p);
                default -> words[w] = word.substring(0, p) + neighbour(cs[p], rng) + word.substring(p + 1);
            }
            return String.join(" ", words);
        }
        return text;
    }

    private static char neighbour(char c, SplittableRandom rng) {
        char lower = Character.toLowerCase(c);
        for (String row : KEYBOARD_ROWS) {
            int i = row.indexOf(lower);
            if (i >= 0) {
                int j = i == 0 ? 1 : i == row.length() - 1 ? i - 1 : i + (rng.nextBoolean() ? 1 : -1);
                char n = row.charAt(j);
                return Character.isUpperCase(c) ? Character.toUpperCase(n) : n;
            }
        }
        return c;
    }
}
