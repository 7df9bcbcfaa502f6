package org.trainguard.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.listeners.Checkpoint;
import org.deeplearning4j.optimize.listeners.CheckpointListener;
import org.trainguard.config.CheckpointConfig;
import org.trainguard.config.DataConfig;
import org.trainguard.config.EvalConfig;
import org.trainguard.config.FastTextModel;
import org.trainguard.config.LossConfig;
import org.trainguard.config.LrSchedule;
import org.trainguard.config.MirrorConfig;
import org.trainguard.config.ModelConfig;
import org.trainguard.config.Optimizer;
import org.trainguard.config.SessionConfig;
import org.trainguard.config.TrainguardConfig;
import org.trainguard.config.TrainingConfig;
import org.trainguard.config.WatchdogConfig;
import org.trainguard.core.checkpoint.CheckpointStore;
import org.trainguard.core.lock.RunLock;
import org.trainguard.session.ResumeMode;
import org.trainguard.session.SessionOptions;
import org.trainguard.session.TrainingHooks;
import org.trainguard.session.TrainingSessionManager;
import org.trainguard.trainer.features.FeaturizedData;
import org.trainguard.trainer.model.NetworkFactory;
import org.trainguard.trainer.train.FeaturizedIterator;

/**
 * What a checkpoint costs the training thread, trainguard against DL4J's own
 * {@link CheckpointListener}, and what the session layer costs in throughput.
 *
 * <p>The model is trainguard's fastText-style network from {@link NetworkFactory} (default
 * settings: Adam, dropout 0.1, weight decay 0.01, clipping at 1.0) at two sizes; the data is a fixed
 * synthetic set of hashed feature ids (the content does not change what a save costs). Every step
 * is timed from one batch request to the next, so the step that saves, compared with the median of
 * the steps that do not, shows how long the save held training up, measured the same way for both.
 */
public final class CheckpointBenchmark {

    /**
     * One network size.
     *
     * @param name e.g. {@code 1M}
     * @param buckets {@code model.features.buckets}
     * @param embeddingDim {@code model.embedding_dim}
     * @param checkpointEvery steps between saves: long enough for a background write to finish
     *     before the next save is due, as in a real run
     * @param throughputSteps steps per throughput run
     * @param repetitions throughput runs per mode
     */
    public record ModelSize(
            String name, int buckets, int embeddingDim, int checkpointEvery, int throughputSteps, int repetitions) {}

    /**
     * About 1M parameters (2^14 x 64) and about 16M (2^18 x 64). The small network's steps are
     * short, so its per-step overhead shows most and it gets the most repetitions.
     */
    public static final List<ModelSize> SIZES =
            List.of(new ModelSize("1M", 1 << 14, 64, 40, 150, 7), new ModelSize("16M", 1 << 18, 64, 100, 40, 3));

    private static final List<String> LABELS = List.of("A", "B", "C", "D");
    private static final long SEED = 42;

    /**
     * What to run.
     *
     * @param sizes the network sizes
     * @param workDir where checkpoints are written (its {@code checkpoint-bench/} folder is replaced)
     * @param batchSize examples per step
     * @param saves saves measured per system and size
     * @param warmupSteps steps at the start of each run that are not measured
     * @param throughputSteps steps per throughput run, for every size; empty for each size's own
     * @param repetitions throughput runs per mode, for every size; empty for each size's own
     */
    public record Options(
            List<ModelSize> sizes,
            Path workDir,
            int batchSize,
            int saves,
            int warmupSteps,
            OptionalInt throughputSteps,
            OptionalInt repetitions) {

        /** Checks the counts. */
        public Options {
            sizes = List.copyOf(sizes);
            if (sizes.isEmpty()) {
                throw new BenchmarkException("--sizes must name at least one size");
            }
            if (batchSize < 1 || saves < 1 || warmupSteps < 1 || repetitions.orElse(1) < 1) {
                throw new BenchmarkException("--batch, --saves, --warmup and --reps must be >= 1, found " + batchSize
                        + ", " + saves + ", " + warmupSteps + ", " + repetitions.orElse(1));
            }
            for (ModelSize s : sizes) {
                int steps = throughputSteps.orElse(s.throughputSteps());
                if (steps <= warmupSteps + 1) {
                    throw new BenchmarkException("throughput runs of " + s.name() + " need more than --warmup + 1 ("
                            + (warmupSteps + 1) + ") steps, found " + steps);
                }
                if (s.checkpointEvery() <= warmupSteps) {
                    throw new BenchmarkException("size " + s.name() + " saves every " + s.checkpointEvery()
                            + " steps, which must be more than the " + warmupSteps + " warm-up steps");
                }
            }
        }

        int stepsFor(ModelSize size) {
            return throughputSteps.orElse(size.throughputSteps());
        }

        int repetitionsFor(ModelSize size) {
            return repetitions.orElse(size.repetitions());
        }
    }

