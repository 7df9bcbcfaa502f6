package org.trainguard.watchdog.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.trainguard.config.ConfigLoader;
import org.trainguard.config.TrainguardConfig;
import org.trainguard.core.run.SessionState;
import org.trainguard.core.run.SessionStatus;
import org.trainguard.core.run.SessionStore;
import org.trainguard.testing.Processes;

/**
 * Runs every command of README.md and docs/*.md as written, in document order, from the root of a fresh copy of
 * the source tree that holds the jars this build made (as a clone does after the README's build command), so a
 * command that no longer works fails the build with its document, line and text.
 *
 * <p>What counts as a command: every line of a {@code bash}/{@code sh}/{@code shell} block, and in other blocks a
 * line that starts with a {@code $ } prompt or with {@code java}, {@code mvn} or {@code jshell} (the rest is
 * output). A line ending in {@code \} continues on the next. A synopsis with placeholders ({@code FILE},
 * {@code [options]}) is not a command. A trailing {@code # exit N} states the expected exit code (else 0).
 * Training and {@code watchdog run} are started, shown to work (the session file names a live trainer as
 * {@code RUNNING}), then stopped with SIGTERM, as a user would with Ctrl+C. Commands that cannot run here are in
 * {@link #NOT_RUN}, each with the reason. Every command runs under {@code bash}, with {@code HOME} set to an empty
 * folder so that {@code ~} and the service folders of {@code install --dry-run} are the test's own.
 */
class DocCommandsIT {

    /** Long enough for a busy machine to start a JVM with ND4J and featurize the demo data. */
    private static final long PATIENCE_SECONDS = 360;

    private static final Set<String> COMMAND_BLOCKS = Set.of("bash", "sh", "shell");
    private static final Set<String> WINDOWS_BLOCKS = Set.of("bat", "cmd", "powershell", "ps1");
    private static final Pattern EXPECTED_EXIT = Pattern.compile("#\\s*exit (\\d+)\\b.*$");
    private static final Pattern PLACEHOLDER = Pattern.compile("(^|\\s)(\\[[^\\]]*\\]|[A-Z][A-Z_]*)(?=\\s|$)");

    /** Commands (or parts of a {@code &&} chain) that are not run, matched from their start, with the reason. */
    private static final Map<Pattern, String> NOT_RUN = new LinkedHashMap<>();

    static {
        notRun("mvn -q -DskipTests package$", "the build itself: this test runs on the jars it made");
        notRun(
                "mvn ",
                "a Maven build: the build that runs this test runs every module's tests itself "
                        + "(and `mvn install` would replace the shared ~/.m2 snapshots)");
        notRun(
                "examples/jshell/classpath.sh",
                "resolves the examples' class path from ~/.m2, which needs `mvn install`;"
                        + " TrainJshellScriptIT runs the same script's training");
        notRun("jshell ", "needs the class path of examples/jshell/classpath.sh; TrainJshellScriptIT runs it");
        notRun("CP=", "the class path of examples/jshell/classpath.sh (needs `mvn install`)");
        notRun(
                "java -cp \"\\$CP\"",
                "needs the class path of examples/jshell/classpath.sh; EmbedInYourAppTest and "
                        + "EmbedInYourAppSignalIT run the program");
        notRun(
                "(systemctl|journalctl|loginctl|systemd-analyze) ",
                "talks to the user's systemd, which a build must not "
                        + "change (SystemdUnitTest checks the unit with systemd-analyze)");
        notRun("launchctl ", "macOS only");
        notRun(
                "java -jar \\S*trainer-spark\\.jar |java -jar \\S*watchdog\\.jar run .*--trainer-jar \\S*trainer-spark\\.jar",
                "needs spark/target/trainer-spark.jar, which the spark module builds after this one; SparkTrainingIT"
                        + " runs the same trainer on the same kind of configuration");
        notRun(
                "java -jar \\S*trainer\\.jar export --checkpoint ",
                "names checkpoint-1458 of the whole demo run, which this test "
                        + "shortens (and a completed run would leave the watchdog commands after it nothing to supervise); BestModelIT "
                        + "runs `trainer export --checkpoint DIR --to DIR` on a trained run's checkpoint");
        notRun(
                "java -jar \\S*watchdog\\.jar install (?!.*--dry-run)",
                "registers a real service with the system; the " + "same command with --dry-run is run");
        notRun("java -jar \\S*watchdog\\.jar uninstall ", "removes the service a real install registered");
    }

