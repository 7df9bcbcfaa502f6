package org.trainguard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.trainguard.config.ConfigException;
import org.trainguard.config.ConfigLoader;
import org.trainguard.core.checkpoint.CheckpointStore;
import org.trainguard.core.io.Json;
import org.trainguard.core.lock.RunLock;
import org.trainguard.core.run.Heartbeat;
import org.trainguard.core.run.RunLayout;
import org.trainguard.core.run.SessionStore;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * How long a run stands still after its trainer dies, under {@code watchdog run}: the trainer is killed with SIGKILL
 * again and again, and each time the benchmark measures the time from the kill to the first training step of the
 * trainer the watchdog starts in its place (the first new {@code "type":"train"} line of {@code metrics.jsonl}, by
 * the time the trainer stamped on it). The watchdog log's {@code trainer started pid N} line splits that time into
 * the watchdog's part (seeing the end, the back-off) and the trainer's (JVM and ND4J start-up, data, restoring the
 * checkpoint, the first step). The system this replaces polled every 60 s, so its worst case is 60 s plus the same
 * start-up.
 *
 * <p>Both programs run as the user runs them, {@code java -jar watchdog.jar run} and the {@code trainer.jar} it
 * starts, with the watchdog's default settings apart from {@code --no-audio}. The config is a copy of the given one
 * with its output in the benchmark's folder, a line in {@code metrics.jsonl} for every step, a checkpoint every few
 * steps (so a restart loses little work) and a heartbeat every second. Each kill comes a few steps after the new
 * trainer got past the furthest step of the run, as its heartbeat shows the watchdog: a failure after progress,
 * which the watchdog restarts after its initial back-off, as after a crash hours into a long run. (A kill before the
 * watchdog saw progress would count against its crash-loop budget and double the back-off.)
 */
public final class RestartLatencyBenchmark {

    /** The old PowerShell loop looked at the run once a minute. */
    static final Duration OLD_POLL_INTERVAL = Duration.ofSeconds(60);
    /** The longest any one wait may take before the benchmark gives up (a trainer start on a busy machine included). */
    static final Duration PATIENCE = Duration.ofMinutes(5);

    private static final Set<String> WITH_VALUE = Set.of(
            "config",
            "kills",
            "work",
            "trainer-jar",
            "watchdog-jar",
            "checkpoint-every",
            "backoff-initial",
            "seed",
            "java-opt");
    private static final Set<String> FLAGS = Set.of("help");
    private static final Pattern STARTED =
            Pattern.compile("^(\\S+) INFO +watchdog: trainer started pid (\\d+) \\(attempt (\\d+)", Pattern.MULTILINE);

    private RestartLatencyBenchmark() {}

    /**
     * What to run.
     *
     * @param config          the training config to copy (its data, model and training settings are used as they are)
     * @param kills           how many times to kill the trainer
     * @param workDir         the folder that gets {@code restart-bench/} (emptied first)
     * @param trainerJar      the trainer
     * @param watchdogJar     the watchdog
     * @param checkpointEvery {@code checkpoint.every_steps} for the run: a restart redoes at most this many steps
     * @param backoffInitial  the watchdog's {@code --backoff-initial}, when not its default
     * @param seed            chooses how many steps past the run's furthest step each kill comes
     * @param javaOpt         one JVM option for the trainer, passed as the watchdog's {@code --java-opt} (e.g.
     *                        {@code -Xshare:off}, which also turns the watchdog's class-data archive off)
     */
    public record Options(
            Path config,
            int kills,
            Path workDir,
            Path trainerJar,
            Path watchdogJar,
            int checkpointEvery,
            Optional<String> backoffInitial,
            long seed,
            Optional<String> javaOpt) {
        /** Checks the values. */
        public Options {
            if (kills < 1) {
                throw new BenchmarkException("--kills must be >= 1, found " + kills);
            }
            if (checkpointEvery < 1) {
                throw new BenchmarkException("--checkpoint-every must be >= 1, found " + checkpointEvery);
            }
        }
    }