    /**
     * Per-save figures of one system at one size, in milliseconds.
     *
     * @param system {@code trainguard} or {@code DL4J CheckpointListener}
     * @param size the network size
     * @param parameters the network's parameter count
     * @param stepMillis median step without a save (and, for trainguard, without a write in progress)
     * @param blockedMillis per save: how long the training thread spent saving, between the end of
     *     the step's update and the request for the next batch (trainguard: the session's work after
     *     the step; DL4J: the listener's call), less the same span of a step that does not save
     * @param stepExcessMillis per save: the saving step's whole time minus {@code stepMillis}; the
     *     same thing seen from outside, noisier
     * @param reportedMillis per save: trainguard's own {@code lastCaptureNanos()}; empty for DL4J
     * @param writeMillis per save: from the end of the step's update until the checkpoint is on
     *     disk (trainguard: committed by its writer thread; DL4J: its synchronous save)
     * @param slowdownMillis per save: extra time of the steps that ran while the checkpoint was being
     *     written in the background (they share the cores); 0 for DL4J
     * @param bytesOnDisk size of the newest checkpoint
     */
    public record SaveResult(
            String system,
            ModelSize size,
            long parameters,
            double stepMillis,
            double[] blockedMillis,
            double[] stepExcessMillis,
            double[] reportedMillis,
            double[] writeMillis,
            double[] slowdownMillis,
            long bytesOnDisk) {

        /** @return the blocked time of the first save (it includes one-time allocations) */
        public double firstBlocked() {
            return blockedMillis[0];
        }

        /** @return the median blocked time of the saves after the first, or of the first when there is one */
        public double laterBlocked() {
            return laterMedian(blockedMillis);
        }

        /** @return the median step excess of the saves after the first */
        public double laterStepExcess() {
            return laterMedian(stepExcessMillis);
        }

        /** @return the median of trainguard's own figure over the saves after the first, when it reports one */
        public OptionalDouble laterReported() {
            return reportedMillis.length == 0 ? OptionalDouble.empty() : OptionalDouble.of(laterMedian(reportedMillis));
        }

        private static double laterMedian(double[] v) {
            return v.length == 1 ? v[0] : Stats.median(Arrays.copyOfRange(v, 1, v.length));
        }
    }

    /**
     * Throughput with and without the session layer at one size; repetition {@code r} of both
     * modes ran back to back. Arrays hold one value per repetition.
     *
     * @param size the network size
     * @param parameters the parameter count
     * @param steps steps per run
     * @param plain samples per wall-clock second of a plain {@code net.fit} loop
     * @param session samples per wall-clock second of {@link TrainingSessionManager#fit}
     * @param plainCpu samples per second of the process's CPU time, plain loop
     * @param sessionCpu samples per second of the process's CPU time, with the session
     * @param plainStepMillis median step of the plain loop (a median ignores the steps another
     *     process happened to slow down)
     * @param sessionStepMillis median step with the session
     * @param plainAfterMicros median time per step between the end of the update and the next
     *     batch request, plain loop (the loop itself)
     * @param sessionAfterMicros the same with the session: its listener's end of step, counters,
     *     and the checks for checkpoint, evaluation, autosave and heartbeat
     */
    public record ThroughputResult(
            ModelSize size,
            long parameters,
            int steps,
            double[] plain,
            double[] session,
            double[] plainCpu,
            double[] sessionCpu,
            double[] plainStepMillis,
            double[] sessionStepMillis,
            double[] plainAfterMicros,
            double[] sessionAfterMicros) {

        /**
         * @return the median over repetitions of session / plain throughput: each repetition's two
         *     runs were back to back, so the ratio cancels part of what other processes did to both
         */
        public double ratio() {
            return pairedRatio(session, plain);
        }

        /** @return the share of throughput the session layer costs, {@code 1 - ratio()} (negative when it measured faster) */
        public double overhead() {
            return 1 - ratio();
        }

        /** @return {@link #ratio()} by the process's CPU time */
        public double cpuRatio() {
            return pairedRatio(sessionCpu, plainCpu);
        }

        /** @return the median over repetitions of plain / session median step time (a throughput ratio) */
        public double stepRatio() {
            return pairedRatio(plainStepMillis, sessionStepMillis);
        }

        /** @return the session's extra work after each update, in microseconds (median over repetitions) */
        public double extraAfterMicros() {
            return Stats.median(sessionAfterMicros) - Stats.median(plainAfterMicros);
        }

        private static double pairedRatio(double[] a, double[] b) {
            double[] r = new double[a.length];
            for (int i = 0; i < a.length; i++) {
                r[i] = a[i] / b[i];
            }
            return Stats.median(r);
        }
    }

    /**
     * Everything measured.
     *
     * @param saves per size, trainguard then DL4J
     * @param throughput per size
     * @param tables the printed tables
     * @param mirrored per size, trainguard with {@code checkpoint.mirror} to a folder on the same disk
     */
    public record Report(
            List<SaveResult> saves, List<ThroughputResult> throughput, String tables, List<SaveResult> mirrored) {}

