package org.trainguard.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.factory.Nd4j;
import org.trainguard.core.checkpoint.CheckpointStore;
import org.trainguard.session.TrainingSessionManager;
import org.trainguard.trainer.features.FeaturizedData;
import org.trainguard.trainer.train.FeaturizedIterator;

/**
 * The median training step of the 1M network of {@link CheckpointBenchmark} in three ways, in
 * alternating order, many short runs each: a plain {@code net.fit} loop (the baseline),
 * {@link TrainingSessionManager#fit} with default settings and no checkpoint among the timed
 * steps, and the plain loop while another thread that once ran an ND4J operation stays alive
 * (what the session's checkpoint writer did between checkpoints until it was made to end when
 * idle: ND4J's native worker threads serve each live thread that ran an operation, and a second
 * such team slows every operation of the training thread on a small machine).
 */
public final class StepTimeBenchmark {

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final List<String> LABELS = List.of("A", "B", "C", "D");
    private static final long SEED = 42;

    /** The ways a step is run. */
    enum Mode {
        PLAIN("plain net.fit loop"),
        SESSION("TrainingSessionManager.fit"),
        IDLE_THREAD("plain loop, idle ND4J thread alive");

        final String label;

        Mode(String label) {
            this.label = label;
        }
    }

    /**
     * What one mode measured.
     *
     * @param mode the way the steps ran
     * @param medianStepMillis per run, the median step from one batch request to the next
     * @param cpuMillisPerStep per run, the process's CPU time per step
     */
    record Result(Mode mode, double[] medianStepMillis, double[] cpuMillisPerStep) {}

    private StepTimeBenchmark() {}

    /**
     * Runs the benchmark from the command line; see {@code bench/README.md}.
     *
     * @param args {@code --rounds N} (default 8), {@code --steps N} (default 120), {@code --work DIR}
     */
    public static void main(String[] args) {
        try {
            BenchArgs a = BenchArgs.parse(
                    args, java.util.Set.of("rounds", "steps", "work"), java.util.Set.of("verbose", "help"));
            if (a.flag("help")) {
                System.out.println("usage: StepTimeBenchmark [--rounds 8] [--steps 120] [--work DIR] [--verbose]");
                return;
            }
            Logs.quiet(!a.flag("verbose"));
            int rounds = a.integer("rounds", 8);
            int steps = a.integer("steps", 120);
            if (rounds < 1 || steps < 20) {
                throw new BenchmarkException(
                        "--rounds must be >= 1 and --steps >= 20, found " + rounds + " and " + steps);
            }
            run(rounds, steps, a.path("work", Path.of("bench/target")), System.out);
        } catch (BenchmarkException e) {
            System.err.println("step time benchmark: " + e.getMessage());
            System.exit(2);
        }
    }

    /**
     * @param rounds timed runs of each mode (after one untimed round)
     * @param steps steps per run; the first 10 are not timed
     * @param workDir where the session runs keep their files ({@code step-time-bench/} inside)
     * @param out where the table goes
     * @return each mode's figures, the baseline first
     */
    static List<Result> run(int rounds, int steps, Path workDir, PrintStream out) {
        Path work = workDir.toAbsolutePath().normalize().resolve("step-time-bench");
        CheckpointBenchmark.ModelSize size = CheckpointBenchmark.SIZES.get(0);
        out.println("step time benchmark: " + size.name() + " network (" + size.buckets() + " buckets x "
                + size.embeddingDim() + " dims, batch 64), " + rounds + " rounds of " + steps
                + " steps per mode, alternating order");
        out.println("machine: " + Machine.describe());
        out.println("before: " + Machine.loadLine());
        FeaturizedData data = CheckpointBenchmark.syntheticData(size.buckets(), 1024);
        MultiLayerNetwork net = CheckpointBenchmark.network(size, 64, work.resolve("config"), 100_000);
        Map<Mode, List<double[]>> runs = new LinkedHashMap<>();
        for (Mode m : Mode.values()) {
            runs.put(m, new ArrayList<>());
        }
        for (int r = -1; r < rounds; r++) {
            List<Mode> order = new ArrayList<>(List.of(Mode.values()));
            if (Math.floorMod(r, 2) == 1) {
                Collections.reverse(order);
            }
            for (Mode m : order) {
                double[] figures = run(
                        m,
                        net,
                        data,
                        steps,
                        work.resolve("run-" + (r + 1) + "-" + m.name().toLowerCase(Locale.ROOT)));
                if (r >= 0) {
                    runs.get(m).add(figures);
                }
            }
        }
        out.println("after: " + Machine.loadLine());
        List<Result> results = new ArrayList<>();
        for (Mode m : Mode.values()) {
            results.add(new Result(
                    m,
                    runs.get(m).stream().mapToDouble(f -> f[0]).toArray(),
                    runs.get(m).stream().mapToDouble(f -> f[1]).toArray()));
        }
        out.println();
        out.print(table(results, rounds, steps));
        delete(work);
        return results;
    }