    /**
     * One kill and the restart after it.
     *
     * @param number           1 for the first kill
     * @param killedPid        the trainer that was killed
     * @param killedAtStep     the furthest step it had logged
     * @param killedAt         just before SIGKILL was sent
     * @param restartedPid     the trainer the watchdog started after it
     * @param trainerStartedAt when the watchdog started that trainer (its log line)
     * @param firstStepAt      when that trainer logged its first step
     * @param firstStep        that step's number: one past the checkpoint it resumed from
     */
    public record Kill(
            int number,
            long killedPid,
            long killedAtStep,
            Instant killedAt,
            long restartedPid,
            Instant trainerStartedAt,
            Instant firstStepAt,
            long firstStep) {
        /** @return seconds from the kill to the watchdog starting a trainer: seeing the end, and the back-off */
        public double watchdogSeconds() {
            return seconds(killedAt, trainerStartedAt);
        }

        /** @return seconds from the trainer's start to its first step: JVM, ND4J, data, checkpoint restore, one step */
        public double startupSeconds() {
            return seconds(trainerStartedAt, firstStepAt);
        }

        /** @return seconds from the kill to the first training step after the restart: the restart latency */
        public double latencySeconds() {
            return seconds(killedAt, firstStepAt);
        }

        private static double seconds(Instant from, Instant to) {
            return Duration.between(from, to).toNanos() / 1e9;
        }
    }

    /**
     * The figures.
     *
     * @param kills          every kill, in order
     * @param medianSeconds  median restart latency
     * @param minSeconds     shortest
     * @param maxSeconds     longest
     * @param medianStartup  median trainer start-up (start to first step)
     * @param oldWorstSeconds the old loop's worst case: a full poll interval plus the median start-up
     * @param ratio          the old worst case over the median latency
     */
    public record Report(
            List<Kill> kills,
            double medianSeconds,
            double minSeconds,
            double maxSeconds,
            double medianStartup,
            double oldWorstSeconds,
            double ratio) {}

