package org.trainguard.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.trainguard.config.ConfigLoader;
import org.trainguard.config.TrainguardConfig;
import org.trainguard.core.io.Json;

/**
 * The demo job ({@code examples/train_four_class.yaml}) end to end, once per embedding layout, in one
 * run and alternating order: {@code java -jar trainer.jar --config} as a user starts it, each in a fresh
 * folder with its own feature cache. Reports wall time, the training throughput the trainer logged,
 * validation macro-F1, peak heap (the largest heap occupancy DL4J's process had before a collection,
 * from {@code -Xlog:gc}) and peak RSS ({@code /usr/bin/time}), and the ratios sparse/dense.
 */
public final class DemoJobBenchmark {
    private static final Set<String> VALUE_OPTIONS = Set.of("config", "work", "jar", "layouts", "max-steps", "repeats");
    private static final Set<String> FLAGS = Set.of("help");
    private static final Pattern GC_BEFORE = Pattern.compile("\\) (\\d+)M->(\\d+)M\\((\\d+)M\\)");

    private DemoJobBenchmark() {}

    /**
     * What one trainer run measured.
     *
     * @param layout dense or sparse
     * @param exitCode the trainer's exit status
     * @param wallSeconds start to exit
     * @param samplesPerSecond the median of the trainer's logged training throughput
     * @param macroF1 the last validation macro-F1
     * @param peakHeapMiB the largest heap occupancy before a collection
     * @param peakRssMiB the process's maximum resident set
     */
    record Result(
            String layout,
            int exitCode,
            double wallSeconds,
            double samplesPerSecond,
            double macroF1,
            long peakHeapMiB,
            long peakRssMiB) {}

    private static String usage() {
        return """
                usage: bench/run.sh demo [--config examples/train_four_class.yaml] [--layouts dense,sparse]
                                         [--repeats 1] [--max-steps N] [--work bench/target/demo] [--jar trainer/target/trainer.jar]
                Trains the demo job once per layout and repetition (alternating), each from scratch, and prints
                wall time, samples/s, validation macro-F1, peak heap and RSS, and the sparse/dense ratios.
                --max-steps shortens the job (a quick check, not a figure to report).""";
    }

    /**
     * @param args see {@link #usage()}
     */
    public static void main(String[] args) {
        try {
            BenchArgs a = BenchArgs.parse(args, VALUE_OPTIONS, FLAGS);
            if (a.flag("help")) {
                System.out.println(usage());
                return;
            }
            Path config = a.path("config", Path.of("examples/train_four_class.yaml"));
            Path work = a.path("work", Path.of("bench/target/demo")).toAbsolutePath();
            Path jar = a.path("jar", Path.of("trainer/target/trainer.jar")).toAbsolutePath();
            List<String> layouts =
                    Arrays.asList(a.string("layouts").orElse("dense,sparse").split(","));
            int repeats = a.integer("repeats", 1);
            OptionalLong maxSteps = a.string("max-steps")
                    .map(s -> OptionalLong.of(Long.parseLong(s)))
                    .orElse(OptionalLong.empty());
            run(config, work, jar, layouts, repeats, maxSteps, System.out);
        } catch (BenchmarkException e) {
            System.err.println("demo benchmark: " + e.getMessage());
            System.exit(2);
        }
    }

    static List<Result> run(
            Path config,
            Path work,
            Path jar,
            List<String> layouts,
            int repeats,
            OptionalLong maxSteps,
            PrintStream out) {
        out.println("machine: " + Machine.describe());
        out.println("before: " + Machine.loadLine());
        List<Result> results = new ArrayList<>();
        for (int r = 0; r < repeats; r++) {
            // alternate the order so a change of machine load does not favour one layout
            List<String> order = new ArrayList<>(layouts);
            if (r % 2 == 1) {
                java.util.Collections.reverse(order);
            }
            for (String layout : order) {
                Result res = once(config, work.resolve(layout + "-" + r), jar, layout, maxSteps);
                out.printf(
                        Locale.ROOT,
                        "%s: exit %d, %.1f s, %,.0f samples/s, macro-F1 %.4f, heap %d MiB, RSS %d MiB (%s)%n",
                        res.layout(),
                        res.exitCode(),
                        res.wallSeconds(),
                        res.samplesPerSecond(),
                        res.macroF1(),
                        res.peakHeapMiB(),
                        res.peakRssMiB(),
                        Machine.loadLine());
                results.add(res);
            }
        }
        out.println("after: " + Machine.loadLine());
        TextTable t = new TextTable(List.of("layout", "wall", "samples/s", "val macro-F1", "peak heap", "peak RSS"), 1);
        for (Result res : results) {
            t.row(List.of(
                    res.layout(),
                    Machine.seconds(res.wallSeconds()),
                    String.format(Locale.ROOT, "%,.0f", res.samplesPerSecond()),
                    String.format(Locale.ROOT, "%.4f", res.macroF1()),
                    res.peakHeapMiB() + " MiB",
                    res.peakRssMiB() + " MiB"));
        }
        out.print(t.render());
        Result dense = best(results, "dense");
        Result sparse = best(results, "sparse");
        if (dense != null && sparse != null) {
            out.printf(
                    Locale.ROOT,
                    "sparse/dense: end to end %.1fx faster, %.1fx the samples/s, peak heap %.2fx, peak RSS %.2fx%n",
                    dense.wallSeconds() / sparse.wallSeconds(),
                    sparse.samplesPerSecond() / dense.samplesPerSecond(),
                    (double) sparse.peakHeapMiB() / dense.peakHeapMiB(),
                    (double) sparse.peakRssMiB() / dense.peakRssMiB());
        }
        return results;
    }