    /** The system name of trainguard's run with a mirror. */
    static final String MIRRORED = "trainguard + mirror";

    private CheckpointBenchmark() {}

    /**
     * Runs the benchmark from the command line; see {@code bench/README.md}.
     *
     * @param args {@code --sizes 1M,16M} {@code --work DIR} {@code --batch N} {@code --saves N}
     *     {@code --warmup N} {@code --steps N} {@code --reps N} {@code --verbose}
     */
    public static void main(String[] args) {
        try {
            BenchArgs a = BenchArgs.parse(
                    args,
                    java.util.Set.of("sizes", "work", "batch", "saves", "warmup", "steps", "reps"),
                    java.util.Set.of("verbose", "help"));
            if (a.flag("help")) {
                System.out.println(
                        "usage: CheckpointBenchmark [--sizes 1M,16M] [--work DIR] [--batch 64] [--saves 4] [--warmup 10] "
                                + "[--steps N] [--reps N] [--verbose]\n  --steps, --reps: throughput runs for every size (default: 1M 150 x 7, "
                                + "16M 40 x 3)");
                return;
            }
            Logs.quiet(!a.flag("verbose"));
            List<ModelSize> sizes =
                    a.string("sizes").map(CheckpointBenchmark::sizes).orElse(SIZES);
            Options o = new Options(
                    sizes,
                    a.path("work", Path.of("bench/target")),
                    a.integer("batch", 64),
                    a.integer("saves", 4),
                    a.integer("warmup", 10),
                    optional(a, "steps"),
                    optional(a, "reps"));
            run(o, System.out);
        } catch (BenchmarkException e) {
            System.err.println("checkpoint benchmark: " + e.getMessage());
            System.exit(2);
        }
    }

    private static OptionalInt optional(BenchArgs a, String name) {
        return a.string(name).isPresent() ? OptionalInt.of(a.integer(name, 0)) : OptionalInt.empty();
    }

    static List<ModelSize> sizes(String spec) {
        List<ModelSize> out = new ArrayList<>();
        for (String name : spec.split(",")) {
            String n = name.trim();
            out.add(SIZES.stream()
                    .filter(s -> s.name().equalsIgnoreCase(n))
                    .findFirst()
                    .orElseThrow(() -> new BenchmarkException("unknown size " + n + " in --sizes; known: "
                            + String.join(
                                    ", ", SIZES.stream().map(ModelSize::name).toList()))));
        }
        return out;
    }

    /**
     * Runs the benchmark.
     *
     * @param o what to run
     * @param out where the tables go
     * @return the figures
     */
    public static Report run(Options o, PrintStream out) {
        Path work = o.workDir().toAbsolutePath().normalize().resolve("checkpoint-bench");
        delete(work);
        out.println("checkpoint and session benchmark");
        out.println("machine: " + Machine.describe());
        out.println("before: " + Machine.loadLine());
        List<SaveResult> saves = new ArrayList<>();
        List<ThroughputResult> throughput = new ArrayList<>();
        List<SaveResult> mirrored = new ArrayList<>();
        for (ModelSize size : o.sizes()) {
            FeaturizedData data = syntheticData(size.buckets(), o.batchSize() * 16);
            out.printf(
                    Locale.ROOT,
                    "%n%s: %d buckets x %d dims, batch %d, save every %d steps%n",
                    size.name(),
                    size.buckets(),
                    size.embeddingDim(),
                    o.batchSize(),
                    size.checkpointEvery());
            // Alternate which system saves first, so neither always runs on a cooler machine.
            boolean trainguardFirst = saves.size() % 4 == 0;
            SaveResult tg = null;
            SaveResult dl4j = null;
            for (int turn = 0; turn < 2; turn++) {
                if ((turn == 0) == trainguardFirst) {
                    tg = trainguardSaves(size, data, o, work.resolve(size.name() + "/trainguard"));
                    out.println("  " + brief(tg));
                } else {
                    dl4j = listenerSaves(size, data, o, work.resolve(size.name() + "/dl4j"));
                    out.println("  " + brief(dl4j));
                }
                System.gc();
            }
            saves.add(tg);
            saves.add(dl4j);
            SaveResult withMirror = trainguardSaves(
                    size,
                    data,
                    o,
                    work.resolve(size.name() + "/trainguard-mirror"),
                    Optional.of(work.resolve(size.name() + "/mirror")));
            out.println("  " + brief(withMirror));
            mirrored.add(withMirror);
            System.gc();
            ThroughputResult t = throughput(size, data, o, work.resolve(size.name() + "/throughput"), out);
            throughput.add(t);
            delete(work.resolve(size.name()));
            System.gc();
        }
        out.println("after: " + Machine.loadLine());
        String tables = tables(saves, throughput, o) + mirrorTable(saves, mirrored);
        out.println();
        out.print(tables);
        return new Report(saves, throughput, tables, mirrored);
    }