    /**
     * Runs the benchmark from the command line; see {@code bench/README.md}.
     *
     * @param args {@code --config F} {@code --kills N} {@code --work DIR} {@code --trainer-jar F} {@code --watchdog-jar F}
     *     {@code --checkpoint-every N} {@code --backoff-initial D} {@code --seed N} {@code --java-opt OPTION}
     */
    public static void main(String[] args) {
        try {
            BenchArgs a = BenchArgs.parse(args, WITH_VALUE, FLAGS);
            if (a.flag("help")) {
                System.out.println(
                        "usage: RestartLatencyBenchmark [--config examples/train_four_class.yaml] [--kills 10] "
                                + "[--work bench/target] [--trainer-jar trainer/target/trainer.jar] "
                                + "[--watchdog-jar watchdog/target/watchdog.jar] [--checkpoint-every 25] "
                                + "[--backoff-initial D (the watchdog's, default 1s)] [--seed N] [--java-opt OPTION (for the trainer)]");
                return;
            }
            long seed = a.string("seed")
                    .map(s -> {
                        try {
                            return Long.parseLong(s.trim());
                        } catch (NumberFormatException e) {
                            throw new BenchmarkException("option --seed must be a whole number, found \"" + s + "\"");
                        }
                    })
                    .orElseGet(() -> new Random().nextLong());
            Options o = new Options(
                    a.path("config", Path.of("examples/train_four_class.yaml")),
                    a.integer("kills", 10),
                    a.path("work", Path.of("bench/target")),
                    a.path("trainer-jar", Path.of("trainer/target/trainer.jar")),
                    a.path("watchdog-jar", Path.of("watchdog/target/watchdog.jar")),
                    a.integer("checkpoint-every", 25),
                    a.string("backoff-initial"),
                    seed,
                    a.string("java-opt"));
            run(o, System.out);
        } catch (BenchmarkException e) {
            System.err.println("restart latency benchmark: " + e.getMessage());
            System.exit(2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.err.println("restart latency benchmark: interrupted");
            System.exit(1);
        } catch (IOException e) {
            System.err.println("restart latency benchmark: " + e);
            System.exit(1);
        }
    }

    /**
     * Runs the benchmark: starts the watchdog, kills its trainer {@code kills} times, stops the watchdog.
     *
     * @param o   what to run
     * @param out where the progress lines and the tables go
     * @return the figures
     * @throws BenchmarkException when a jar or the config is missing, or the watchdog or the run ends early
     */
    public static Report run(Options o, PrintStream out) throws IOException, InterruptedException {
        Path trainerJar = existing(o.trainerJar(), "the trainer jar (--trainer-jar)", "mvn -o -q install -DskipTests");
        Path watchdogJar =
                existing(o.watchdogJar(), "the watchdog jar (--watchdog-jar)", "mvn -o -q install -DskipTests");
        Path source = existing(o.config(), "the training config (--config)", "give an existing YAML file");
        Path work = o.workDir().toAbsolutePath().normalize().resolve("restart-bench");
        deleteTree(work);
        Files.createDirectories(work);
        Path output = work.resolve("run");
        Path config = writeConfig(source, work.resolve("train.yaml"), output, o.checkpointEvery());

        out.println(
                "restart latency under `watchdog run`: SIGKILL of the trainer -> first training step of the restarted trainer");
        out.printf(
                Locale.ROOT,
                "machine: %d cores, Java %s, %s %s %s%n",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"),
                System.getProperty("os.name"),
                System.getProperty("os.version"),
                System.getProperty("os.arch"));
        out.println("before: " + Machine.loadLine());
        out.printf(
                Locale.ROOT,
                "run: %s copied to %s (checkpoint every %d steps, a metrics line every step, a heartbeat every "
                        + "second); %d kills, seed %d%n",
                source,
                config,
                o.checkpointEvery(),
                o.kills(),
                o.seed());

        List<String> cmd = new ArrayList<>(List.of(
                java(),
                "-jar",
                watchdogJar.toString(),
                "run",
                "--config",
                config.toString(),
                "--no-audio",
                "--trainer-jar",
                trainerJar.toString()));
        o.backoffInitial().ifPresent(b -> cmd.addAll(List.of("--backoff-initial", b)));
        o.javaOpt().ifPresent(j -> cmd.add("--java-opt=" + j));
        out.println("watchdog: " + String.join(" ", cmd));
        Path watchdogOut = work.resolve("watchdog.out");
        Process watchdog = new ProcessBuilder(cmd)
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(watchdogOut.toFile())
                .start();
        watchdog.getOutputStream().close();
        Run run = new Run(output, watchdog, watchdogOut);
        List<Kill> kills = new ArrayList<>();
        try {
            Random random = new Random(o.seed());
            long furthest = 0;
            long seenByWatchdog = 0;
            long linesFrom = 0;
            List<Long> killed = new ArrayList<>();
            for (int i = 1; i <= o.kills(); i++) {
                // Each kill comes once the new trainer got past the furthest step of the run, in its own metrics lines
                // and in the heartbeat the watchdog reads: the watchdog then sees a failure after progress and restarts
                // after its initial back-off, as it would after a crash hours into a run. A few steps more, at random,
                // vary where in the checkpoint interval the kill lands. The first kill also waits for the first
                // checkpoint to be committed (it is written in the background), so that every restart restores one.
                long target = i == 1 ? o.checkpointEvery() + 2 + random.nextInt(5) : furthest + 1 + random.nextInt(5);
                long from = linesFrom;
                long seen = seenByWatchdog;
                boolean first = i == 1;
                long pid = run.await(
                        () -> run.ownProgress(from, target, killed)
                                .filter(p -> run.visibleStep(p) > seen
                                        && (!first
                                                || !new CheckpointStore(output)
                                                        .list()
                                                        .isEmpty())),
                        "a new trainer to log step " + target + " and a heartbeat past step " + seen
                                + (first ? ", and the first checkpoint to be committed" : ""));
                long step = run.highestStepSince(from);
                Instant killedAt = Instant.now();
                ProcessHandle trainer = ProcessHandle.of(pid)
                        .orElseThrow(() -> new BenchmarkException("trainer pid " + pid + " vanished"));
                trainer.destroyForcibly();
                awaitEnd(trainer);
                killed.add(pid);
                long reached = Math.max(step, run.highestStepSince(from));
                furthest = Math.max(furthest, reached);
                seenByWatchdog = Math.max(seenByWatchdog, run.visibleStep(pid));
                linesFrom = run.metricsEnd();
                long since = linesFrom;
                FirstStep firstStep = run.await(() -> run.firstStepSince(since), "the restarted trainer's first step");
                int attempt = i + 1;
                Started started =
                        run.await(() -> run.started(attempt), "the watchdog log's start of attempt " + attempt);
                Kill k = new Kill(
                        i, pid, reached, killedAt, started.pid(), started.at(), firstStep.at(), firstStep.step());
                kills.add(k);
                out.printf(
                        Locale.ROOT,
                        "kill %2d/%d: trainer pid %d at step %d; pid %d started after %s, first step (%d) after %s%n",
                        i,
                        o.kills(),
                        pid,
                        k.killedAtStep(),
                        k.restartedPid(),
                        Machine.seconds(k.watchdogSeconds()),
                        k.firstStep(),
                        Machine.seconds(k.latencySeconds()));
            }
        } finally {
            stop(run, out);
        }
        out.println("after: " + Machine.loadLine());
        Report report = report(kills);
        out.println();
        out.print(render(report, o));
        return report;
    }

    /**
     * Computes the figures from the kills.
     *
     * @param kills at least one
     * @return the report
     */
    static Report report(List<Kill> kills) {
        double[] latency = kills.stream().mapToDouble(Kill::latencySeconds).toArray();
        double[] startup = kills.stream().mapToDouble(Kill::startupSeconds).toArray();
        double median = Stats.median(latency);
        double medianStartup = Stats.median(startup);
        double oldWorst = OLD_POLL_INTERVAL.toSeconds() + medianStartup;
        return new Report(
                List.copyOf(kills),
                median,
                Stats.min(latency),
                Stats.max(latency),
                medianStartup,
                oldWorst,
                oldWorst / median);
    }

    /**
     * The tables for bench/README.md: each kill, then the summary beside the old loop.
     *
     * @param r the figures
     * @param o what was run
     * @return the text, ending in a line break
     */
    static String render(Report r, Options o) {
        TextTable each = new TextTable(
                List.of(
                        "kill",
                        "killed at step",
                        "resumed from",
                        "kill -> trainer started",
                        "trainer started -> first step",
                        "kill -> first step"),
                0);
        for (Kill k : r.kills()) {
            each.row(List.of(
                    Integer.toString(k.number()),
                    Long.toString(k.killedAtStep()),
                    k.firstStep() <= 1 ? "the start" : "checkpoint-" + (k.firstStep() - 1),
                    Machine.seconds(k.watchdogSeconds()),
                    Machine.seconds(k.startupSeconds()),
                    Machine.seconds(k.latencySeconds())));
        }
        double[] watchdog =
                r.kills().stream().mapToDouble(Kill::watchdogSeconds).toArray();
        double[] startup = r.kills().stream().mapToDouble(Kill::startupSeconds).toArray();
        double[] latency = r.kills().stream().mapToDouble(Kill::latencySeconds).toArray();
        TextTable summary =
                new TextTable(List.of("interval (" + r.kills().size() + " kills)", "median", "min", "max"), 1);
        summary.row(row(
                "kill -> watchdog starts the trainer (back-off "
                        + o.backoffInitial().orElse("1s") + " included)",
                watchdog));
        summary.row(row("trainer start -> first training step", startup));
        summary.row(row("kill -> first training step (restart latency)", latency));
        TextTable compare =
                new TextTable(List.of("system", "time from a crash to training again", "vs trainguard median"), 2);
        compare.row(List.of(
                "trainguard watchdog",
                "median " + Machine.seconds(r.medianSeconds()) + ", worst " + Machine.seconds(r.maxSeconds()),
                "1x"));
        compare.row(List.of(
                "old loop, worst case",
                OLD_POLL_INTERVAL.toSeconds() + " s poll + " + Machine.seconds(r.medianStartup()) + " start-up = "
                        + Machine.seconds(r.oldWorstSeconds()),
                String.format(Locale.ROOT, "%.1fx", r.ratio())));
        double oldAverage = OLD_POLL_INTERVAL.toSeconds() / 2.0 + r.medianStartup();
        compare.row(List.of(
                "old loop, on average",
                OLD_POLL_INTERVAL.toSeconds() / 2 + " s + " + Machine.seconds(r.medianStartup()) + " start-up = "
                        + Machine.seconds(oldAverage),
                String.format(Locale.ROOT, "%.1fx", oldAverage / r.medianSeconds())));
        String verdict = r.medianSeconds() < 5 ? "met" : "NOT met";
        return each.render() + "\n" + summary.render() + "\n" + compare.render() + "\n"
                + String.format(
                        Locale.ROOT,
                        "target: median under 5 s: %s (%s)%n",
                        verdict,
                        Machine.seconds(r.medianSeconds()));
    }

    private static List<String> row(String name, double[] values) {
        return List.of(
                name,
                Machine.seconds(Stats.median(values)),
                Machine.seconds(Stats.min(values)),
                Machine.seconds(Stats.max(values)));
    }

    // ------------------------------------------------------------------ the run's config

    /**
     * Copies a config for the benchmark: its output in the benchmark's folder, a metrics line every step, a
     * checkpoint every few steps, a heartbeat every second, no evaluation while the kills go on, and its data paths
     * made absolute.
     */
    static Path writeConfig(Path source, Path target, Path outputDir, int checkpointEvery) throws IOException {
        Map<String, Object> yaml;
        try (Reader in = Files.newBufferedReader(source, StandardCharsets.UTF_8)) {
            Object loaded = new Yaml().load(in);
            if (!(loaded instanceof Map<?, ?> map)) {
                throw new BenchmarkException(source + " is not a YAML mapping of config sections");
            }
            yaml = copy(map);
        }
        Path base = source.toAbsolutePath().getParent();
        Map<String, Object> data = section(yaml, "data");
        for (String key : List.of("train", "validation", "cache_dir")) {
            if (data.get(key) instanceof String path) {
                data.put(key, base.resolve(path).normalize().toString());
            }
        }
        data.remove("cache_dir"); // the run's own cache, under its output folder
        Map<String, Object> training = section(yaml, "training");
        training.put("output_dir", outputDir.toString());
        training.put("log_every_steps", 1);
        training.remove("max_steps");
        Map<String, Object> checkpoint = section(yaml, "checkpoint");
        checkpoint.put("every_steps", checkpointEvery);
        checkpoint.put("keep_last", 2);
        // An evaluation pass in the middle of the kills would be timed as start-up.
        section(yaml, "eval").put("every_steps", 1_000_000_000);
        // The watchdog sees progress through the heartbeat; a beat every second lets each kill come soon after the
        // run got further (see run). It does not touch the restart path that is measured.
        section(yaml, "session").put("heartbeat_interval", "1s");
        DumperOptions style = new DumperOptions();
        style.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        Files.writeString(
                target,
                "# written by RestartLatencyBenchmark from " + source.toAbsolutePath() + "\n"
                        + new Yaml(style).dump(yaml));
        try {
            ConfigLoader.load(target);
        } catch (ConfigException e) {
            throw new BenchmarkException("the config derived from " + source + " does not load: " + e.getMessage(), e);
        }
        return target;
    }

    private static Map<String, Object> copy(Map<?, ?> map) {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(String.valueOf(k), v instanceof Map<?, ?> m ? copy(m) : v));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Map<String, Object> yaml, String name) {
        return (Map<String, Object>) yaml.computeIfAbsent(name, k -> new LinkedHashMap<String, Object>());
    }

