package org.trainguard.watchdog.install;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How many folders above a service file install created, so that uninstall removes exactly those again (when
 * empty) and never a folder the user had before, even an empty one. Each installed file records the number in a
 * comment: {@code install-created-folders: 2}.
 */
final class CreatedFolders {

    private static final String KEY = "install-created-folders: ";
    private static final Pattern RECORD = Pattern.compile(Pattern.quote(KEY) + "(\\d+)");

    private CreatedFolders() {}

    /**
     * The number to record for a file about to be written: on a reinstall, what the existing file recorded; else
     * how many folders above it do not exist yet.
     *
     * @param file the service file
     * @return the number of folders install creates (or created) for it
     */
    static int toRecord(Path file) {
        if (Files.isRegularFile(file)) {
            return recorded(file);
        }
        int missing = 0;
        for (Path folder = file.toAbsolutePath().getParent();
                folder != null && !Files.exists(folder);
                folder = folder.getParent()) {
            missing++;
        }
        return missing;
    }

    /**
     * The number an installed file recorded.
     *
     * @param file a file written by install (UTF-8, or UTF-16LE with a byte order mark)
     * @return the number, 0 when the file records none or cannot be read
     */
    static int recorded(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            String text = bytes.length >= 2 && bytes[0] == (byte) 0xFF && bytes[1] == (byte) 0xFE
                    ? new String(bytes, 2, bytes.length - 2, StandardCharsets.UTF_16LE)
                    : new String(bytes, StandardCharsets.UTF_8);
            Matcher m = RECORD.matcher(text);
            return m.find() ? Integer.parseInt(m.group(1)) : 0;
        } catch (IOException | NumberFormatException unreadable) {
            // Leaving an empty folder behind is harmless; removing one the user made is not.
            return 0;
        }
    }

    /**
     * The comment text that records the number.
     *
     * @param count the number of folders install created
     * @return e.g. {@code install-created-folders: 2 (uninstall removes them again when empty)}
     */
    static String comment(int count) {
        return KEY + count + " (uninstall removes them again when empty)";
    }
}
