package org.trainguard.watchdog.install;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.trainguard.testing.Processes;
import picocli.CommandLine;

/**
 * A run on disk for install tests: a config file with its training data, a stand-in watchdog.jar and an empty home
 * folder, all under one temporary folder.
 */
final class Fixture {

    /** What a command printed and returned. */
    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- out ---\n" + out + "\n--- err ---\n" + err;
        }
    }

    final Path root;
    final Path config;
    final Path jar;
    final Path home;
    final Path outputDir;

    /** A run whose folder is {@code root/<runFolder>}. */
    Fixture(Path root, String runFolder) throws IOException {
        this.root = root;
        Path runDir = Files.createDirectories(root.resolve(runFolder));
        Files.createDirectories(runDir.resolve("data"));
        Files.writeString(runDir.resolve("data/train.jsonl"), "{\"text\": \"hello\", \"label\": \"ALLOW\"}\n");
        config = runDir.resolve("train_four_class.yaml");
        Files.writeString(
                config,
                "data:\n  train: data/train.jsonl\ntraining:\n  output_dir: runs/four_class\n"
                        + "watchdog:\n  stop_timeout: 90s\n");
        outputDir = runDir.resolve("runs/four_class");
        jar = Files.write(root.resolve("watchdog.jar"), new byte[] {'P', 'K', 5, 6});
        home = Files.createDirectories(root.resolve("home"));
    }

    Fixture(Path root) throws IOException {
        this(root, "project");
    }

    /** The java running the tests, which exists, so {@code systemd-analyze verify} accepts ExecStart. */
    static String java() {
        return Processes.java();
    }

    /** Runs install with {@code --config}, {@code --home} and (unless given) {@code --watchdog-jar}. */
    Result install(String... more) {
        return run(new InstallCommand(), more);
    }

    /** Runs install as {@link #install} with commands run by {@code runner}. */
    Result install(CommandRunner runner, String... more) {
        return run(new InstallCommand().useCommandRunner(runner), more);
    }

    /** Runs uninstall with {@code --config} and {@code --home} already given. */
    Result uninstall(String... more) {
        return run(new UninstallCommand(), more);
    }

    /** Runs uninstall as {@link #uninstall} with commands run by {@code runner}. */
    Result uninstall(CommandRunner runner, String... more) {
        return run(new UninstallCommand().useCommandRunner(runner), more);
    }

    private Result run(Object command, String... more) {
        List<String> args = new ArrayList<>(List.of("--config", config.toString(), "--home", home.toString()));
        if (command instanceof InstallCommand && !List.of(more).contains("--watchdog-jar")) {
            args.addAll(List.of("--watchdog-jar", jar.toString()));
        }
        args.addAll(List.of(more));
        return execute(command, args.toArray(String[]::new));
    }

    /** Runs a command with exactly these arguments. */
    static Result execute(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine line = new CommandLine(command);
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        int code = line.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    /** Every file and folder under {@code folder} with its content (folders map to "/"), for before/after checks. */
    static Map<String, String> snapshot(Path folder) throws IOException {
        Map<String, String> tree = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.toList()) {
                String key = folder.relativize(path).toString();
                tree.put(
                        key,
                        Files.isSymbolicLink(path)
                                ? "-> " + Files.readSymbolicLink(path)
                                : Files.isDirectory(path)
                                        ? "/"
                                        : new String(
                                                Files.readAllBytes(path),
                                                java.nio.charset.StandardCharsets.ISO_8859_1));
            }
        }
        return tree;
    }
}