    // ------------------------------------------------------------------ watching the run

    /** A training step logged by a trainer, with the time it stamped on the line. */
    record FirstStep(long step, Instant at) {}

    /** A trainer start in the watchdog log. */
    record Started(long pid, Instant at) {}

    /** Something to wait for: empty until it has happened. */
    private interface Poll<T> {
        Optional<T> poll();
    }

    /** The run's files and its watchdog process. */
    private record Run(Path output, Process watchdog, Path watchdogOut) {

        /** Waits until the poll gives a value, while the watchdog runs, for up to {@link #PATIENCE}. */
        <T> T await(Poll<T> condition, String what) throws InterruptedException {
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (true) {
                Optional<T> v = condition.poll();
                if (v.isPresent()) {
                    return v.get();
                }
                if (!watchdog.isAlive()) {
                    String hint =
                            watchdog.exitValue() == 0 ? " (the run completed: give a config with more steps)" : "";
                    throw new BenchmarkException("the watchdog ended with exit " + watchdog.exitValue() + hint
                            + " while waiting for " + what + "; its log ends:\n" + tail(log(), 15));
                }
                if (System.nanoTime() > deadline) {
                    throw new BenchmarkException("waited " + PATIENCE.toMinutes() + " min for " + what
                            + "; the watchdog log ends:\n" + tail(log(), 15));
                }
                Thread.sleep(10);
            }
        }

