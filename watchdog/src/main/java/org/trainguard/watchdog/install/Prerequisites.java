package org.trainguard.watchdog.install;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The checks an install makes before it writes anything, each giving a message that says what to fix. */
final class Prerequisites {

    private Prerequisites() {}

    /**
     * Checks that a java executable is Java 17 or newer by running {@code <java> -version}.
     *
     * @param java   the executable
     * @param runner runs it
     * @return the check
     */
    static Check javaVersion(Path java, CommandRunner runner) {
        if (!Files.isRegularFile(java)) {
            return Check.failed("java not found: " + java + " (pass --java with the path of a Java "
                    + JavaVersion.REQUIRED + " or newer java executable)");
        }
        CommandRunner.Outcome outcome;
        try {
            outcome = runner.run(List.of(java.toString(), "-version"), CommandRunner.TIMEOUT);
        } catch (IOException cannotRun) {
            return Check.failed("cannot run " + java + " -version: " + cannotRun.getMessage());
        }
        Optional<Integer> version = JavaVersion.parse(outcome.output());
        if (!outcome.succeeded() || version.isEmpty()) {
            return Check.failed(java + " -version did not print a Java version (exit code " + outcome.exitCode() + "): "
                    + outcome.summary());
        }
        return version(java.toString(), version.get());
    }

    /**
     * Checks a known Java feature version.
     *
     * @param java    the executable, for the message
     * @param feature its feature version
     * @return the check
     */
    static Check version(String java, int feature) {
        if (feature < JavaVersion.REQUIRED) {
            return Check.failed("java " + java + " is version " + feature + "; the watchdog needs Java "
                    + JavaVersion.REQUIRED + " or newer (pass --java with the path of a newer java)");
        }
        return Check.ok("java " + java + " is version " + feature);
    }

    /**
     * Checks that watchdog.jar exists.
     *
     * @param jar the jar
     * @return the check
     */
    static Check watchdogJar(Path jar) {
        if (Files.isDirectory(jar)) {
            return Check.failed("watchdog jar " + jar + " is a folder, not a jar (pass --watchdog-jar with the path "
                    + "of watchdog.jar)");
        }
        if (!Files.isRegularFile(jar)) {
            return Check.failed(
                    "watchdog jar not found: " + jar + " (pass --watchdog-jar with the path of " + "watchdog.jar)");
        }
        return Check.ok("watchdog jar " + jar + " exists");
    }

    /**
     * Checks that a folder exists and is writable, or can be created: its nearest existing parent is a writable
     * folder.
     *
     * @param what   what the folder is for, e.g. {@code output folder}
     * @param folder the folder
     * @return the check
     */
    static Check writableFolder(String what, Path folder) {
        Path existing = folder.toAbsolutePath().normalize();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return Check.failed(what + " " + folder + " cannot be created: no part of that path exists");
        }
        if (!Files.isDirectory(existing)) {
            return Check.failed(what + " " + folder
                    + (existing.equals(folder)
                            ? " is a file, not a folder"
                            : " cannot be created: " + existing + " is a file, not a folder"));
        }
        if (!Files.isWritable(existing)) {
            return Check.failed(what + " " + folder
                    + (existing.equals(folder)
                            ? " is not writable"
                            : " cannot be created: " + existing + " is not writable"));
        }
        return Check.ok(what + " " + folder + (existing.equals(folder) ? " is writable" : " can be created"));
    }

    /**
     * Checks that a path can be written into a service definition: no line breaks or other control characters,
     * which no service manager's format can carry.
     *
     * @param what what the path is, e.g. {@code config}
     * @param path the path as it will be written
     * @return the check, or empty when the path is fine
     */
    static Optional<Check> printable(String what, String path) {
        for (int i = 0; i < path.length(); i++) {
            if (Character.isISOControl(path.charAt(i))) {
                return Optional.of(Check.failed(what + " path contains a control character (U+"
                        + String.format("%04X", (int) path.charAt(i)) + "), which a service definition cannot "
                        + "hold: " + path.replaceAll("\\p{Cntrl}", "?")));
            }
        }
        return Optional.empty();
    }
}