    static String table(List<Result> results, int rounds, int steps) {
        Result base = results.get(0);
        double baseStep = Stats.median(base.medianStepMillis());
        double baseCpu = Stats.median(base.cpuMillisPerStep());
        TextTable t = new TextTable(
                List.of("mode", "median step", "runs (min-max)", "ratio to plain", "CPU per step", "CPU ratio"), 1);
        for (Result r : results) {
            double step = Stats.median(r.medianStepMillis());
            double cpu = Stats.median(r.cpuMillisPerStep());
            t.row(List.of(
                    r.mode().label,
                    String.format(Locale.ROOT, "%.2f ms", step),
                    String.format(
                            Locale.ROOT, "%.2f-%.2f", Stats.min(r.medianStepMillis()), Stats.max(r.medianStepMillis())),
                    String.format(Locale.ROOT, "%.3f", step / baseStep),
                    String.format(Locale.ROOT, "%.2f ms", cpu),
                    String.format(Locale.ROOT, "%.3f", cpu / baseCpu)));
        }
        return "Median training step, " + rounds + " runs of " + steps
                + " steps per mode (first 10 of each not timed)\n" + t.render()
                + "median step: median over the runs of each run's median step; ratio to plain: that / the plain loop's (> 1 is slower).\n"
                + "CPU per step: the process's CPU time (all threads) per step; less CPU with a longer step means threads waited.\n";
    }

    private static double[] run(Mode mode, MultiLayerNetwork net, FeaturizedData data, int steps, Path dir) {
        long[] cpu = new long[2];
        TimedIterator it = new TimedIterator(new FeaturizedIterator(data, LABELS, 64, SEED, true), handedOut -> {
            if (handedOut == 10) {
                cpu[0] = OS.getProcessCpuTime();
            }
            cpu[1] = OS.getProcessCpuTime();
        });
        net.setListeners(new BaseTrainingListener() {});
        switch (mode) {
            case PLAIN -> plainLoop(net, it, steps);
            case IDLE_THREAD -> {
                CountDownLatch ready = new CountDownLatch(1);
                CountDownLatch done = new CountDownLatch(1);
                Thread idle = new Thread(
                        () -> {
                            Nd4j.rand(1000, 1000).muli(2).sumNumber();
                            ready.countDown();
                            awaitQuietly(done);
                        },
                        "idle-nd4j-thread");
                idle.start();
                awaitQuietly(ready);
                try {
                    plainLoop(net, it, steps);
                } finally {
                    done.countDown();
                }
                try {
                    idle.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            case SESSION -> {
                MeasuredSession.run(net, it, dir, SEED, (int) (steps / it.batchesPerEpoch() + 1), steps, "session");
            }
            default -> throw new IllegalStateException(mode.name());
        }
        net.setListeners();
        long[] t = it.times();
        int last = Math.min(steps, t.length - 1);
        double[] step = new double[last - 10];
        for (int i = 10; i < last; i++) {
            step[i - 10] = (t[i + 1] - t[i]) / 1e6;
        }
        return new double[] {Stats.median(step), (cpu[1] - cpu[0]) / 1e6 / (last - 10)};
    }

    private static void plainLoop(MultiLayerNetwork net, TimedIterator it, int steps) {
        CheckpointBenchmark.plainLoop(net, it, steps);
        if (!it.hasNext()) {
            it.seek(0, 0); // any batch will do: only the moment of the request counts
        }
        it.next(); // the request that ends the last step
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void delete(Path dir) {
        try {
            CheckpointStore.deleteRecursively(dir);
        } catch (IOException e) {
            // leftovers in the work folder do no harm
        }
    }
}