        /** The live trainer, when it is not one already killed and has logged {@code step} since {@code from}. */
        Optional<Long> ownProgress(long from, long step, List<Long> killed) {
            OptionalLong pid = runningTrainer();
            if (pid.isEmpty() || killed.contains(pid.getAsLong()) || highestStepSince(from) < step) {
                return Optional.empty();
            }
            return Optional.of(pid.getAsLong());
        }

        /**
         * The trainer named by the lock file and the session file, alive. The lock file is read, not probed: a probe
         * takes the lock for an instant, and a trainer the watchdog starts in that instant would exit 5.
         */
        OptionalLong runningTrainer() {
            OptionalLong holder;
            try {
                byte[] bytes = Files.readAllBytes(output.resolve(RunLock.FILE_NAME));
                holder = bytes.length == 0
                        ? OptionalLong.empty()
                        : OptionalLong.of(Json.mapper()
                                .readValue(bytes, RunLock.LockInfo.class)
                                .pid());
            } catch (IOException e) {
                holder = OptionalLong.empty();
            }
            if (holder.isEmpty()
                    || !ProcessHandle.of(holder.getAsLong())
                            .map(ProcessHandle::isAlive)
                            .orElse(false)) {
                return OptionalLong.empty();
            }
            long pid = holder.getAsLong();
            boolean named = new SessionStore(output)
                    .read()
                    .state()
                    .map(s -> s.pid() == pid && s.status().live())
                    .orElse(false);
            return named ? holder : OptionalLong.empty();
        }

