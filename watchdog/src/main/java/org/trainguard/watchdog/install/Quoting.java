package org.trainguard.watchdog.install;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Quoting of paths and arguments for each file format and shell the installer writes. */
final class Quoting {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_@+=:,./-]+");
    private static final Pattern PLAIN_WINDOWS = Pattern.compile("[A-Za-z0-9_@+=:,./\\\\-]+");

    private Quoting() {}

    /** One word for a POSIX shell, quoted only when it needs it. */
    static String posix(String word) {
        if (PLAIN.matcher(word).matches()) {
            return word;
        }
        return "'" + word.replace("'", "'\"'\"'") + "'";
    }

    /** A command line for a POSIX shell. */
    static String posix(List<String> words) {
        return words.stream().map(Quoting::posix).collect(Collectors.joining(" "));
    }

    /**
     * One argument for a Windows command line (the rules of the Microsoft C runtime that {@code java.exe} and
     * {@code schtasks.exe} use): inside double quotes, backslashes before a quote are doubled.
     *
     * @param word   the argument
     * @param always quote even a plain word (paths, for readability and safety)
     */
    static String windows(String word, boolean always) {
        if (!always && PLAIN_WINDOWS.matcher(word).matches()) {
            return word;
        }
        StringBuilder quoted = new StringBuilder("\"");
        int backslashes = 0;
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            if (c == '\\') {
                backslashes++;
                continue;
            }
            if (c == '"') {
                quoted.append("\\".repeat(backslashes * 2 + 1)).append('"');
            } else {
                quoted.append("\\".repeat(backslashes)).append(c);
            }
            backslashes = 0;
        }
        return quoted.append("\\".repeat(backslashes * 2)).append('"').toString();
    }

    /**
     * One word of a systemd {@code ExecStart=} line, always in double quotes: systemd reads C escapes inside them,
     * expands {@code %} specifiers and {@code $} variables everywhere, so those are escaped.
     */
    static String systemdWord(String word) {
        return "\""
                + word.replace("\\", "\\\\")
                        .replace("\"", "\\\"")
                        .replace("%", "%%")
                        .replace("$", "$$") + "\"";
    }

    /** A systemd setting's value that is taken as is apart from {@code %} specifiers. */
    static String systemdValue(String value) {
        return value.replace("%", "%%");
    }

    /** Text for an XML element: only the characters that would end or start markup are escaped. */
    static String xmlText(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Text for an XML element or attribute value in either kind of quotes. */
    static String xml(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** Text in a Windows batch file, where {@code %} starts a variable even inside quotes. */
    static String batch(String text) {
        return text.replace("%", "%%");
    }
}
