package org.trainguard.examples.library;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A process started by a test, its output kept in a file so that a failure can show it. */
final class ChildProcess {

    final Process process;
    final Path log;

    private ChildProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Starts a command with an empty standard input and both outputs in {@code log}.
     */
    static ChildProcess start(List<String> command, Path workDir, Path log) throws IOException {
        Path empty = Files.createTempFile(log.getParent(), "stdin", ".txt");
        Process p = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectInput(empty.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new ChildProcess(p, log);
    }

    /** Waits for the exit status; a process still running after {@code timeout} is killed and the test fails. */
    int waitFor(Duration timeout) throws IOException, InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("still running after " + timeout + "; output:\n" + output());
        }
        return process.exitValue();
    }

    String output() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** @return the JDK tool of the running JVM, e.g. {@code java} or {@code jshell} */
    static Path jdkTool(String name) {
        Path p = Path.of(System.getProperty("java.home"), "bin", name);
        if (!Files.isExecutable(p)) {
            throw new AssertionError(name + " not found at " + p + ": the tests need a full JDK 17, not a JRE");
        }
        return p;
    }

    /** @return the examples module's folder, where Maven runs the tests */
    static Path moduleDir() {
        return Path.of(System.getProperty("basedir", System.getProperty("user.dir")))
                .toAbsolutePath();
    }
}