        /**
         * The furthest step of a trainer that the watchdog can know of: what its heartbeat or its session file says.
         * The watchdog judges progress by these, not by metrics.jsonl.
         */
        long visibleStep(long pid) {
            long beat = Heartbeat.read(output)
                    .filter(b -> b.pid() == pid)
                    .map(Heartbeat::step)
                    .orElse(0L);
            long session = new SessionStore(output)
                    .read()
                    .state()
                    .filter(s -> s.pid() == pid)
                    .map(s -> s.step())
                    .orElse(0L);
            return Math.max(beat, session);
        }

        /** Just after the last complete line of metrics.jsonl: where the next trainer's lines begin. */
        long metricsEnd() {
            byte[] bytes = metrics();
            int i = bytes.length;
            while (i > 0 && bytes[i - 1] != '\n') {
                i--;
            }
            return i;
        }

        long highestStepSince(long from) {
            return trainLines(from).stream().mapToLong(FirstStep::step).max().orElse(0);
        }

        Optional<FirstStep> firstStepSince(long from) {
            List<FirstStep> lines = trainLines(from);
            return lines.isEmpty() ? Optional.empty() : Optional.of(lines.get(0));
        }

        private List<FirstStep> trainLines(long from) {
            byte[] bytes = metrics();
            List<FirstStep> lines = new ArrayList<>();
            int start = (int) Math.min(from, bytes.length);
            for (int i = start; i < bytes.length; i++) {
                if (bytes[i] != '\n') {
                    continue;
                }
                String line = new String(bytes, start, i - start, StandardCharsets.UTF_8);
                start = i + 1;
                try {
                    JsonNode node = Json.mapper().readTree(line);
                    if (node != null && "train".equals(node.path("type").asText())) {
                        lines.add(new FirstStep(
                                node.path("step").asLong(),
                                Instant.parse(node.path("time").asText())));
                    }
                } catch (IOException | DateTimeParseException e) {
                    // a line cut by the killed trainer, not yet cut off by the next one
                }
            }
            return lines;
        }

