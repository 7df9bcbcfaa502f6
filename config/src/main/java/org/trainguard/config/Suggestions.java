package org.trainguard.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** "Did you mean" hints for misspelled keys and labels, by edit distance. */
final class Suggestions {

    private Suggestions() {}

    /**
     * The candidate closest to {@code input}, if it is close enough to be a plausible typo: at most two edits,
     * or a third of the input's length for long names. Case is ignored so {@code batchSize} finds
     * {@code batch_size}.
     */
    static Optional<String> closest(String input, Collection<String> candidates) {
        String wanted = input.toLowerCase(Locale.ROOT);
        int limit = Math.max(2, wanted.length() / 3);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int distance = distance(wanted, candidate.toLowerCase(Locale.ROOT));
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return bestDistance <= limit && bestDistance < wanted.length() ? Optional.of(best) : Optional.empty();
    }

    /** {@code "; did you mean <prefix><candidate>?"} or an empty string when nothing is close. */
    static String didYouMean(String input, Collection<String> candidates, String prefix) {
        return closest(input, candidates)
                .map(c -> "; did you mean " + prefix + c + "?")
                .orElse("");
    }

    /** Levenshtein distance: insertions, deletions and substitutions each cost one. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