    // ------------------------------------------------------------------ the network and data

    /**
     * The trainguard configuration of one size: every default, the given buckets and dimensions.
     *
     * @param size the size
     * @param batchSize examples per step
     * @param outputDir not written to; the configuration needs one
     * @return the configuration
     */
    static TrainguardConfig config(ModelSize size, int batchSize, Path outputDir) {
        TrainguardConfig d = TrainguardConfig.defaults(outputDir);
        ModelConfig model = new FastTextModel(
                size.embeddingDim(), d.model().dropout(), d.model().features().withBuckets(size.buckets()));
        TrainingConfig t = d.training();
        TrainingConfig training = new TrainingConfig(
                outputDir,
                SEED,
                1,
                OptionalLong.empty(),
                batchSize,
                5.0e-3,
                Optimizer.ADAM,
                t.adamBeta1(),
                t.adamBeta2(),
                t.adamEpsilon(),
                t.weightDecay(),
                t.maxGradNorm(),
                LrSchedule.COSINE,
                t.warmupRatio(),
                t.logEverySteps());
        return TrainguardConfig.of(
                LABELS,
                model,
                DataConfig.defaults(outputDir),
                training,
                CheckpointConfig.defaults(),
                SessionConfig.defaults(),
                EvalConfig.defaults(LABELS),
                LossConfig.defaults(LABELS),
                WatchdogConfig.defaults(outputDir));
    }

    static MultiLayerNetwork network(ModelSize size, int batchSize, Path outputDir, long totalSteps) {
        return NetworkFactory.build(config(size, batchSize, outputDir), totalSteps, LABELS);
    }

    /** Texts of 40 to 120 hashed ids, about what an AG News text gives, with a fixed seed. */
    static FeaturizedData syntheticData(int buckets, int examples) {
        SplittableRandom r = new SplittableRandom(SEED);
        int[][] ids = new int[examples][];
        int[] labels = new int[examples];
        for (int i = 0; i < examples; i++) {
            ids[i] = new int[40 + r.nextInt(81)];
            for (int j = 0; j < ids[i].length; j++) {
                ids[i][j] = 1 + r.nextInt(buckets - 1);
            }
            labels[i] = r.nextInt(LABELS.size());
        }
        return new FeaturizedData(ids, labels, false);
    }

    private static FeaturizedIterator batches(FeaturizedData data, int batchSize) {
        return new FeaturizedIterator(data, LABELS, batchSize, SEED, true);
    }

    private static int epochsFor(long steps, FeaturizedIterator it) {
        return (int) ((steps + it.batchesPerEpoch() - 1) / it.batchesPerEpoch());
    }

    // ------------------------------------------------------------------ (a) trainguard

    static SaveResult trainguardSaves(ModelSize size, FeaturizedData data, Options o, Path dir) {
        return trainguardSaves(size, data, o, dir, Optional.empty());
    }

