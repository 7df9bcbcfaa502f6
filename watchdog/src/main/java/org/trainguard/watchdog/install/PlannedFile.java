package org.trainguard.watchdog.install;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A file the installer writes.
 *
 * @param path     where
 * @param text     its content as text, for printing
 * @param bytes    its content as written
 * @param encoding how {@code text} becomes {@code bytes}, in words, for printing
 */
record PlannedFile(Path path, String text, byte[] bytes, String encoding) {

    /** A UTF-8 file. */
    static PlannedFile utf8(Path path, String text) {
        return new PlannedFile(path, text, text.getBytes(StandardCharsets.UTF_8), "UTF-8");
    }
}
