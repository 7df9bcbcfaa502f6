package org.trainguard.config;

import java.util.Map;

/**
 * A top-level section of the configuration beyond the built-in ones. A new section is one record file, which
 * declares its {@link Key}s and one {@code Section} constant, plus one line naming that constant in
 * {@link TrainguardConfig#EXTRA_SECTIONS}; its value is then {@link TrainguardConfig#section(Section)}.
 *
 * @param <T> the section's record
 */
public interface Section<T> {

    /** @return the section's keys; {@link Keys#section()} is its name in the file */
    Keys keys();

    /**
     * Reads the section; an absent or {@code null} section reads as one with no keys.
     *
     * @param section the section's keys and values
     * @param context what relative paths resolve against, and the run folder
     * @return the section's value, checked
     */
    T read(YamlSection section, Context context);

    /**
     * The section's defaults.
     *
     * @param context what relative paths resolve against, and the run folder
     * @return the value of a section that is not written
     */
    T defaults(Context context);

    /**
     * The section's keys and values as {@link TrainguardConfig#toMap()} writes them; a section at its defaults is left
     * out of that map, so the canonical text of configurations that do not use it stays unchanged.
     *
     * @param value the section's value
     * @return the map
     */
    Map<String, Object> toMap(T value);

    /**
     * What a section may depend on.
     *
     * @param baseDir  the folder relative paths resolve against
     * @param training the run's training section, read before every section of
     *                 {@link TrainguardConfig#EXTRA_SECTIONS}
     */
    record Context(java.nio.file.Path baseDir, TrainingConfig training) {

        /** @return the run folder */
        public java.nio.file.Path outputDir() {
            return training.outputDir();
        }
    }
}
