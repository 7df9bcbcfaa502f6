package org.trainguard.watchdog.install;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs the service manager's commands ({@code systemctl}, {@code schtasks}, {@code launchctl}) and
 * {@code java -version}, with a time limit and their output captured.
 */
final class CommandRunner {

    /** Long enough for {@code systemctl enable --now} or a cold {@code java -version}. */
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    /**
     * How a command ended.
     *
     * @param exitCode its exit status
     * @param output   standard output and error together, stripped
     */
    record Outcome(int exitCode, String output) {

        /** @return whether it exited with 0 */
        boolean succeeded() {
            return exitCode == 0;
        }

        /** @return the output on one line, shortened, for a message */
        String summary() {
            String oneLine = output.strip().replaceAll("\\s*\\R\\s*", " / ");
            return oneLine.length() <= 300 ? oneLine : oneLine.substring(0, 300) + "...";
        }
    }

    private final Optional<Path> programs;

    private CommandRunner(Optional<Path> programs) {
        this.programs = programs;
    }

    /** Runs programs as found on the PATH. */
    static CommandRunner system() {
        return new CommandRunner(Optional.empty());
    }

    /**
     * Runs a program from {@code folder} when the folder has one of that name, else as found on the PATH. Tests put
     * small scripts named {@code systemctl} there to see how the installer handles a service manager that fails.
     *
     * @param folder the folder searched first
     * @return the runner
     */
    static CommandRunner preferring(Path folder) {
        return new CommandRunner(Optional.of(folder));
    }

    /**
     * Runs a command and waits for it.
     *
     * @param argv    the program and its arguments
     * @param timeout the longest to wait; the process is killed after it
     * @return how it ended
     * @throws IOException when the program cannot be started (not found, not executable) or did not finish in time
     */
    Outcome run(List<String> argv, Duration timeout) throws IOException {
        List<String> command = new ArrayList<>(argv);
        if (programs.isPresent() && Files.isExecutable(programs.get().resolve(argv.get(0)))) {
            command.set(0, programs.get().resolve(argv.get(0)).toString());
        }
        Path output = Files.createTempFile("trainguard-command", ".out");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            // Nothing is typed into these commands; a closed input makes a prompt fail instead of waiting.
            process.getOutputStream().close();
            boolean finished;
            try {
                finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException interrupted) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for " + argv.get(0), interrupted);
            }
            if (!finished) {
                process.destroyForcibly();
                throw new IOException(argv.get(0) + " did not finish within " + timeout.toSeconds() + "s");
            }
            return new Outcome(
                    process.exitValue(),
                    Files.readString(output, Charset.defaultCharset()).strip());
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
