package org.trainguard.watchdog.supervise;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.trainguard.testing.Processes;

/**
 * A run folder for the watchdog's integration tests: a config file with short intervals, the fake trainer's
 * script, and the processes started for it (watchdogs as {@code java ... WatchdogCli}, trainers as
 * {@code java -jar fake-trainer.jar}), all killed on close.
 */
final class WatchdogHarness implements AutoCloseable {

    static final Duration LONG = Duration.ofSeconds(60);
    private static final List<String> FAST_JVM = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto");
    private static Path fakeJar;

    final Path dir;
    final Path config;
    final Path out;
    final Path plan;
    private final Map<Process, Path> outputs = new IdentityHashMap<>();

    /**
     * @param dir       a fresh folder
     * @param planLines the fake trainer's script, one line per start
     */
    WatchdogHarness(Path dir, String... planLines) throws IOException {
        this.dir = dir;
        this.out = dir.resolve("run");
        this.plan = dir.resolve("plan.txt");
        Files.writeString(plan, String.join("\n", planLines) + "\n");
        Files.writeString(dir.resolve("train.jsonl"), "{\"text\": \"hello\", \"label\": \"ALLOW\"}\n");
        this.config = dir.resolve("train.yaml");
        Files.writeString(config, """
                data:
                  train: train.jsonl
                training:
                  output_dir: run
                session:
                  heartbeat_interval: 1s
                watchdog:
                  check_interval: 1s
                  hang_timeout: 5s
                  stop_timeout: 5s
                  backoff_initial: 200ms
                  backoff_max: 1s
                  crash_loop_failures: 3
                  audio: false
                """);
    }

    /** @return the fake trainer as a runnable jar whose manifest names the test classpath */
    static synchronized Path fakeJar() throws IOException {
        if (fakeJar != null) {
            return fakeJar;
        }
        List<Path> entries = classpath();
        Path jar = snapshot.resolve("fake-trainer.jar");
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.put(Attributes.Name.MAIN_CLASS, FakeTrainer.class.getName());
        main.put(
                Attributes.Name.CLASS_PATH,
                entries.stream().map(p -> p.toUri().toString()).collect(Collectors.joining(" ")));
        // The manifest is the whole jar: the classes come from the Class-Path entries.
        try (OutputStream file = Files.newOutputStream(jar);
                JarOutputStream out = new JarOutputStream(file, manifest)) {
            out.flush();
        }
        fakeJar = jar;
        return jar;
    }

    private static List<Path> classpath;
    private static Path snapshot;

    /**
     * The test classpath, with its class folders copied once: the processes started here then keep working while
     * a build recompiles {@code target/classes}.
     */
    private static synchronized List<Path> classpath() throws IOException {
        if (classpath != null) {
            return classpath;
        }
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Files.createDirectories(Path.of("target"));
        snapshot = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "it-classes-");
        Path toDelete = snapshot;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(toDelete)));
        List<Path> entries = new ArrayList<>();
        int n = 0;
        for (String entry : cp.split(File.pathSeparator)) {
            if (entry.isBlank()) {
                continue;
            }
            Path p = Path.of(entry).toAbsolutePath();
            if (Files.isDirectory(p)) {
                Path copy = snapshot.resolve("dir" + n++);
                copyTree(p, copy);
                p = copy;
            }
            entries.add(p);
        }
        classpath = List.copyOf(entries);
        return classpath;
    }

    private static void deleteTree(Path root) {
        try (var files = Files.walk(root)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a leftover copy under target/ is harmless
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }

    private static String java() {
        return Processes.java();
    }

    /**
     * Starts {@code watchdog <args>} in its own JVM.
     *
     * @param args the command line after {@code watchdog}
     * @return the process; its output goes to a file, see {@link #output}
     */
    Process watchdog(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(java());
        cmd.addAll(FAST_JVM);
        cmd.add("-cp");
        cmd.add(classpath().stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)));
        cmd.add("org.trainguard.watchdog.WatchdogCli");
        cmd.addAll(List.of(args));
        return start(cmd, "watchdog");
    }

    /**
     * Starts {@code watchdog run} for this run with the fake trainer, no audio, and the given extra options.
     *
     * @param extra more options, e.g. {@code --hang-timeout 3s}
     * @return the watchdog process
     */
    Process run(String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of(
                "run",
                "--config",
                config.toString(),
                "--trainer-jar",
                fakeJar().toString(),
                "--no-audio",
                "--java-opt=-Dfake.plan=" + plan));
        FAST_JVM.forEach(o -> args.add("--java-opt=" + o));
        args.addAll(List.of(extra));
        return watchdog(args.toArray(String[]::new));
    }

    /** @return a fake trainer started by hand, not by a watchdog */
    Process trainerByHand() throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(java());
        cmd.addAll(FAST_JVM);
        cmd.add("-Dfake.plan=" + plan);
        cmd.addAll(List.of("-jar", fakeJar().toString(), "--config", config.toString()));
        return start(cmd, "trainer");
    }

    private Process start(List<String> cmd, String name) throws IOException {
        Path output = dir.resolve(name + "-" + (outputs.size() + 1) + ".out");
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        p.getOutputStream().close();
        outputs.put(p, output);
        return p;
    }

    /** @return what a process started here printed */
    String output(Process p) {
        try {
            return Files.readString(outputs.get(p), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** Waits for a process to end and returns its exit status; fails the test if it does not end in time. */
    int awaitExit(Process p) throws InterruptedException {
        if (!p.waitFor(LONG.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("process did not end within " + LONG + "; its output:\n" + output(p) + "\nwatchdog log:\n" + log());
        }
        return p.exitValue();
    }

    /** @return the watchdog's log file so far */
    String log() {
        try {
            return Files.readString(out.resolve("logs/watchdog.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no watchdog log)";
        }
    }

    /** Waits until the watchdog log holds a text; fails the test if it does not in time. */
    void awaitLog(String text) throws InterruptedException {
        await(() -> log().contains(text), "the watchdog log to contain \"" + text + "\"");
    }

    /** Waits until a condition holds; fails the test with the log if it does not in time. */
    void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + LONG.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what + "; watchdog log:\n" + log());
            }
            Thread.sleep(100);
        }
    }

    /** @return one line per start of the fake trainer */
    List<String> invocations() {
        return lines(out.resolve(FakeTrainer.INVOCATIONS));
    }

    /** @return one line per signal that stopped a fake trainer */
    List<String> events() {
        return lines(out.resolve(FakeTrainer.EVENTS));
    }

    /** @return the process ids of every fake trainer started so far */
    List<Long> trainerPids() {
        Pattern pid = Pattern.compile("pid=(\\d+)");
        List<Long> pids = new ArrayList<>();
        for (String line : invocations()) {
            Matcher m = pid.matcher(line);
            if (m.find()) {
                pids.add(Long.parseLong(m.group(1)));
            }
        }
        return pids;
    }

    /** @return the watchdog's state file */
    WatchdogState state() {
        return WatchdogState.read(out)
                .orElseThrow(() -> new AssertionError("no " + WatchdogState.FILE_NAME + "; log:\n" + log()));
    }

    private static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Kills whatever is still running: watchdogs, trainers they started, trainers started by hand. */
    @Override
    public void close() {
        for (Process p : outputs.keySet()) {
            p.destroyForcibly();
        }
        for (long pid : trainerPids()) {
            // SIGKILL ends a frozen (SIGSTOP) process too
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
