package org.trainguard.examples.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

/**
 * Turns a phrasing template into one concrete request.
 *
 * <p>Syntax: {@code [a|b|c]} picks one alternative ({@code [a|]} makes a part optional), alternatives
 * nest; {@code {slot}} is replaced by a filler from {@link SlotPools}, and a filler may use the same
 * syntax. A small grammar rather than a list of finished sentences gives each intent hundreds of
 * surface forms from a few lines.
 */
final class TemplateRenderer {

    private static final int MAX_DEPTH = 8;
    private static final Pattern SPACES = Pattern.compile(" {2,}");
    private static final Pattern SPACE_BEFORE_PUNCTUATION = Pattern.compile(" ([,.?!:;])");

    private final SlotPools slots;

    /**
     * Creates a renderer over the given fillers.
     *
     * @param slots the pools {@code {slot}} placeholders draw from
     */
    TemplateRenderer(SlotPools slots) {
        this.slots = slots;
    }

    /**
     * Renders a template, choosing alternatives and fillers with {@code rng}.
     *
     * @param template the phrasing
     * @param rng the random source; the same state gives the same text
     * @return the text with runs of spaces collapsed and no space before punctuation
     * @throws IllegalArgumentException when the template is malformed or names an unknown slot
     */
    String render(String template, SplittableRandom rng) {
        StringBuilder out = new StringBuilder(template.length() + 32);
        renderInto(template, template, rng, out, 0);
        return tidy(out);
    }

    private void renderInto(String root, String t, SplittableRandom rng, StringBuilder out, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("template nests deeper than " + MAX_DEPTH + ": " + root);
        }
        int i = 0;
        while (i < t.length()) {
            char c = t.charAt(i);
            if (c == '[') {
                int end = matching(root, t, i);
                List<String> alternatives = splitTopLevel(t.substring(i + 1, end));
                String chosen = alternatives.get(rng.nextInt(alternatives.size()));
                renderInto(root, chosen, rng, out, depth + 1);
                i = end + 1;
            } else if (c == '{') {
                int end = t.indexOf('}', i);
                if (end < 0) {
                    throw new IllegalArgumentException("unclosed '{' at " + i + " in template: " + root);
                }
                String name = t.substring(i + 1, end);
                SlotPools.Slot slot = slots.find(name)
                        .orElseThrow(
                                () -> new IllegalArgumentException("unknown slot {" + name + "} in template: " + root));
                renderInto(root, slot.fill(rng), rng, out, depth + 1);
                i = end + 1;
            } else if (c == ']' || c == '}' || (c == '|' && depth == 0)) {
                throw new IllegalArgumentException("stray '" + c + "' at " + i + " in template: " + root);
            } else {
                out.append(c);
                i++;
            }
        }
    }

    private static int matching(String root, String t, int open) {
        int level = 0;
        for (int i = open; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '[') {
                level++;
            } else if (c == ']') {
                level--;
                if (level == 0) {
                    return i;
                }
            }
        }
        throw new IllegalArgumentException("unclosed '[' at " + open + " in template: " + root);
    }

    private static List<String> splitTopLevel(String body) {
        List<String> parts = new ArrayList<>();
        int level = 0;
        int start = 0;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '[') {
                level++;
            } else if (c == ']') {
                level--;
            } else if (c == '|' && level == 0) {
                parts.add(body.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(body.substring(start));
        return parts;
    }

    /** Optional parts leave double spaces and spaces before punctuation behind; remove them. */
    private static String tidy(CharSequence raw) {
        String once = SPACES.matcher(raw).replaceAll(" ");
        return SPACE_BEFORE_PUNCTUATION.matcher(once).replaceAll("$1").strip();
    }
}
