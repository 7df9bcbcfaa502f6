package org.trainguard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

class AgNewsBenchmarkTest {

    private static final TrainguardSettings TINY_TRAINGUARD = new TrainguardSettings(
            4096, 64, 2, false, 2, 3, 8, 0.0, 8, 8, 0.05, 0.0, "constant", 0.0, "adam", 0.9, OptionalDouble.of(1.0));
    private static final FastTextSettings TINY_FASTTEXT = new FastTextSettings(20, 0.5, 1, 10, 0, 0, 10_000, true);

    /** Four topics with words of their own, mixed with shared filler, in AG News's CSV layout. */
    private static Path tinyAgNews(Path dir) throws IOException {
        String[][] topic = {
            {"minister", "election", "embassy", "troops", "treaty"},
            {"match", "coach", "league", "goal", "season"},
            {"shares", "profit", "market", "investors", "quarter"},
            {"software", "internet", "space", "computer", "researchers"}
        };
        String[] filler = {"the", "a", "on", "new", "says", "after", "report", "week", "officials", "said"};
        Random r = new Random(7);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            for (int c = 0; c < 4; c++) {
                StringBuilder title = new StringBuilder();
                StringBuilder body = new StringBuilder();
                for (int w = 0; w < 4; w++) {
                    title.append(w % 2 == 0 ? topic[c][r.nextInt(5)] : filler[r.nextInt(filler.length)])
                            .append(' ');
                }
                for (int w = 0; w < 10; w++) {
                    body.append(w % 3 == 0 ? topic[c][r.nextInt(5)] : filler[r.nextInt(filler.length)])
                            .append(w == 4 ? ", \"quoted\" " : " ");
                }
                lines.add("\"" + (c + 1) + "\",\"" + title.toString().strip() + "\",\""
                        + body.toString().strip().replace("\"", "\"\"") + ".\"");
            }
        }
        Path csv = dir.resolve("dev.csv");
        Files.write(csv, lines, StandardCharsets.UTF_8);
        return csv;
    }

    private static boolean fastTextInstalled() {
        try {
            FastText.locate("fasttext");
            return true;
        } catch (BenchmarkException e) {
            return false;
        }
    }

    private static PrintStream nowhere() {
        return new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
    }

    @BeforeAll
    static void quiet() {
        Logs.quiet(true);
    }

    @Test
    void bothSystemsTrainAndAreScoredOnTheSameSplit(@TempDir Path dir) throws IOException {
        assumeTrue(fastTextInstalled(), "fasttext is not installed (apt-get install -y fasttext)");
        Path csv = tinyAgNews(dir);
        AgNewsBenchmark.Options o = new AgNewsBenchmark.Options(
                csv,
                dir.resolve("work"),
                "fasttext",
                2,
                1,
                false,
                1,
                1,
                List.of(TINY_TRAINGUARD),
                List.of(TINY_FASTTEXT));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AgNewsBenchmark.Report r = AgNewsBenchmark.run(o, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String printed = bytes.toString(StandardCharsets.UTF_8);

        assertEquals(96, r.trainExamples());
        assertEquals(24, r.testExamples());
        assertTrue(r.tuning().isEmpty(), printed);
        assertEquals(TINY_TRAINGUARD.describe(), r.trainguard().settings(), printed);
        assertTrue(r.trainguard().accuracy() >= 0.75, printed);
        assertTrue(r.fastText().accuracy() >= 0.75, printed);
        assertTrue(r.trainguard().trainSeconds() > 0 && r.trainguard().samplesPerSecond() > 0, printed);
        assertTrue(r.fastText().trainSeconds() > 0 && r.fastText().samplesPerSecond() > 0, printed);
        assertTrue(
                printed.contains("acc. ratio") && printed.contains("target (trainguard accuracy >= fastText's)"),
                printed);
        assertEquals(r.table(), Files.readString(dir.resolve("work/report.txt")));
        // fastText saw exactly the test part trainguard was evaluated on
        assertEquals(
                24,
                Files.readAllLines(dir.resolve("work/fasttext/final/run-1/test.txt"))
                        .size());
    }

    @Test
    void moreTestSplitsCompareBothSystemsOnEachAndJudgeByTheMean(@TempDir Path dir) throws IOException {
        assumeTrue(fastTextInstalled(), "fasttext is not installed (apt-get install -y fasttext)");
        Path csv = tinyAgNews(dir);
        AgNewsBenchmark.Options o = new AgNewsBenchmark.Options(
                csv,
                dir.resolve("work"),
                "fasttext",
                2,
                1,
                false,
                1,
                2,
                List.of(TINY_TRAINGUARD),
                List.of(TINY_FASTTEXT));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AgNewsBenchmark.Report r = AgNewsBenchmark.run(o, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String printed = bytes.toString(StandardCharsets.UTF_8);

        assertEquals(
                List.of(42L, 43L),
                r.testSplits().stream().map(AgNewsBenchmark.TestSplit::seed).toList(),
                printed);
        assertEquals(r.trainguard(), r.testSplits().get(0).trainguard(), printed);
        AgNewsBenchmark.TestSplit second = r.testSplits().get(1);
        assertEquals(24, second.testExamples(), printed);
        // the second split's runs trained on its own training part and were scored on its own test part
        assertEquals(
                24,
                Files.readAllLines(dir.resolve("work/split/test-43-test.jsonl")).size(),
                printed);
        assertEquals(
                24,
                Files.readAllLines(dir.resolve("work/fasttext/test-43/run-1/test.txt"))
                        .size(),
                printed);
        assertTrue(Files.isDirectory(dir.resolve("work/trainguard/test-43/run/final")), printed);
        double tgMean = (r.trainguard().accuracy() + second.trainguard().accuracy()) / 2;
        double ftMean = (r.fastText().accuracy() + second.fastText().accuracy()) / 2;
        assertEquals(tgMean, r.meanAccuracy(AgNewsBenchmark.TestSplit::trainguard), 1e-12);
        assertEquals(tgMean >= ftMean, r.targetMet(), printed);
        assertTrue(printed.contains("held-out test splits") && printed.contains("mean of 2"), printed);
        assertTrue(printed.contains("target (trainguard accuracy >= fastText's, mean of 2 test splits)"), printed);
        // speed over both splits: all examples trained on over the summed training time, per system
        for (java.util.function.Function<AgNewsBenchmark.TestSplit, AgNewsBenchmark.SystemResult> system :
                List.<java.util.function.Function<AgNewsBenchmark.TestSplit, AgNewsBenchmark.SystemResult>>of(
                        AgNewsBenchmark.TestSplit::trainguard, AgNewsBenchmark.TestSplit::fastText)) {
            double samples = 0;
            double seconds = 0;
            for (AgNewsBenchmark.TestSplit t : r.testSplits()) {
                samples += system.apply(t).samplesPerSecond() * system.apply(t).trainSeconds();
                seconds += system.apply(t).trainSeconds();
            }
            assertEquals(samples / seconds, r.samplesPerSecond(system), 1e-6 * samples / seconds, printed);
            double lowest = r.testSplits().stream()
                    .mapToDouble(t -> system.apply(t).samplesPerSecond())
                    .min()
                    .orElseThrow();
            double highest = r.testSplits().stream()
                    .mapToDouble(t -> system.apply(t).samplesPerSecond())
                    .max()
                    .orElseThrow();
            assertTrue(
                    r.samplesPerSecond(system) >= lowest * (1 - 1e-9)
                            && r.samplesPerSecond(system) <= highest * (1 + 1e-9),
                    printed);
        }
        assertTrue(printed.contains("Training speed on the same splits") && printed.contains("all 2"), printed);
        assertTrue(
                printed.contains("speed (trainguard samples/s >= fastText's and >= 10,000, all 2 test splits): "),
                printed);
    }

    @Test
    void sigtermStopsTheWholeBenchmarkNotJustTheRunningCandidate(@TempDir Path dir) throws Exception {
        assumeTrue(fastTextInstalled(), "fasttext is not installed (apt-get install -y fasttext)");
        Path csv = tinyAgNews(dir);
        Path work = dir.resolve("work");
        // long enough to be caught training: 3,000 epochs of the tiny data
        String slow =
                "buckets=4096,max_length=64,dim=8,epochs=3000,batch=8,lr=0.01,schedule=constant,warmup=0,char_ngrams=false";
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(
                        javaBin,
                        "-cp",
                        System.getProperty("java.class.path"),
                        AgNewsBenchmark.class.getName(),
                        "--data",
                        csv.toString(),
                        "--work",
                        work.toString(),
                        "--test-splits",
                        "2",
                        "--trainguard",
                        slow,
                        "--fasttext-settings",
                        "-epoch 5")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("out.txt").toFile())
                .start();
        Path session = work.resolve("trainguard/final/run/training_session.json");
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!(Files.isRegularFile(session) && Files.readString(session).contains("RUNNING"))
                && p.isAlive()
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(p.isAlive(), () -> "ended before training: " + read(dir.resolve("out.txt")));
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "still running 60 s after SIGTERM");
        String printed = read(dir.resolve("out.txt"));
        assertEquals(143, p.exitValue(), printed);
        assertTrue(printed.contains("stopped: the trainguard run in") && printed.contains("SIGTERM"), printed);
        // it went on neither to fastText nor to the second test split
        assertTrue(
                Files.notExists(work.resolve("fasttext/final")) && Files.notExists(work.resolve("trainguard/test-43")),
                printed);
    }

    private static String read(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    @Test
    void tuningOnlyTriesEveryCandidateAndLeavesTheTestPartAlone(@TempDir Path dir) throws IOException {
        assumeTrue(fastTextInstalled(), "fasttext is not installed (apt-get install -y fasttext)");
        Path csv = tinyAgNews(dir);
        List<TrainguardSettings> tg = List.of(TINY_TRAINGUARD, TINY_TRAINGUARD.withAll("epochs=1,lr=0.001"));
        AgNewsBenchmark.Options o = new AgNewsBenchmark.Options(
                csv, dir.resolve("work"), "fasttext", 2, 1, false, 2, 1, tg, List.of(TINY_FASTTEXT));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<AgNewsBenchmark.SystemResult> r =
                AgNewsBenchmark.tune(o, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String printed = bytes.toString(StandardCharsets.UTF_8);

        assertEquals(
                List.of(tg.get(0).describe(), tg.get(1).describe(), TINY_FASTTEXT.describe()),
                r.stream().map(AgNewsBenchmark.SystemResult::settings).toList(),
                printed);
        assertTrue(r.get(0).note().contains("mean of 2 tuning splits"), printed);
        assertTrue(r.get(0).accuracy() > r.get(1).accuracy(), printed);
        assertTrue(printed.contains("tuning results") && !printed.contains("final runs on the test part"), printed);
        // nothing was trained or scored on the test part
        assertTrue(Files.isDirectory(dir.resolve("work/trainguard/tune-2-split-2")), printed);
        assertTrue(
                Files.notExists(dir.resolve("work/trainguard/final"))
                        && Files.notExists(dir.resolve("work/fasttext/final")),
                printed);
        assertTrue(Files.notExists(dir.resolve("work/report.txt")), printed);
    }

    @Test
    void tuningPicksTheMostAccurateSettingAndTheFirstOnATie() {
        AgNewsBenchmark.SystemResult a = new AgNewsBenchmark.SystemResult("x", "a", 0.80, 0.8, 1, 1, 1, "");
        AgNewsBenchmark.SystemResult b = new AgNewsBenchmark.SystemResult("x", "b", 0.85, 0.8, 1, 1, 1, "");
        AgNewsBenchmark.SystemResult c = new AgNewsBenchmark.SystemResult("x", "c", 0.85, 0.9, 1, 1, 1, "");
        assertEquals(1, AgNewsBenchmark.best(List.of(a, b, c)));
        assertEquals(0, AgNewsBenchmark.best(List.of(a)));
    }

    @Test
    void aMissingDataFileNamesThePathAndTheOption(@TempDir Path dir) {
        Path missing = dir.resolve("nowhere/dev.csv");
        AgNewsBenchmark.Options o = new AgNewsBenchmark.Options(
                missing, dir, "fasttext", 2, 1, false, 1, 1, List.of(TINY_TRAINGUARD), List.of(TINY_FASTTEXT));
        BenchmarkException e = assertThrows(BenchmarkException.class, () -> AgNewsBenchmark.run(o, nowhere()));
        assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("--data"), e.getMessage());
    }

    @Test
    void aMissingFastTextSaysHowToInstallIt(@TempDir Path dir) throws IOException {
        Path csv = tinyAgNews(dir);
        AgNewsBenchmark.Options o = new AgNewsBenchmark.Options(
                csv,
                dir,
                dir.resolve("bin/fasttext").toString(),
                2,
                1,
                false,
                1,
                1,
                List.of(TINY_TRAINGUARD),
                List.of(TINY_FASTTEXT));
        BenchmarkException e = assertThrows(BenchmarkException.class, () -> AgNewsBenchmark.run(o, nowhere()));
        assertTrue(e.getMessage().contains("apt-get install -y fasttext"), e.getMessage());
    }

    @Test
    void fastTextTextIsPreparedLikeItsClassificationExample() {
        FastTextSettings tokenized = TINY_FASTTEXT;
        FastTextSettings raw = new FastTextSettings(5, 0.1, 1, 10, 0, 0, 100, false);
        String text = "Fears for T N pension (AP).  Unions say \"no\";\nit's over!";
        assertEquals("fears for t n pension ( ap ) . unions say no it ' s over !", tokenized.prepare(text));
        assertEquals("Fears for T N pension (AP). Unions say \"no\"; it's over!", raw.prepare(text));
    }

    @Test
    void fastTextSettingsParseFromItsOwnOptionNames() {
        FastTextSettings s = AgNewsBenchmark.parseFastText(
                "-epoch 7 -lr 0.25 -wordNgrams 3 -dim 20 -minn 2 -maxn 4 -bucket 1000 raw");
        assertEquals(new FastTextSettings(7, 0.25, 3, 20, 2, 4, 1000, false), s);
        assertEquals(
                List.of(
                        "-epoch",
                        "7",
                        "-lr",
                        "0.25",
                        "-wordNgrams",
                        "3",
                        "-dim",
                        "20",
                        "-minn",
                        "2",
                        "-maxn",
                        "4",
                        "-bucket",
                        "1000"),
                s.arguments());
        BenchmarkException e = assertThrows(BenchmarkException.class, () -> AgNewsBenchmark.parseFastText("-epochs 5"));
        assertTrue(e.getMessage().contains("-epochs"), e.getMessage());
    }

    @Test
    void trainguardSettingsChangeByConfigKey() {
        TrainguardSettings s = AgNewsBenchmark.CHOSEN_TRAINGUARD.withAll(
                "buckets=1024, dim=16,char_ngrams=true,lr=0.5,schedule=linear");
        assertEquals(1024, s.buckets());
        assertEquals(16, s.embeddingDim());
        assertTrue(s.charNgrams());
        assertEquals(0.5, s.learningRate());
        assertEquals("linear", s.lrSchedule());
        BenchmarkException e = assertThrows(BenchmarkException.class, () -> s.withAll("bucket=5"));
        assertTrue(e.getMessage().contains("bucket=5"), e.getMessage());
        BenchmarkException notNumber = assertThrows(BenchmarkException.class, () -> s.withAll("epochs=many"));
        assertTrue(notNumber.getMessage().contains("\"many\""), notNumber.getMessage());
    }

    /** examples/ag_news.yaml is the configuration the benchmark measures; the two must not drift apart. */
    @Test
    @SuppressWarnings("unchecked")
    void theExampleConfigHasTheBenchmarkedSettings() throws IOException {
        Path yaml = Path.of("../examples/ag_news.yaml");
        Map<String, Object> root = new Yaml().load(Files.readString(yaml));
        Map<String, Object> model = (Map<String, Object>) root.get("model");
        Map<String, Object> features = (Map<String, Object>) model.get("features");
        Map<String, Object> training = (Map<String, Object>) root.get("training");
        Map<String, Object> data = (Map<String, Object>) root.get("data");
        TrainguardSettings c = AgNewsBenchmark.CHOSEN_TRAINGUARD;
        assertEquals(List.of("World", "Sports", "Business", "SciTech"), root.get("labels"));
        assertEquals("fasttext", model.get("type"));
        assertEquals(c.embeddingDim(), model.get("embedding_dim"));
        assertEquals(c.dropout(), ((Number) model.get("dropout")).doubleValue());
        assertEquals(c.buckets(), features.get("buckets"));
        assertEquals(c.maxLength(), features.get("max_length"));
        assertEquals(c.wordNgrams(), features.get("word_ngrams"));
        assertEquals(c.charNgrams(), features.get("char_ngrams"));
        assertEquals(c.charNgramMin(), features.get("char_ngram_min"));
        assertEquals(c.charNgramMax(), features.get("char_ngram_max"));
        assertEquals(c.epochs(), training.get("epochs"));
        assertEquals(c.batchSize(), training.get("batch_size"));
        assertEquals(c.learningRate(), ((Number) training.get("learning_rate")).doubleValue());
        assertEquals(c.weightDecay(), ((Number) training.get("weight_decay")).doubleValue());
        assertEquals(c.lrSchedule(), training.get("lr_schedule"));
        assertEquals(c.warmupRatio(), ((Number) training.get("warmup_ratio")).doubleValue());
        assertEquals(c.adamBeta1(), ((Number) training.get("adam_beta1")).doubleValue());
        assertEquals((int) TrainguardSettings.SEED, training.get("seed"));
        assertEquals("../../shared/datasets/ag_news_half/dev.csv", data.get("train"));
        assertEquals(TrainguardSettings.TEST_SPLIT, ((Number) data.get("validation_split")).doubleValue());
        assertEquals(Map.of("1", "World", "2", "Sports", "3", "Business", "4", "SciTech"), data.get("label_map"));
        Map<String, Object> csv = (Map<String, Object>) data.get("csv");
        assertEquals(List.of("title", "description"), csv.get("text_columns"));
        assertEquals("class", csv.get("label_column"));
    }
}
