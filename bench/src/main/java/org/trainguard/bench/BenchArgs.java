package org.trainguard.bench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Command-line options of the benchmarks: {@code --name value} pairs and {@code --flag}s. Unknown
 * options and malformed values are errors naming the option and the value found.
 */
public final class BenchArgs {

    private final Map<String, String> values = new LinkedHashMap<>();

    private BenchArgs() {}

    /**
     * @param args the command line
     * @param withValue options that take a value, without the leading dashes
     * @param flags options that take none
     * @return the parsed options
     * @throws BenchmarkException for an unknown option or a missing value
     */
    public static BenchArgs parse(String[] args, Set<String> withValue, Set<String> flags) {
        BenchArgs parsed = new BenchArgs();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new BenchmarkException(
                        "unexpected argument " + quote(arg) + "; options are " + usage(withValue, flags));
            }
            String name = arg.substring(2);
            String inline = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                inline = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (flags.contains(name) && inline == null) {
                parsed.values.put(name, "true");
            } else if (withValue.contains(name)) {
                if (inline == null) {
                    if (i + 1 >= args.length) {
                        throw new BenchmarkException("option --" + name + " needs a value");
                    }
                    inline = args[++i];
                }
                parsed.values.put(name, inline);
            } else {
                throw new BenchmarkException(
                        "unknown option " + quote(arg) + "; options are " + usage(withValue, flags));
            }
        }
        return parsed;
    }

    private static String usage(Set<String> withValue, Set<String> flags) {
        StringBuilder sb = new StringBuilder();
        withValue.forEach(n ->
                sb.append(sb.length() == 0 ? "" : ", ").append("--").append(n).append(" VALUE"));
        flags.forEach(n -> sb.append(sb.length() == 0 ? "" : ", ").append("--").append(n));
        return sb.toString();
    }

    private static String quote(String s) {
        return "\"" + s + "\"";
    }

    /**
     * @param name an option without dashes
     * @return its value, when given
     */
    public Optional<String> string(String name) {
        return Optional.ofNullable(values.get(name));
    }

    /**
     * @param name an option without dashes
     * @param fallback the value when it is not given
     * @return the value as a path
     */
    public Path path(String name, Path fallback) {
        return string(name).map(Path::of).orElse(fallback);
    }

    /**
     * @param name an option without dashes
     * @param fallback the value when it is not given
     * @return the value as an int
     * @throws BenchmarkException when the value is not a whole number
     */
    public int integer(String name, int fallback) {
        Optional<String> v = string(name);
        if (v.isEmpty()) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.get().trim());
        } catch (NumberFormatException e) {
            throw new BenchmarkException("option --" + name + " must be a whole number, found " + quote(v.get()));
        }
    }

    /**
     * @param name a flag without dashes
     * @return whether it was given
     */
    public boolean flag(String name) {
        return values.containsKey(name);
    }
}