    /** As {@link #trainguardSaves(ModelSize, FeaturizedData, Options, Path)}, copying each checkpoint to a mirror folder too. */
    static SaveResult trainguardSaves(ModelSize size, FeaturizedData data, Options o, Path dir, Optional<Path> mirror) {
        int every = size.checkpointEvery();
        int total = o.saves() * every + every / 2;
        MultiLayerNetwork net = network(size, o.batchSize(), dir, total);
        StepListeners.StepClock clock = new StepListeners.StepClock();
        net.addListeners(clock);
        FeaturizedIterator inner = batches(data, o.batchSize());
        Map<Long, Long> committed = new ConcurrentHashMap<>();
        Map<Long, Long> reported = new ConcurrentHashMap<>();
        TrainingSessionManager[] session = new TrainingSessionManager[1];
        TimedIterator it = new TimedIterator(inner, handedOut -> {
            // asked for batch n+1 right after step n, so a save at step n has just been captured
            if (handedOut > 0 && handedOut % every == 0) {
                reported.put(handedOut, session[0].lastCaptureNanos());
            }
        });
        SessionOptions.Builder optionsBuilder = SessionOptions.builder(dir)
                .seed(SEED)
                .epochs(epochsFor(total, inner))
                .maxSteps(total)
                .checkpointEverySteps(every)
                .keepLast(2)
                .keepBest(false)
                .evalEverySteps(Long.MAX_VALUE / 2)
                .resume(ResumeMode.NEVER)
                // Ctrl+C or SIGTERM ends the benchmark, not just the session run in progress
                .handleSignals(false);
        mirror.ifPresent(m -> optionsBuilder.mirror(MirrorConfig.folder(m)));
        SessionOptions options = optionsBuilder.build();
        TrainingHooks hooks = new TrainingHooks() {
            @Override
            public void onCheckpoint(CheckpointStore.Checkpoint checkpoint) {
                committed.merge(checkpoint.step(), System.nanoTime(), Math::min);
            }
        };
        long bytes;
        // the commit time comes from whichever says it first: the hook, or the writer's log line
        try (Logs.Commits commits = Logs.Commits.attach();
                TrainingSessionManager s = TrainingSessionManager.open(net, options)) {
            session[0] = s;
            s.fit(it, hooks);
            commits.nanos().forEach((step, t) -> committed.merge(step, t, Math::min));
            bytes = s.checkpoints().list().stream()
                    .filter(c -> c.step() == (long) o.saves() * every)
                    .findFirst()
                    .map(c -> folderSize(c.dir()))
                    .orElse(0L);
        } catch (IOException | RunLock.LockHeldException e) {
            throw new BenchmarkException("trainguard run in " + dir + " failed: " + e, e);
        }
        long[] times = it.times();
        long[] done = clock.done.toArray();
        if (done.length < times.length) {
            throw new BenchmarkException("the network's listeners stopped being called after step " + done.length
                    + " of " + times.length + " in " + dir + ": something removed them during the run");
        }
        long[] intervals = intervals(times);
        List<Integer> saveSteps = new ArrayList<>();
        for (int n = every; n <= o.saves() * every; n += every) {
            saveSteps.add(n);
        }
        // steps that ran while a write was in flight share the cores with it
        boolean[] excluded = new boolean[intervals.length];
        for (int n : saveSteps) {
            excluded[n - 1] = true;
            long commit = committedAt(committed, n, dir);
            for (int j = n; j < intervals.length && times[j] < commit; j++) {
                excluded[j] = true;
            }
        }
        double step = baseline(intervals, excluded, o.warmupSteps());
        // the session's work after each step: from the end of the update to the next batch request
        long[] after = new long[intervals.length];
        boolean[] saving = new boolean[intervals.length];
        for (int j = 0; j < intervals.length; j++) {
            after[j] = times[j + 1] - done[j];
        }
        for (int n : saveSteps) {
            saving[n - 1] = true;
        }
        double usual = baseline(after, saving, o.warmupSteps());
        double[] blocked = new double[saveSteps.size()];
        double[] excess = new double[saveSteps.size()];
        double[] capture = new double[saveSteps.size()];
        double[] write = new double[saveSteps.size()];
        double[] slowdown = new double[saveSteps.size()];
        for (int i = 0; i < saveSteps.size(); i++) {
            int n = saveSteps.get(i);
            long commit = committedAt(committed, n, dir);
            blocked[i] = (after[n - 1] - usual) / 1e6;
            excess[i] = (intervals[n - 1] - step) / 1e6;
            capture[i] = reported.getOrDefault((long) n, 0L) / 1e6;
            write[i] = (commit - done[n - 1]) / 1e6;
            double extra = 0;
            for (int j = n; j < intervals.length && times[j] < commit; j++) {
                extra += intervals[j] - step;
            }
            slowdown[i] = extra / 1e6;
        }
        return new SaveResult(
                mirror.isPresent() ? MIRRORED : "trainguard",
                size,
                net.numParams(),
                step / 1e6,
                blocked,
                excess,
                capture,
                write,
                slowdown,
                bytes);
    }

    private static long committedAt(Map<Long, Long> committed, int step, Path dir) {
        Long t = committed.get((long) step);
        if (t == null) {
            throw new BenchmarkException("trainguard did not commit the checkpoint of step " + step + " in " + dir
                    + "; see the log (--verbose)");
        }
        return t;
    }

    // ------------------------------------------------------------------ (b) DL4J's CheckpointListener