    private static Result best(List<Result> results, String layout) {
        return results.stream()
                .filter(r -> r.layout().equals(layout))
                .min((x, y) -> Double.compare(x.wallSeconds(), y.wallSeconds()))
                .orElse(null);
    }

    private static Result once(Path config, Path dir, Path jar, String layout, OptionalLong maxSteps) {
        try {
            if (Files.exists(dir)) {
                org.trainguard.core.checkpoint.CheckpointStore.deleteRecursively(dir);
            }
            Files.createDirectories(dir);
            TrainguardConfig base = ConfigLoader.load(config);
            Map<String, Object> map = new LinkedHashMap<>(base.toMap());
            section(map, "training").put("output_dir", dir.resolve("run").toString());
            maxSteps.ifPresent(n -> section(map, "training").put("max_steps", n));
            section(map, "data").put("cache_dir", dir.resolve("cache").toString());
            section(map, "model").put("embedding", layout);
            Path yaml = dir.resolve("train.yaml");
            Files.writeString(
                    yaml,
                    ConfigLoader.parse(new org.yaml.snakeyaml.Yaml().dump(map), dir)
                            .toYaml());
            Path gc = dir.resolve("gc.log");
            Path time = dir.resolve("time.txt");
            List<String> cmd = new ArrayList<>();
            boolean timeTool = Files.isExecutable(Path.of("/usr/bin/time"));
            if (timeTool) {
                cmd.addAll(List.of("/usr/bin/time", "-f", "%M", "-o", time.toString()));
            }
            cmd.addAll(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xlog:gc:file=" + gc,
                    "-jar",
                    jar.toString(),
                    "--config",
                    yaml.toString()));
            long start = System.nanoTime();
            Process p = new ProcessBuilder(cmd)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("output.txt").toFile())
                    .start();
            if (!p.waitFor(2, TimeUnit.HOURS)) {
                p.destroyForcibly();
                throw new BenchmarkException("the " + layout + " run did not end within 2 hours; see " + dir);
            }
            double wall = (System.nanoTime() - start) / 1e9;
            long rss = timeTool && Files.exists(time) ? lastNumber(Files.readAllLines(time)) / 1024 : -1;
            return new Result(
                    layout,
                    p.exitValue(),
                    wall,
                    samplesPerSecond(dir.resolve("run/metrics.jsonl")),
                    macroF1(dir.resolve("run/metrics.jsonl")),
                    peakHeap(gc),
                    rss);
        } catch (IOException e) {
            throw new BenchmarkException("the " + layout + " run failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchmarkException("interrupted", e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Map<String, Object> map, String name) {
        Map<String, Object> s = new LinkedHashMap<>((Map<String, Object>) map.get(name));
        map.put(name, s);
        return s;
    }

    static long lastNumber(List<String> lines) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            String l = lines.get(i).strip();
            if (l.matches("\\d+")) {
                return Long.parseLong(l);
            }
        }
        return -1;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> lines(Path metrics) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        if (!Files.exists(metrics)) {
            return out;
        }
        for (String l : Files.readAllLines(metrics)) {
            if (!l.isBlank()) {
                out.add(Json.mapper().readValue(l, Map.class));
            }
        }
        return out;
    }

    static double samplesPerSecond(Path metrics) throws IOException {
        double[] v = lines(metrics).stream()
                .filter(m -> "train".equals(m.get("type")))
                .mapToDouble(m -> ((Number) m.get("samples_per_second")).doubleValue())
                .sorted()
                .toArray();
        return v.length == 0 ? Double.NaN : v[v.length / 2];
    }

    static double macroF1(Path metrics) throws IOException {
        return lines(metrics).stream()
                .filter(m -> "eval".equals(m.get("type")))
                .mapToDouble(m -> ((Number) m.get("f1_macro")).doubleValue())
                .reduce((a, b) -> b)
                .orElse(Double.NaN);
    }

    static long peakHeap(Path gc) throws IOException {
        long peak = -1;
        if (!Files.exists(gc)) {
            return peak;
        }
        for (String l : Files.readAllLines(gc)) {
            Matcher m = GC_BEFORE.matcher(l);
            if (m.find()) {
                peak = Math.max(peak, Long.parseLong(m.group(1)));
            }
        }
        return peak;
    }
}
