package org.trainguard.trainer.cli;

/**
 * Text from files or other people, made safe to print on a terminal: control characters (escape sequences that
 * move the cursor, retitle the window or clear the screen), C1 controls and bidirectional overrides are shown as
 * escapes instead of being obeyed.
 */
final class TerminalText {

    private TerminalText() {}

    /**
     * @param text any text
     * @return the text with {@code \t}, {@code \n}, {@code \r}, {@code \e} and other controls written as escapes
     */
    static String escape(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String replacement =
                    switch (c) {
                        case '\t' -> "\\t";
                        case '\n' -> "\\n";
                        case '\r' -> "\\r";
                        case 0x1b -> "\\e";
                        default -> unsafe(c) ? String.format("\\u%04x", (int) c) : null;
                    };
            if (replacement != null && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (out != null) {
                if (replacement != null) {
                    out.append(replacement);
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? text : out.toString();
    }

    private static boolean unsafe(char c) {
        return c < 0x20
                || (c >= 0x7f && c <= 0x9f)
                || c == 0x2028
                || c == 0x2029
                || (c >= 0x202a && c <= 0x202e)
                || (c >= 0x2066 && c <= 0x2069);
    }
}
