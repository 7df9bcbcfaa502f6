package org.trainguard.config;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/** The values of the sections of {@link TrainguardConfig#EXTRA_SECTIONS}: as read from a file, or at their defaults. */
final class ExtraSections {

    private ExtraSections() {}

    /**
     * @param root the top of the file
     * @param context what the sections may depend on
     * @return every extra section as read; an absent one reads as one with no keys
     */
    static Map<Section<?>, Object> read(YamlSection root, Section.Context context) {
        return each(extra -> extra.read(root.section(extra.keys()), context));
    }

    /**
     * @param context what the sections may depend on
     * @return every extra section at its defaults
     */
    static Map<Section<?>, Object> defaults(Section.Context context) {
        return each(extra -> extra.defaults(context));
    }

    /**
     * @param training the configuration's training section
     * @return the context of a configuration built in code: relative paths resolve against the working folder
     */
    static Section.Context inCode(TrainingConfig training) {
        return new Section.Context(Path.of("").toAbsolutePath(), training);
    }

    private static Map<Section<?>, Object> each(Function<Section<?>, Object> value) {
        Map<Section<?>, Object> values = new HashMap<>();
        TrainguardConfig.EXTRA_SECTIONS.forEach(extra -> values.put(extra, value.apply(extra)));
        return values;
    }
}