        private byte[] metrics() {
            try {
                return Files.readAllBytes(RunLayout.metrics(output));
            } catch (NoSuchFileException e) {
                return new byte[0];
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The watchdog's log line for a trainer start, by attempt number. */
        Optional<Started> started(int attempt) {
            Matcher m = STARTED.matcher(log());
            while (m.find()) {
                if (Integer.parseInt(m.group(3)) == attempt) {
                    return Optional.of(new Started(Long.parseLong(m.group(2)), Instant.parse(m.group(1))));
                }
            }
            return Optional.empty();
        }

        String log() {
            try {
                return Files.readString(output.resolve("logs/watchdog.log"), StandardCharsets.UTF_8);
            } catch (IOException e) {
                try {
                    return Files.readString(watchdogOut, StandardCharsets.UTF_8);
                } catch (IOException e2) {
                    return "(no watchdog log)";
                }
            }
        }
    }

    /** Stops the run on purpose (SIGTERM to the watchdog, which stops its trainer gently) and waits for both. */
    private static void stop(Run run, PrintStream out) throws InterruptedException {
        Process watchdog = run.watchdog();
        if (!watchdog.isAlive()) {
            return;
        }
        watchdog.destroy();
        if (watchdog.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
            out.println("stopped: the watchdog exited with " + watchdog.exitValue());
            return;
        }
        out.println("the watchdog did not stop within " + PATIENCE.toMinutes() + " min; killing it and its trainer");
        watchdog.destroyForcibly();
        run.runningTrainer().ifPresent(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    private static void awaitEnd(ProcessHandle process) throws InterruptedException {
        try {
            process.onExit().get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new BenchmarkException("trainer pid " + process.pid() + " did not end after SIGKILL: " + e);
        }
    }

    private static Path existing(Path file, String what, String howToGetIt) {
        if (!Files.isRegularFile(file)) {
            throw new BenchmarkException(what + " " + file.toAbsolutePath() + " does not exist; " + howToGetIt
                    + " (from the repository root)");
        }
        return file.toAbsolutePath().normalize();
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String tail(String text, int lines) {
        String[] all = text.split("\n");
        return String.join("\n", java.util.Arrays.asList(all).subList(Math.max(0, all.length - lines), all.length));
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var files = Files.walk(root)) {
            for (Path f : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(f);
            }
        }
    }
}