    static SaveResult listenerSaves(ModelSize size, FeaturizedData data, Options o, Path dir) {
        int every = size.checkpointEvery();
        int total = o.saves() * every + every / 2;
        MultiLayerNetwork net = network(size, o.batchSize(), dir, total);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new BenchmarkException("cannot create " + dir + ": " + e, e);
        }
        // keepAll: the listener's own record of what it saved (checkpointInfo.txt) then lists every save
        CheckpointListener listener = new CheckpointListener.Builder(dir.toFile())
                .saveEveryNIterations(every)
                .keepAll()
                .logSaving(false)
                .build();
        StepListeners.Timed timed = new StepListeners.Timed(listener);
        net.setListeners(timed);
        FeaturizedIterator inner = batches(data, o.batchSize());
        TimedIterator it = new TimedIterator(inner, n -> {});
        plainLoop(net, it, total);
        long[] times = it.times();
        long[] listenerNanos = timed.nanos.toArray();
        long[] intervals = intervals(times);
        boolean[] excluded = new boolean[intervals.length];
        List<Integer> saveIntervals = new ArrayList<>();
        for (Checkpoint c : CheckpointListener.availableCheckpoints(dir.toFile())) {
            // saved inside the listener call of step index c.getIteration() (DL4J counts before it moves)
            int j = c.getIteration();
            if (j < intervals.length) {
                excluded[j] = true;
                if (j >= o.warmupSteps()) {
                    saveIntervals.add(j);
                }
            }
        }
        if (saveIntervals.isEmpty()) {
            throw new BenchmarkException(
                    "DL4J's CheckpointListener saved nothing after the warm-up in " + total + " steps in " + dir);
        }
        saveIntervals.sort(null);
        double step = baseline(intervals, excluded, o.warmupSteps());
        double usual = baseline(listenerNanos, excluded, o.warmupSteps());
        double[] blocked = new double[saveIntervals.size()];
        double[] excess = new double[saveIntervals.size()];
        double[] write = new double[saveIntervals.size()];
        for (int i = 0; i < saveIntervals.size(); i++) {
            int j = saveIntervals.get(i);
            blocked[i] = (listenerNanos[j] - usual) / 1e6;
            excess[i] = (intervals[j] - step) / 1e6;
            write[i] = listenerNanos[j] / 1e6;
        }
        long bytes = Optional.ofNullable(CheckpointListener.lastCheckpoint(dir.toFile()))
                .map(c -> dir.resolve(c.getFilename()).toFile().length())
                .orElse(0L);
        return new SaveResult(
                "DL4J CheckpointListener",
                size,
                net.numParams(),
                step / 1e6,
                blocked,
                excess,
                new double[0],
                write,
                new double[blocked.length],
                bytes);
    }

    static void plainLoop(MultiLayerNetwork net, TimedIterator it, int steps) {
        int epoch = 0;
        it.seek(0, 0);
        for (int s = 0; s < steps; s++) {
            if (!it.hasNext()) {
                epoch++;
                it.seek(epoch, 0);
            }
            net.fit(it.next());
        }
    }

    // ------------------------------------------------------------------ (c) throughput

    /** What one throughput run measured over its timed steps. */
    private record Rate(double wall, double cpu, double medianStepMillis, double medianAfterMicros) {}

    static ThroughputResult throughput(ModelSize size, FeaturizedData data, Options o, Path dir, PrintStream out) {
        int steps = o.stepsFor(size);
        int reps = o.repetitionsFor(size);
        MultiLayerNetwork net = network(size, o.batchSize(), dir, steps);
        // warm-up: both paths once, unmeasured
        plainRun(net, data, o, Math.max(o.warmupSteps() + 2, steps / 4));
        sessionRun(net, data, o, Math.max(o.warmupSteps() + 2, steps / 4), dir.resolve("warmup"));
        Rate[] plain = new Rate[reps];
        Rate[] session = new Rate[reps];
        for (int r = 0; r < reps; r++) {
            boolean plainFirst = r % 2 == 0;
            for (int turn = 0; turn < 2; turn++) {
                if ((turn == 0) == plainFirst) {
                    plain[r] = plainRun(net, data, o, steps);
                } else {
                    session[r] = sessionRun(net, data, o, steps, dir.resolve("rep-" + (r + 1)));
                }
            }
            out.printf(
                    Locale.ROOT,
                    "  throughput repetition %d (%s first): plain %,.0f samples/s, session %,.0f (ratio %.4f; by CPU time %.4f; "
                            + "by median step %.4f; after each update %.0f vs %.0f us)%n",
                    r + 1,
                    plainFirst ? "plain" : "session",
                    plain[r].wall(),
                    session[r].wall(),
                    session[r].wall() / plain[r].wall(),
                    session[r].cpu() / plain[r].cpu(),
                    plain[r].medianStepMillis() / session[r].medianStepMillis(),
                    plain[r].medianAfterMicros(),
                    session[r].medianAfterMicros());
            System.gc();
        }
        return new ThroughputResult(
                size,
                net.numParams(),
                steps,
                pick(plain, Rate::wall),
                pick(session, Rate::wall),
                pick(plain, Rate::cpu),
                pick(session, Rate::cpu),
                pick(plain, Rate::medianStepMillis),
                pick(session, Rate::medianStepMillis),
                pick(plain, Rate::medianAfterMicros),
                pick(session, Rate::medianAfterMicros));
    }

    private static double[] pick(Rate[] rates, java.util.function.ToDoubleFunction<Rate> f) {
        return Arrays.stream(rates).mapToDouble(f).toArray();
    }

    private static Rate plainRun(MultiLayerNetwork net, FeaturizedData data, Options o, int steps) {
        StepListeners.StepClock clock = new StepListeners.StepClock();
        net.setListeners(clock);
        CpuClock cpu = new CpuClock(o.warmupSteps());
        TimedIterator it = new TimedIterator(batches(data, o.batchSize()), cpu);
        plainLoop(net, it, steps);
        return rate(it.times(), clock, cpu, o);
    }

    private static Rate sessionRun(MultiLayerNetwork net, FeaturizedData data, Options o, int steps, Path dir) {
        // the same clock as the plain loop; the session adds its own listener after it
        StepListeners.StepClock clock = new StepListeners.StepClock();
        net.setListeners(clock);
        FeaturizedIterator inner = batches(data, o.batchSize());
        CpuClock cpu = new CpuClock(o.warmupSteps());
        TimedIterator it = new TimedIterator(inner, cpu);
        MeasuredSession.run(net, it, dir, SEED, epochsFor(steps, inner), steps, "trainguard");
        delete(dir);
        net.setListeners();
        return rate(it.times(), clock, cpu, o);
    }

    /**
     * Notes the process's CPU time at the first measured batch request and at every one after it,
     * so the last note is the end of the measured steps.
     */
    private static final class CpuClock implements java.util.function.LongConsumer {
        private static final com.sun.management.OperatingSystemMXBean OS = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        private final int from;
        private long first;
        private long last;

        CpuClock(int from) {
            this.from = from;
        }

        @Override
        public void accept(long handedOut) {
            if (handedOut >= from) {
                long now = OS.getProcessCpuTime();
                if (handedOut == from) {
                    first = now;
                }
                last = now;
            }
        }

        double seconds() {
            return (last - first) / 1e9;
        }
    }

    /** Figures between the first batch request after the warm-up and the last one. */
    private static Rate rate(long[] times, StepListeners.StepClock clock, CpuClock cpu, Options o) {
        int from = o.warmupSteps();
        int to = times.length - 1;
        double samples = (double) (to - from) * o.batchSize();
        long[] done = clock.done.toArray();
        double[] step = new double[to - from];
        double[] after = new double[to - from];
        for (int j = from; j < to; j++) {
            step[j - from] = times[j + 1] - times[j];
            after[j - from] = times[j + 1] - done[j];
        }
        return new Rate(
                samples / ((times[to] - times[from]) / 1e9),
                samples / cpu.seconds(),
                Stats.median(step) / 1e6,
                Stats.median(after) / 1e3);
    }

    // ------------------------------------------------------------------ arithmetic and output

    private static long[] intervals(long[] times) {
        long[] d = new long[Math.max(0, times.length - 1)];
        for (int j = 0; j < d.length; j++) {
            d[j] = times[j + 1] - times[j];
        }
        return d;
    }

    private static double baseline(long[] intervals, boolean[] excluded, int warmup) {
        double[] normal = new double[intervals.length];
        int n = 0;
        for (int j = warmup; j < Math.min(intervals.length, excluded.length); j++) {
            if (!excluded[j]) {
                normal[n++] = intervals[j];
            }
        }
        if (n == 0) {
            throw new BenchmarkException("no step without a save to compare with; use more steps between saves");
        }
        return Stats.median(Arrays.copyOf(normal, n));
    }

    static String brief(SaveResult r) {
        return String.format(
                Locale.ROOT,
                "%-24s step %s, blocked per save %s (first %s, step excess %s), write %s",
                r.system(),
                ms(r.stepMillis()),
                ms(r.laterBlocked()),
                ms(r.firstBlocked()),
                ms(r.laterStepExcess()),
                ms(Stats.median(r.writeMillis())));
    }

    private static String ms(double millis) {
        return Machine.millis(millis * 1e6);
    }

    static String tables(List<SaveResult> saves, List<ThroughputResult> throughput, Options o) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                Locale.ROOT,
                "Checkpoint cost per save (batch %d, %d saves per system; medians over the saves after the first)%n",
                o.batchSize(),
                o.saves()));
        TextTable t = new TextTable(
                List.of(
                        "size",
                        "system",
                        "params",
                        "step",
                        "blocked",
                        "blocked 1st",
                        "step excess",
                        "lastCaptureNanos",
                        "write until on disk",
                        "slowdown while writing",
                        "on disk"),
                2);
        for (SaveResult r : saves) {
            t.row(List.of(
                    r.size().name(),
                    r.system(),
                    String.format(Locale.ROOT, "%,d", r.parameters()),
                    ms(r.stepMillis()),
                    ms(r.laterBlocked()),
                    ms(r.firstBlocked()),
                    ms(r.laterStepExcess()),
                    r.laterReported().isPresent() ? ms(r.laterReported().getAsDouble()) : "-",
                    ms(Stats.median(r.writeMillis())),
                    r.system().equals("trainguard") ? ms(Stats.median(r.slowdownMillis())) : "-",
                    String.format(Locale.ROOT, "%.1f MB", r.bytesOnDisk() / 1e6)));
        }
        sb.append(t.render());
        sb.append(
                "blocked: time the training thread spent on the save between the step's update and the next batch (trainguard: the\n"
                        + "  session's work after the step; DL4J: the listener call), less that of a step without a save. step excess: the saving\n"
                        + "  step's whole time less the median step. lastCaptureNanos: trainguard's own figure, the copy into reused buffers.\n"
                        + "  slowdown while writing: extra time of the steps that ran beside trainguard's background write, per save.\n");
        for (int i = 0; i + 1 < saves.size(); i += 2) {
            SaveResult tg = saves.get(i);
            SaveResult dl = saves.get(i + 1);
            double ratio = tg.laterBlocked() / dl.laterBlocked();
            double own = tg.laterReported().orElse(Double.NaN) / dl.laterBlocked();
            sb.append(String.format(
                    Locale.ROOT,
                    "%s: trainguard / CheckpointListener blocked = %s; by lastCaptureNanos %s; target <= 1/50: %s%n",
                    tg.size().name(),
                    fraction(ratio),
                    fraction(own),
                    ratio <= 0.02
                            ? "met"
                            : own <= 0.02 ? "met by lastCaptureNanos only, NOT by the whole blocked time" : "NOT met"));
        }
        sb.append('\n');
        sb.append(String.format(
                Locale.ROOT,
                "Training throughput with and without the session layer (the first %d steps of each run not timed; "
                        + "repetitions alternate which goes first)%n",
                o.warmupSteps()));
        TextTable u = new TextTable(
                List.of(
                        "size",
                        "params",
                        "steps x reps",
                        "plain net.fit loop",
                        "TrainingSessionManager.fit",
                        "ratio",
                        "by CPU time",
                        "by median step",
                        "overhead (median step)",
                        "session work after each update",
                        "target < 1%"),
                1);
        for (ThroughputResult r : throughput) {
            double stepOverhead = 1 - r.stepRatio();
            u.row(List.of(
                    r.size().name(),
                    String.format(Locale.ROOT, "%,d", r.parameters()),
                    r.steps() + " x " + r.plain().length,
                    range(r.plain()),
                    range(r.session()),
                    String.format(Locale.ROOT, "%.4f", r.ratio()),
                    String.format(Locale.ROOT, "%.4f", r.cpuRatio()),
                    String.format(Locale.ROOT, "%.4f", r.stepRatio()),
                    String.format(Locale.ROOT, "%+.2f%%", 100 * stepOverhead),
                    String.format(
                            Locale.ROOT,
                            "+%.0f us = %.3f%% of a step",
                            r.extraAfterMicros(),
                            100 * r.extraAfterMicros() / 1e3 / Stats.median(r.plainStepMillis())),
                    stepOverhead < 0.01 ? "met" : "NOT met"));
        }
        sb.append(u.render());
        sb.append(
                "samples/s: median (min-max) over the repetitions. ratio, by CPU time, by median step: session throughput / plain\n"
                        + "  throughput, each the median over the repetitions of the pair that ran back to back (by median step: plain median\n"
                        + "  step / session median step, which ignores the steps another process slowed down). overhead = 1 - ratio by median\n"
                        + "  step; negative when the session measured faster (noise). session work after each update: its median time between the\n"
                        + "  end of the update and the next batch request, less the plain loop's.\n");
        return sb.toString();
    }

    /** The mirror's cost to training: blocked time per save of the same trainguard run without and with a mirror folder. */
    static String mirrorTable(List<SaveResult> saves, List<SaveResult> mirrored) {
        StringBuilder sb = new StringBuilder();
        sb.append(
                String.format(
                        Locale.ROOT,
                        "%nThe mirror's cost to training (checkpoint.mirror to a folder on the same disk; medians over the saves after the first)%n"));
        TextTable t = new TextTable(
                List.of(
                        "size",
                        "step",
                        "blocked without mirror",
                        "blocked with mirror",
                        "blocked 1st without / with",
                        "slowdown while writing without / with"),
                2);
        for (SaveResult m : mirrored) {
            SaveResult plain = saves.stream()
                    .filter(r -> r.size().equals(m.size()) && r.system().equals("trainguard"))
                    .findFirst()
                    .orElseThrow();
            t.row(List.of(
                    m.size().name(),
                    ms(plain.stepMillis()) + " / " + ms(m.stepMillis()),
                    ms(plain.laterBlocked()),
                    ms(m.laterBlocked()),
                    ms(plain.firstBlocked()) + " / " + ms(m.firstBlocked()),
                    ms(Stats.median(plain.slowdownMillis())) + " / " + ms(Stats.median(m.slowdownMillis()))));
        }
        sb.append(t.render());
        sb.append(
                "blocked: as above. The copy, its read-back verification and the mirror's rotation run on their own thread;\n"
                        + "  the training thread only hands the committed checkpoint over. slowdown while writing: as above, until the local commit.\n");
        return sb.toString();
    }

    private static String fraction(double ratio) {
        return Double.isNaN(ratio) ? "n/a" : String.format(Locale.ROOT, "%.4f (1/%.0f)", ratio, 1 / ratio);
    }

    private static String range(double[] v) {
        return String.format(Locale.ROOT, "%,.0f (%,.0f-%,.0f)", Stats.median(v), Stats.min(v), Stats.max(v));
    }

    private static long folderSize(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(p -> {
                        try {
                            return Files.size(p);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .sum();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    private static void delete(Path dir) {
        try {
            CheckpointStore.deleteRecursively(dir);
        } catch (IOException e) {
            throw new BenchmarkException("cannot delete " + dir + ": " + e, e);
        }
    }
}