    private static void notRun(String regex, String reason) {
        NOT_RUN.put(Pattern.compile(regex), reason);
    }

    /**
     * One command of a document.
     *
     * @param doc      the document, relative to the repository root
     * @param line     the line it starts on
     * @param text     the command, prompt and continuation backslashes removed
     * @param windows  whether it is in a Windows block
     */
    record DocCommand(String doc, int line, String text, boolean windows) {
        String where() {
            return doc + ":" + line + ": `" + text + "`";
        }
    }

    @Test
    void everyCommandInTheReadmeAndDocsWorksAsWritten() throws Exception {
        Path repo = Path.of("..").toAbsolutePath().normalize();
        List<DocCommand> commands = extract(repo);
        assertTrue(
                commands.stream().anyMatch(c -> c.text().contains("watchdog.jar run")),
                "the documents were read: " + commands);
        Path clone = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "doc-commands-");
        List<String> failures = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        try {
            freshClone(repo, clone);
            Set<String> done = new HashSet<>();
            for (DocCommand command : commands) {
                for (String part : command.text().split("\\s+&&\\s+")) {
                    DocCommand one = new DocCommand(command.doc(), command.line(), part.strip(), command.windows());
                    Optional<String> reason = notRunReason(one);
                    if (reason.isPresent()) {
                        skipped.add(one.where() + " not run: " + reason.get());
                        continue;
                    }
                    if (!done.add(one.text().replaceAll("\\s+#.*$", ""))) {
                        continue; // the same command ran earlier, in the same state of the run or an equivalent one
                    }
                    long t0 = System.nanoTime();
                    Optional<String> failed = run(one, clone);
                    failed.ifPresent(failures::add);
                    System.out.printf(
                            "%s %s (%d s)%n",
                            failed.isPresent() ? "FAILED" : "ok    ",
                            one.where(),
                            TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0));
                }
            }
        } finally {
            killLeftovers();
            RealRun.deleteTree(clone);
        }
        System.out.println("commands not run:\n  " + String.join("\n  ", skipped));
        if (!failures.isEmpty()) {
            fail(failures.size() + " documented command(s) do not work as written:\n\n"
                    + String.join("\n\n", failures));
        }
    }

    // ------------------------------------------------------------------ reading the documents

    static List<DocCommand> extract(Path repo) throws IOException {
        List<Path> docs = new ArrayList<>(List.of(repo.resolve("README.md")));
        try (Stream<Path> files = Files.list(repo.resolve("docs"))) {
            files.filter(f -> f.getFileName().toString().endsWith(".md"))
                    .sorted()
                    .forEach(docs::add);
        }
        List<DocCommand> all = new ArrayList<>();
        for (Path doc : docs) {
            all.addAll(extract(repo.relativize(doc).toString(), Files.readAllLines(doc, StandardCharsets.UTF_8)));
        }
        return all;
    }

    static List<DocCommand> extract(String doc, List<String> lines) {
        List<DocCommand> found = new ArrayList<>();
        String block = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("```")) {
                block = block == null ? line.substring(3).strip().toLowerCase(java.util.Locale.ROOT) : null;
                continue;
            }
            if (block == null || line.isBlank()) {
                continue;
            }
            boolean allLines = COMMAND_BLOCKS.contains(block) || WINDOWS_BLOCKS.contains(block);
            String text = line.startsWith("$ ") ? line.substring(2) : line;
            boolean command = allLines
                    ? !line.strip().startsWith("#") && !line.strip().startsWith("rem ") && !line.startsWith("@echo")
                    : line.startsWith("$ ") || text.matches("(java|mvn|jshell) .*");
            if (!command) {
                continue;
            }
            int start = i;
            StringBuilder joined = new StringBuilder();
            while (text.endsWith("\\") && i + 1 < lines.size()) {
                joined.append(text, 0, text.length() - 1).append(' ');
                text = lines.get(++i).strip();
            }
            joined.append(text);
            String full = joined.toString().strip().replaceAll("\\s+", " ");
            String unquoted = full.replaceAll("#.*$", "").replaceAll("\"[^\"]*\"|'[^']*'", "''");
            if (!WINDOWS_BLOCKS.contains(block) && PLACEHOLDER.matcher(unquoted).find()) {
                continue; // a synopsis, not a command
            }
            found.add(new DocCommand(doc, start + 1, full, WINDOWS_BLOCKS.contains(block)));
        }
        return found;
    }

    private static Optional<String> notRunReason(DocCommand command) {
        if (command.windows()) {
            return Optional.of("a Windows command (cmd.exe)");
        }
        String text = command.text();
        return NOT_RUN.entrySet().stream()
                .filter(e -> e.getKey().matcher(text).lookingAt())
                .map(Map.Entry::getValue)
                .findFirst();
    }

    // ------------------------------------------------------------------ the fresh clone

    /** The source tree without build outputs and runs, with this build's jars where the build puts them. */
    private static void freshClone(Path repo, Path clone) throws IOException {
        try (Stream<Path> files = Files.walk(repo)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path rel = repo.relativize(f);
                if (rel.toString().isEmpty() || skipped(rel)) {
                    continue;
                }
                Path to = clone.resolve(rel.toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else if (Files.isRegularFile(f) && Files.exists(to.getParent())) {
                    Files.copy(f, to);
                }
            }
        }
        RealRun.Jars jars = RealRun.jars();
        Files.createDirectories(clone.resolve("trainer/target"));
        Files.createDirectories(clone.resolve("watchdog/target"));
        Files.copy(jars.trainer(), clone.resolve("trainer/target/trainer.jar"));
        Files.copy(jars.watchdog(), clone.resolve("watchdog/target/watchdog.jar"));
        Files.createDirectories(clone.resolve("home"));
    }

    private static boolean skipped(Path rel) {
        for (Path part : rel) {
            String name = part.toString();
            if (name.equals("target") || name.equals("runs") || name.startsWith(".git") || name.equals("previous")) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ running one command

    /** @return a failure message naming the document, line and command, empty when it worked */
    private Optional<String> run(DocCommand command, Path clone) throws Exception {
        List<String> words = List.of(command.text().replaceAll("\\s+#.*$", "").split(" "));
        modelFolder(words, clone).ifPresent(model -> trainShortRunFor(model, clone));
        int expected = expectedExit(command.text());
        Path output = Files.createTempFile(clone, "output-", ".txt");
        ProcessBuilder builder = new ProcessBuilder("bash", "-o", "pipefail", "-c", command.text())
                .directory(clone.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().put("HOME", clone.resolve("home").toString());
        Process p = builder.start();
        p.getOutputStream().close();
        try {
            if (isServe(words)) {
                return serveAnswers(command, words, p, output);
            }
            boolean longRunning = isTraining(words) || isWatchdogRun(words);
            if (!longRunning) {
                if (!p.waitFor(PATIENCE_SECONDS, TimeUnit.SECONDS)) {
                    return Optional.of(
                            command.where() + " did not end within " + PATIENCE_SECONDS + " s:\n" + tail(output));
                }
                return p.exitValue() == expected
                        ? Optional.empty()
                        : Optional.of(command.where() + " exited " + p.exitValue() + ", expected " + expected + ":\n"
                                + tail(output));
            }
            Path outputDir = outputDir(words, clone);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
            Optional<Long> trainer = Optional.empty();
            while (trainer.isEmpty() && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(200);
                trainer = runningTrainer(p, outputDir);
            }
            if (trainer.isEmpty()) {
                String what = p.isAlive()
                        ? "showed no trainer RUNNING within " + PATIENCE_SECONDS + " s"
                        : "exited " + p.exitValue() + " before a trainer was RUNNING";
                return Optional.of(command.where() + " " + what + ":\n" + tail(output));
            }
            // Stop it as Ctrl+C would: the trainer alone ends with 143, a watchdog stops its trainer and ends with 0.
            String jar = isWatchdogRun(words) ? "watchdog.jar" : "trainer.jar";
            long target = p.descendants()
                    .filter(h -> h.info().commandLine().orElse("").contains(jar))
                    .map(ProcessHandle::pid)
                    .findFirst()
                    .orElse(p.pid());
            new ProcessBuilder("kill", "-TERM", Long.toString(target)).start().waitFor();
            if (!p.waitFor(PATIENCE_SECONDS, TimeUnit.SECONDS)) {
                return Optional.of(command.where() + " did not end within " + PATIENCE_SECONDS + " s after SIGTERM:\n"
                        + tail(output));
            }
            int stopped = isWatchdogRun(words) ? 0 : 143;
            return p.exitValue() == stopped
                    ? Optional.empty()
                    : Optional.of(command.where() + " ran, but after SIGTERM exited " + p.exitValue() + ", expected "
                            + stopped + ":\n" + tail(output));
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    /**
     * {@code trainer serve} runs until it is stopped: it works when it says where it listens, answers {@code GET /health}
     * there, and ends with 0 on SIGTERM.
     */
    private static Optional<String> serveAnswers(DocCommand command, List<String> words, Process p, Path output)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
        while (p.isAlive()
                && System.nanoTime() < deadline
                && !Files.readString(output).contains(" on http://")) {
            Thread.sleep(200);
        }
        if (!p.isAlive() || !Files.readString(output).contains(" on http://")) {
            String what = p.isAlive()
                    ? "did not say where it listens within " + PATIENCE_SECONDS + " s"
                    : "exited " + p.exitValue() + " before it listened";
            return Optional.of(command.where() + " " + what + ":\n" + tail(output));
        }
        int port = Integer.parseInt(words.get(words.indexOf("--port") + 1));
        java.net.http.HttpResponse<String> health = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(
                                        java.net.URI.create("http://127.0.0.1:" + port + "/health"))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        if (health.statusCode() != 200) {
            return Optional.of(
                    command.where() + " answered GET /health with " + health.statusCode() + ": " + health.body());
        }
        long target = p.descendants()
                .filter(h -> h.info().commandLine().orElse("").contains("trainer.jar"))
                .map(ProcessHandle::pid)
                .findFirst()
                .orElse(p.pid());
        new ProcessBuilder("kill", "-TERM", Long.toString(target)).start().waitFor();
        if (!p.waitFor(PATIENCE_SECONDS, TimeUnit.SECONDS)) {
            return Optional.of(
                    command.where() + " did not end within " + PATIENCE_SECONDS + " s after SIGTERM:\n" + tail(output));
        }
        return p.exitValue() == 0
                ? Optional.empty()
                : Optional.of(
                        command.where() + " served, but after SIGTERM exited " + p.exitValue() + ":\n" + tail(output));
    }

    private static boolean isServe(List<String> words) {
        int jar = jarIndex(words, "trainer.jar");
        return jar >= 0 && jar + 1 < words.size() && words.get(jar + 1).equals("serve") && words.contains("--port");
    }

    private static boolean isTraining(List<String> words) {
        int jar = jarIndex(words, "trainer.jar");
        return jar >= 0 && jar + 1 < words.size() && words.get(jar + 1).equals("--config");
    }

    private static boolean isWatchdogRun(List<String> words) {
        int jar = jarIndex(words, "watchdog.jar");
        return jar >= 0 && jar + 1 < words.size() && words.get(jar + 1).equals("run");
    }

    private static int jarIndex(List<String> words, String jar) {
        for (int i = 1; i < words.size(); i++) {
            if (words.get(i - 1).equals("-jar") && words.get(i).endsWith(jar)) {
                return i;
            }
        }
        return -1;
    }

    private static int expectedExit(String text) {
        Matcher m = EXPECTED_EXIT.matcher(text);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    private static Path outputDir(List<String> words, Path clone) {
        int i = words.indexOf("--config");
        TrainguardConfig config = ConfigLoader.load(clone.resolve(words.get(i + 1)));
        return config.training().outputDir();
    }

    /** A trainer below the command's process that the run's session file names as RUNNING. */
    private static Optional<Long> runningTrainer(Process p, Path outputDir) {
        Optional<SessionState> s = new SessionStore(outputDir).read().state();
        if (s.isEmpty() || s.get().status() != SessionStatus.RUNNING) {
            return Optional.empty();
        }
        long pid = s.get().pid();
        boolean ours = pid == p.pid() || p.descendants().anyMatch(h -> h.pid() == pid && h.isAlive());
        return ours ? Optional.of(pid) : Optional.empty();
    }

    // ------------------------------------------------------------------ what a command needs first

    /** The {@code final} folder a command reads a model from ({@code --model DIR}), when it does not exist yet. */
    private static Optional<Path> modelFolder(List<String> words, Path clone) {
        int i = words.indexOf("--model");
        if (i < 0 || i + 1 >= words.size()) {
            return Optional.empty();
        }
        Path model = clone.resolve(words.get(i + 1)).normalize();
        return Files.exists(model) ? Optional.empty() : Optional.of(model);
    }

    /**
     * A command that reads a trained model needs one: train the example config that writes there for a few steps
     * ({@code training.max_steps}, in a copy of the config beside it), as the full run would, only shorter.
     */
    private static void trainShortRunFor(Path model, Path clone) {
        try (Stream<Path> configs = Files.list(clone.resolve("examples"))) {
            for (Path config :
                    configs.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                TrainguardConfig loaded;
                try {
                    loaded = ConfigLoader.load(config);
                } catch (RuntimeException notThisOne) {
                    continue;
                }
                if (!loaded.training().outputDir().resolve("final").equals(model)) {
                    continue;
                }
                String text =
                        Files.readString(config).replaceFirst("(?m)^training:\\s*$", "training:\n  max_steps: 30");
                Path shortConfig = config.resolveSibling("doc-commands-short-" + config.getFileName());
                Files.writeString(shortConfig, text);
                Process p = new ProcessBuilder(
                                Processes.java(),
                                "-jar",
                                "trainer/target/trainer.jar",
                                "--config",
                                shortConfig.toString(),
                                "--resume",
                                "never")
                        .directory(clone.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(clone.resolve("short-run.txt").toFile())
                        .start();
                if (!p.waitFor(PATIENCE_SECONDS, TimeUnit.SECONDS) || p.exitValue() != 0 || !Files.isDirectory(model)) {
                    p.destroyForcibly();
                    fail("could not train the short run that makes " + model + ":\n"
                            + tail(clone.resolve("short-run.txt")));
                }
                Files.delete(shortConfig);
                return;
            }
        } catch (IOException | InterruptedException e) {
            fail("could not train a short run for " + model + ": " + e);
        }
        fail("no config in examples/ writes " + model);
    }

    private static String tail(Path output) {
        try {
            List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
            return "  " + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    private static void killLeftovers() {
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
    }
}
