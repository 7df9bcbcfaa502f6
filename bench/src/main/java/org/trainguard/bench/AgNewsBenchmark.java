package org.trainguard.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import org.trainguard.config.ConfigLoader;
import org.trainguard.config.TrainguardConfig;
import org.trainguard.core.ExitCode;
import org.trainguard.core.checkpoint.CheckpointStore;
import org.trainguard.core.checkpoint.TrainingState;
import org.trainguard.session.ResumeMode;
import org.trainguard.trainer.data.DataReader;
import org.trainguard.trainer.data.Example;
import org.trainguard.trainer.data.LabeledData;
import org.trainguard.trainer.data.Splits;
import org.trainguard.trainer.eval.EvalResult;
import org.trainguard.trainer.train.RunData;
import org.trainguard.trainer.train.TrainingRun;

/**
 * Accuracy and speed of trainguard against Debian's {@code fasttext} on AG News.
 *
 * <p>Both systems see the same stratified split of {@code ag_news_half/dev.csv}: 20% held out for
 * testing with seed 42, made by trainguard's {@link Splits#holdOut} (the split a configuration with
 * {@code data.validation_split: 0.2} and {@code training.seed: 42} makes, so {@code examples/ag_news.yaml}
 * reproduces the trainguard figure). trainguard trains through {@link TrainingRun}, the job behind
 * {@code trainer --config}; fastText through its command-line tool with {@code -thread 2}. Both are
 * scored by the same code.
 *
 * <p>With {@code --sweep}, each system first tries its candidate settings on tuning splits of the
 * training part (20% of it held out, seeds 42, 43, ...) and the best of each by mean accuracy is the
 * one measured on the test part; the test part plays no role in choosing. {@code --tuning-only}
 * stops after the tuning table, for exploring settings without seeing test figures.
 */
public final class AgNewsBenchmark {

    /** Where the AG News file is expected, relative to the repository root. */
    public static final Path DEFAULT_DATA = Path.of("../shared/datasets/ag_news_half/dev.csv");

    /**
     * The trainguard settings that won the tuning sweep (see bench/README.md); {@code examples/ag_news.yaml}
     * uses the same. Character n-grams and a long enough {@code max_length} to keep them were worth
     * about a point; twice the buckets of the first sweep (2^17) a little more, by fewer collisions
     * among the character n-grams; dropout 0.1 on the pooled embedding about half a point more; a
     * small embedding trains faster without losing accuracy here. With the row-sparse table, Adam without
     * momentum ({@code adam_beta1: 0}) gained about 0.7 points on the tuning splits: the lazy optimizer moves a
     * row only when a batch uses it, so momentum, which dense Adam spends over the following steps, is lost.
     */
    public static final TrainguardSettings CHOSEN_TRAINGUARD = new TrainguardSettings(
            131_072,
            1024,
            2,
            true,
            3,
            5,
            16,
            0.1,
            4,
            32,
            0.05,
            0.0,
            "cosine",
            0.1,
            "adam",
            0.0,
            OptionalDouble.of(1.0));

    /** fastText's winning settings: word bigrams and character 3- to 6-grams, 50 epochs at lr 1.0 (see bench/README.md). */
    public static final FastTextSettings CHOSEN_FASTTEXT = new FastTextSettings(50, 1.0, 2, 100, 3, 6, 200_000, true);

    /**
     * The candidates {@code --sweep} tries for trainguard, the chosen one first, then the winner of
     * the earlier sweeps (the same without dropout). The other settings tried are in bench/README.md.
     */
    public static final List<TrainguardSettings> TRAINGUARD_CANDIDATES =
            List.of(CHOSEN_TRAINGUARD, CHOSEN_TRAINGUARD.withAll("dropout=0"));

    /**
     * The candidates {@code --sweep} tries for fastText, the chosen one first, then learning rates
     * 0.75 and 0.5 (the winner of the first sweep); the last is fastText's defaults.
     */
    public static final List<FastTextSettings> FASTTEXT_CANDIDATES = List.of(
            CHOSEN_FASTTEXT,
            new FastTextSettings(50, 0.75, 2, 100, 3, 6, 200_000, true),
            new FastTextSettings(50, 0.5, 2, 100, 3, 6, 200_000, true),
            new FastTextSettings(5, 0.1, 1, 100, 0, 0, 2_000_000, false));

    /**
     * Tuning splits per candidate unless {@code --tuning-splits} says otherwise: settings that differ
     * by a few tenths of a point on one split of 608 examples swap places on the next, so a mean
     * over five (3,040 examples compared) decides; a sweep then takes about a quarter of an hour on
     * two cores.
     */
    public static final int DEFAULT_TUNING_SPLITS = 5;

    /**
     * Held-out test splits of the whole file the chosen settings are compared on unless
     * {@code --test-splits} says otherwise. One test part of 760 examples moves by 0.13 points per
     * example, and fastText moves by up to 0.4 points between runs on it, so one split cannot tell
     * two systems a few tenths apart; five see 3,800 test predictions each.
     */
    public static final int DEFAULT_TEST_SPLITS = 5;

    private static final Set<String> VALUE_OPTIONS = Set.of(
            "data",
            "work",
            "fasttext",
            "threads",
            "fasttext-repeats",
            "trainguard",
            "fasttext-settings",
            "tuning-splits",
            "test-splits");
    private static final Set<String> FLAGS = Set.of("sweep", "tuning-only", "verbose", "help");

    private AgNewsBenchmark() {}

    /**
     * What to run.
     *
     * @param data the AG News CSV file
     * @param workDir where runs, split files and the report go (its {@code trainguard/} and
     *     {@code fasttext/} folders are replaced)
     * @param fastTextCommand {@code fasttext} or a path to it
     * @param threads fastText's {@code -thread} (trainguard uses the ND4J default: every core)
     * @param fastTextRepeats fastText runs on the test part (one per candidate while tuning); with
     *     more than one thread it is not deterministic, so the median is reported
     * @param sweep whether to choose settings on tuning splits of the training part first
     * @param tuningSplits how many tuning splits (seeds 42, 43, ...) each candidate is averaged over
     * @param testSplits how many held-out test splits of the whole file (seeds 42, 43, ...) the chosen
     *     settings are compared on; the first is the one tuning was done inside
     * @param trainguardCandidates trainguard settings to try (only the first without {@code sweep})
     * @param fastTextCandidates fastText settings to try (only the first without {@code sweep})
     */
    public record Options(
            Path data,
            Path workDir,
            String fastTextCommand,
            int threads,
            int fastTextRepeats,
            boolean sweep,
            int tuningSplits,
            int testSplits,
            List<TrainguardSettings> trainguardCandidates,
            List<FastTextSettings> fastTextCandidates) {

        /** Checks the counts and that there is something to run. */
        public Options {
            if (threads < 1 || fastTextRepeats < 1 || tuningSplits < 1 || testSplits < 1) {
                throw new BenchmarkException(
                        "--threads, --fasttext-repeats, --tuning-splits and --test-splits must be >= 1, found "
                                + threads + ", " + fastTextRepeats + ", " + tuningSplits + " and " + testSplits);
            }
            trainguardCandidates = List.copyOf(trainguardCandidates);
            fastTextCandidates = List.copyOf(fastTextCandidates);
            if (trainguardCandidates.isEmpty() || fastTextCandidates.isEmpty()) {
                throw new BenchmarkException("each system needs at least one setting to run");
            }
        }
    }

    /**
     * The figures of one system with one setting.
     *
     * @param system {@code trainguard} or {@code fastText}
     * @param settings the settings, as {@link TrainguardSettings#describe()} or {@link FastTextSettings#describe()}
     * @param accuracy share of test examples classified correctly
     * @param macroF1 unweighted mean of the per-class F1
     * @param trainSeconds training time: trainguard's training loop; fastText's whole {@code supervised} command
     * @param samplesPerSecond training examples times epochs, divided by {@link #trainSeconds}
     * @param endToEndSeconds trainguard: the whole job (read, featurize, train, evaluate, save); fastText:
     *     {@code supervised} plus {@code predict}
     * @param note how the figure was obtained when it needs saying (fastText: median of several runs)
     */
    public record SystemResult(
            String system,
            String settings,
            double accuracy,
            double macroF1,
            double trainSeconds,
            double samplesPerSecond,
            double endToEndSeconds,
            String note) {}

    /**
     * The trainguard run in progress was stopped by SIGINT, SIGTERM or SIGHUP (the trainer traps them and
     * writes its emergency checkpoint): the whole benchmark stops, with the trainer's exit code, instead
     * of going on to the next candidate.
     */
    static final class StoppedBySignal extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient ExitCode code;

        StoppedBySignal(ExitCode code, Path run) {
            super("stopped: the trainguard run in " + run + " was " + code.description() + "; exit code "
                    + code.code());
            this.code = code;
        }
    }

    /** trainguard's training speed target on this 2-core machine, samples/s. */
    static final int SPEED_TARGET = 10_000;

    /**
     * Both systems, with the chosen settings, on one held-out test split of the whole file.
     *
     * @param seed the split's seed (42 is the test part of the main table)
     * @param testExamples examples in its test part
     * @param trainguard trainguard's figures
     * @param fastText fastText's figures (median of its runs)
     */
    public record TestSplit(long seed, int testExamples, SystemResult trainguard, SystemResult fastText) {}

    /**
     * Everything the benchmark measured.
     *
     * @param tuning the candidates tried on the tuning split (empty without a sweep)
     * @param trainguard trainguard on the test part
     * @param fastText fastText on the test part
     * @param trainExamples examples in the training part
     * @param testExamples examples in the test part
     * @param table the printed comparison table
     * @param testSplits every held-out test split compared, the main one (seed 42) first
     */
    public record Report(
            List<SystemResult> tuning,
            SystemResult trainguard,
            SystemResult fastText,
            int trainExamples,
            int testExamples,
            String table,
            List<TestSplit> testSplits) {

        /** Copies the list. */
        public Report {
            testSplits = List.copyOf(testSplits);
        }

        /** @return trainguard's accuracy divided by fastText's, both the mean over the test splits */
        public double accuracyRatio() {
            return meanAccuracy(TestSplit::trainguard) / meanAccuracy(TestSplit::fastText);
        }

        /**
         * @param system which system's figures
         * @return its accuracy averaged over the test splits (every split has the same size)
         */
        public double meanAccuracy(java.util.function.Function<TestSplit, SystemResult> system) {
            return testSplits.stream()
                    .mapToDouble(t -> system.apply(t).accuracy())
                    .average()
                    .orElseThrow();
        }

        /**
         * @param system which system's figures
         * @return its training speed over all test splits: examples trained on (times epochs) over the summed
         *     training time
         */
        public double samplesPerSecond(java.util.function.Function<TestSplit, SystemResult> system) {
            double samples = 0;
            double seconds = 0;
            for (TestSplit t : testSplits) {
                SystemResult r = system.apply(t);
                samples += r.samplesPerSecond() * r.trainSeconds();
                seconds += r.trainSeconds();
            }
            return samples / seconds;
        }

        /** @return trainguard's {@link #samplesPerSecond} divided by fastText's */
        public double speedRatio() {
            return samplesPerSecond(TestSplit::trainguard) / samplesPerSecond(TestSplit::fastText);
        }

        /**
         * @return whether trainguard's test accuracy is at least fastText's (the target): on the test part
         *     alone, or averaged over all test splits when there are several
         */
        public boolean targetMet() {
            return meanAccuracy(TestSplit::trainguard) >= meanAccuracy(TestSplit::fastText);
        }
    }

    /**
     * Runs the benchmark from the command line; see {@code bench/README.md}.
     *
     * @param args options: {@code --data FILE}, {@code --work DIR}, {@code --fasttext CMD},
     *     {@code --threads N}, {@code --fasttext-repeats N}, {@code --sweep},
     *     {@code --trainguard "k=v,...;k=v,..."}, {@code --fasttext-settings "-epoch 25 -lr 0.5 ...;..."},
     *     {@code --verbose}
     */
    public static void main(String[] args) {
        try {
            BenchArgs a = BenchArgs.parse(args, VALUE_OPTIONS, FLAGS);
            if (a.flag("help")) {
                System.out.println(usage());
                return;
            }
            Logs.quiet(!a.flag("verbose"));
            List<TrainguardSettings> tg =
                    a.string("trainguard").map(AgNewsBenchmark::trainguardList).orElse(TRAINGUARD_CANDIDATES);
            List<FastTextSettings> ft = a.string("fasttext-settings")
                    .map(AgNewsBenchmark::fastTextList)
                    .orElse(FASTTEXT_CANDIDATES);
            Options o = new Options(
                    a.path("data", DEFAULT_DATA),
                    a.path("work", Path.of("bench/target/agnews")),
                    a.string("fasttext").orElse("fasttext"),
                    a.integer("threads", 2),
                    a.integer("fasttext-repeats", 3),
                    a.flag("sweep"),
                    a.integer("tuning-splits", DEFAULT_TUNING_SPLITS),
                    a.integer("test-splits", DEFAULT_TEST_SPLITS),
                    tg,
                    ft);
            if (a.flag("tuning-only")) {
                tune(o, System.out);
                return;
            }
            Report r = run(o, System.out);
            System.exit(r.targetMet() ? 0 : 1);
        } catch (StoppedBySignal e) {
            System.err.println("ag news benchmark: " + e.getMessage());
            System.exit(e.code.code());
        } catch (BenchmarkException e) {
            System.err.println("ag news benchmark: " + e.getMessage());
            System.exit(2);
        }
    }

    static String usage() {
        return """
                usage: AgNewsBenchmark [--data FILE] [--work DIR] [--fasttext CMD] [--threads N] [--fasttext-repeats N]
                                       [--sweep | --tuning-only] [--tuning-splits N] [--test-splits N]
                                       [--trainguard "k=v,...;..."] [--fasttext-settings "-epoch 25 -lr 0.5;..."] [--verbose]
                  --data       AG News CSV ("class","title","description"), default ../shared/datasets/ag_news_half/dev.csv
                  --work       folder for runs and split files, default bench/target/agnews
                  --sweep      choose each system's settings on tuning splits of the training part first (default 5 splits)
                  --tuning-only  only try the candidates on the tuning splits; the test part is neither trained on nor scored
                  --test-splits  held-out test splits the chosen settings are compared on (seeds 42, 43, ...; default 5);
                               the first is the test part of the main table
                exit status: 0 when trainguard's accuracy (mean over the test splits) >= fastText's, 1 when not,
                2 when the benchmark cannot run""";
    }

    /**
     * Runs the benchmark.
     *
     * @param o what to run
     * @param out where the tables go
     * @return the figures
     * @throws BenchmarkException when the data file or fastText is missing, or a run fails
     */
    public static Report run(Options o, PrintStream out) {
        Prepared p = prepare(o, out);
        TrainguardSettings tgFinal = o.trainguardCandidates().get(0);
        FastTextSettings ftFinal = o.fastTextCandidates().get(0);
        List<SystemResult> tuning = new ArrayList<>();
        if (o.sweep()) {
            Tuning t = sweep(o, p, out);
            tuning.addAll(t.results());
            tgFinal = t.trainguardWinner();
            ftFinal = t.fastTextWinner();
        }
        Path data = p.data();
        Path work = p.work();
        FastText fastText = p.fastText();
        Splits.Split split = p.split();
        out.println();
        out.println("final runs on the test part:");
        Path tgDir = work.resolve("trainguard/final");
        TrainguardConfig config = ConfigLoader.parse(tgFinal.agNewsCsvConfig(data, tgDir.resolve("run")), work);
        SystemResult tg = trainguard(tgFinal, config, split.train().size(), tgDir);
        out.println("  " + brief(tg));
        SystemResult ft = fastText(
                fastText,
                ftFinal,
                split.train(),
                split.validation(),
                work.resolve("fasttext/final"),
                o.threads(),
                o.fastTextRepeats());
        out.println("  " + brief(ft));

        List<TestSplit> tests = new ArrayList<>();
        tests.add(new TestSplit(TrainguardSettings.SEED, split.validation().size(), tg, ft));
        for (int k = 1; k < o.testSplits(); k++) {
            long seed = TrainguardSettings.SEED + k;
            Splits.Split other = Splits.holdOut(p.all(), TrainguardSettings.TEST_SPLIT, seed);
            Path[] f = {
                work.resolve("split/test-" + seed + "-train.jsonl"), work.resolve("split/test-" + seed + "-test.jsonl")
            };
            writeJsonl(f[0], other.train());
            writeJsonl(f[1], other.validation());
            Path dir = work.resolve("trainguard/test-" + seed);
            SystemResult tgk = trainguard(
                    tgFinal,
                    ConfigLoader.parse(tgFinal.jsonlConfig(f[0], f[1], dir.resolve("run")), work),
                    other.train().size(),
                    dir);
            SystemResult ftk = fastText(
                    fastText,
                    ftFinal,
                    other.train(),
                    other.validation(),
                    work.resolve("fasttext/test-" + seed),
                    o.threads(),
                    o.fastTextRepeats());
            out.printf(
                    Locale.ROOT,
                    "  test split seed %d: trainguard %.4f, fastText %.4f (median; runs %s)%n",
                    seed,
                    tgk.accuracy(),
                    ftk.accuracy(),
                    runRange(ftk));
            tests.add(new TestSplit(seed, other.validation().size(), tgk, ftk));
        }
        out.println("after: " + Machine.loadLine());

        String table = table(List.of(tg, ft), Optional.of(ft));
        if (tests.size() > 1) {
            table += "\n" + splitsTable(tests) + "\n" + splitsSpeedTable(tests);
        }
        out.println();
        out.printf(
                Locale.ROOT,
                "AG News (ag_news_half/dev.csv): %d training examples, %d test examples, 4 classes%n",
                split.train().size(),
                split.validation().size());
        out.print(table);
        Report report = new Report(
                tuning, tg, ft, split.train().size(), split.validation().size(), table, tests);
        if (tests.size() > 1) {
            out.printf(
                    Locale.ROOT,
                    "target (trainguard accuracy >= fastText's, mean of %d test splits): %s (%.4f vs %.4f, ratio %.3f)%n",
                    tests.size(),
                    report.targetMet() ? "met" : "NOT met",
                    report.meanAccuracy(TestSplit::trainguard),
                    report.meanAccuracy(TestSplit::fastText),
                    report.accuracyRatio());
            double tgSpeed = report.samplesPerSecond(TestSplit::trainguard);
            out.printf(
                    Locale.ROOT,
                    "speed (trainguard samples/s >= fastText's and >= %,d, all %d test splits): %s (%,.0f vs %,.0f, ratio %.3f)%n",
                    SPEED_TARGET,
                    tests.size(),
                    report.speedRatio() >= 1 && tgSpeed >= SPEED_TARGET ? "met" : "NOT met",
                    tgSpeed,
                    report.samplesPerSecond(TestSplit::fastText),
                    report.speedRatio());
        } else {
            out.printf(
                    Locale.ROOT,
                    "target (trainguard accuracy >= fastText's): %s (%.4f vs %.4f, ratio %.3f)%n",
                    report.targetMet() ? "met" : "NOT met",
                    tg.accuracy(),
                    ft.accuracy(),
                    report.accuracyRatio());
        }
        try {
            Files.writeString(work.resolve("report.txt"), table, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BenchmarkException("cannot write " + work.resolve("report.txt") + ": " + e, e);
        }
        return report;
    }

    /**
     * Only the tuning half of {@code --sweep}: every candidate on the tuning splits of the training
     * part, and the table; the test part is neither trained on nor scored. For exploring settings
     * without seeing test figures.
     *
     * @param o what to run ({@link Options#sweep()} is ignored: tuning is all this does)
     * @param out where the tables go
     * @return the tuning figures, trainguard's candidates first, in the order given
     * @throws BenchmarkException when the data file or fastText is missing, or every candidate of a system fails
     */
    public static List<SystemResult> tune(Options o, PrintStream out) {
        Tuning t = sweep(o, prepare(o, out), out);
        out.println("after: " + Machine.loadLine());
        out.println("(tuning only: the test part was not used)");
        return t.results();
    }

    /** The data, the test split and the tools, as both {@link #run} and {@link #tune} start. */
    private record Prepared(Path data, Path work, FastText fastText, LabeledData all, Splits.Split split) {}

    /** What {@link #sweep} found: every candidate's figures and each system's winner. */
    private record Tuning(
            List<SystemResult> results, TrainguardSettings trainguardWinner, FastTextSettings fastTextWinner) {}

    private static Prepared prepare(Options o, PrintStream out) {
        Path data = o.data().toAbsolutePath().normalize();
        if (!Files.isRegularFile(data)) {
            throw new BenchmarkException(
                    "AG News data not found: " + data + " (expected the ag_news_half dev.csv with columns "
                            + "\"class\",\"title\",\"description\"); pass its path with --data FILE");
        }
        FastText fastText = FastText.locate(o.fastTextCommand());
        Path work = o.workDir().toAbsolutePath().normalize();
        try {
            Files.createDirectories(work);
            CheckpointStore.deleteRecursively(work.resolve("trainguard"));
            CheckpointStore.deleteRecursively(work.resolve("fasttext"));
            CheckpointStore.deleteRecursively(work.resolve("split"));
        } catch (IOException e) {
            throw new BenchmarkException("cannot prepare the work folder " + work + ": " + e, e);
        }
        out.println("AG News benchmark: trainguard against fastText (" + fastText.binary() + ")");
        out.println("machine: " + Machine.describe());
        out.println("before: " + Machine.loadLine());

        // The split comes from the very configuration trainguard trains with, so both see the same examples.
        TrainguardSettings first = o.trainguardCandidates().get(0);
        TrainguardConfig probe =
                ConfigLoader.parse(first.agNewsCsvConfig(data, work.resolve("trainguard/probe")), work);
        LabeledData all = DataReader.read(RunData.spec(probe, data));
        Splits.Split split = Splits.holdOut(
                all, probe.data().validationSplit(), probe.training().seed());
        out.printf(
                Locale.ROOT,
                "data: %s, %d examples; test part %d (%.0f%%, stratified, seed %d), training part %d%n",
                data,
                all.size(),
                split.validation().size(),
                100 * probe.data().validationSplit(),
                probe.training().seed(),
                split.train().size());
        return new Prepared(data, work, fastText, all, split);
    }

    private static Tuning sweep(Options o, Prepared p, PrintStream out) {
        Path work = p.work();
        Splits.Split split = p.split();
        FastText fastText = p.fastText();
        // Several tuning splits (seeds 42, 43, ...) average out which examples happen to land in
        // one small validation part; a single split of 608 examples moves by 0.16% per example.
        List<Splits.Split> inner = new ArrayList<>();
        List<Path[]> files = new ArrayList<>();
        for (int k = 0; k < o.tuningSplits(); k++) {
            Splits.Split sp = Splits.holdOut(split.train(), TrainguardSettings.TEST_SPLIT, TrainguardSettings.SEED + k);
            Path[] f = {
                work.resolve("split/tune-" + (k + 1) + "-train.jsonl"),
                work.resolve("split/tune-" + (k + 1) + "-validation.jsonl")
            };
            writeJsonl(f[0], sp.train());
            writeJsonl(f[1], sp.validation());
            inner.add(sp);
            files.add(f);
        }
        out.printf(
                Locale.ROOT,
                "%ntuning on the training part only: %d split(s) of %d to train and %d to compare settings (seeds %d-%d)%n",
                o.tuningSplits(),
                inner.get(0).train().size(),
                inner.get(0).validation().size(),
                TrainguardSettings.SEED,
                TrainguardSettings.SEED + o.tuningSplits() - 1);
        List<SystemResult> tgTried = new ArrayList<>();
        for (int i = 0; i < o.trainguardCandidates().size(); i++) {
            TrainguardSettings s = o.trainguardCandidates().get(i);
            List<SystemResult> perSplit = new ArrayList<>();
            SystemResult r;
            try {
                for (int k = 0; k < inner.size(); k++) {
                    Path dir = work.resolve("trainguard/tune-" + (i + 1) + "-split-" + (k + 1));
                    perSplit.add(trainguard(
                            s,
                            ConfigLoader.parse(
                                    s.jsonlConfig(files.get(k)[0], files.get(k)[1], dir.resolve("run")), work),
                            inner.get(k).train().size(),
                            dir));
                }
                r = mean(perSplit);
            } catch (StoppedBySignal stopped) {
                throw stopped;
            } catch (RuntimeException failed) {
                // a candidate that diverges (a learning rate too high) is a result of the sweep, not its end
                r = new SystemResult(
                        "trainguard",
                        s.describe(),
                        Double.NaN,
                        Double.NaN,
                        Double.NaN,
                        Double.NaN,
                        Double.NaN,
                        "failed: " + failed.getMessage());
            }
            out.println("  " + brief(r));
            tgTried.add(r);
        }
        List<SystemResult> ftTried = new ArrayList<>();
        for (int i = 0; i < o.fastTextCandidates().size(); i++) {
            FastTextSettings s = o.fastTextCandidates().get(i);
            List<SystemResult> perSplit = new ArrayList<>();
            for (int k = 0; k < inner.size(); k++) {
                // one run per split while tuning keeps the sweep short; the final figure is a median
                perSplit.add(fastText(
                        fastText,
                        s,
                        inner.get(k).train(),
                        inner.get(k).validation(),
                        work.resolve("fasttext/tune-" + (i + 1) + "-split-" + (k + 1)),
                        o.threads(),
                        1));
            }
            SystemResult r = mean(perSplit);
            out.println("  " + brief(r));
            ftTried.add(r);
        }
        List<SystemResult> tuning = new ArrayList<>(tgTried);
        tuning.addAll(ftTried);
        out.println();
        out.println("tuning results (mean over the tuning splits; the test part is not used):");
        out.print(table(tuning, Optional.empty()));
        return new Tuning(
                tuning,
                o.trainguardCandidates().get(best(tgTried)),
                o.fastTextCandidates().get(best(ftTried)));
    }

    /** The mean of one setting's figures over several tuning splits. */
    static SystemResult mean(List<SystemResult> runs) {
        SystemResult first = runs.get(0);
        double n = runs.size();
        return new SystemResult(
                first.system(),
                first.settings(),
                runs.stream().mapToDouble(SystemResult::accuracy).sum() / n,
                runs.stream().mapToDouble(SystemResult::macroF1).sum() / n,
                runs.stream().mapToDouble(SystemResult::trainSeconds).sum() / n,
                runs.stream().mapToDouble(SystemResult::samplesPerSecond).sum() / n,
                runs.stream().mapToDouble(SystemResult::endToEndSeconds).sum() / n,
                runs.size() == 1
                        ? ""
                        : String.format(
                                Locale.ROOT,
                                "mean of %d tuning splits, accuracy %.4f-%.4f",
                                runs.size(),
                                runs.stream()
                                        .mapToDouble(SystemResult::accuracy)
                                        .min()
                                        .orElse(0),
                                runs.stream()
                                        .mapToDouble(SystemResult::accuracy)
                                        .max()
                                        .orElse(0)));
    }

    /** The most accurate setting; the first of equals, and never one that failed (NaN). */
    static int best(List<SystemResult> tried) {
        int best = -1;
        for (int i = 0; i < tried.size(); i++) {
            double a = tried.get(i).accuracy();
            if (!Double.isNaN(a) && (best < 0 || a > tried.get(best).accuracy())) {
                best = i;
            }
        }
        if (best < 0) {
            throw new BenchmarkException("every " + tried.get(0).system() + " setting failed during tuning; the first: "
                    + tried.get(0).note());
        }
        return best;
    }

    /** Trains trainguard through {@link TrainingRun}, the job behind {@code trainer --config}. */
    static SystemResult trainguard(TrainguardSettings s, TrainguardConfig config, int trainExamples, Path dir) {
        Path outputDir = config.training().outputDir();
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("config.yaml"), config.toYaml(), StandardCharsets.UTF_8);
            TrainingRun.Result result;
            long t0 = System.nanoTime();
            try (PrintStream tables = new PrintStream(
                    Files.newOutputStream(dir.resolve("evaluation.txt")), true, StandardCharsets.UTF_8)) {
                result = new TrainingRun(config, ResumeMode.NEVER, Optional.empty(), tables, null).run();
            }
            double endToEnd = (System.nanoTime() - t0) / 1e9;
            ExitCode.of(result.exitCode())
                    .filter(c -> c == ExitCode.HANGUP || c == ExitCode.INTERRUPTED || c == ExitCode.TERMINATED)
                    .ifPresent(c -> {
                        throw new StoppedBySignal(c, outputDir);
                    });
            if (result.exitCode() != 0 || result.finalEval().isEmpty()) {
                throw new BenchmarkException("trainguard run in " + outputDir + " ended with exit code "
                        + result.exitCode() + ": " + result.reason());
            }
            CheckpointStore store = new CheckpointStore(outputDir);
            CheckpointStore.Checkpoint last = store.list().stream()
                    .max(Comparator.comparingLong(CheckpointStore.Checkpoint::step))
                    .orElseThrow(() -> new BenchmarkException(
                            "trainguard run in " + outputDir + " left no checkpoint to read its training time from"));
            TrainingState state = store.readTrainingState(last);
            EvalResult e = result.finalEval().get();
            double seconds = state.trainingSeconds();
            return new SystemResult(
                    "trainguard",
                    s.describe(),
                    e.accuracy(),
                    e.f1Macro(),
                    seconds,
                    (double) trainExamples * s.epochs() / seconds,
                    endToEnd,
                    "");
        } catch (IOException | org.trainguard.core.lock.RunLock.LockHeldException e) {
            throw new BenchmarkException("trainguard run in " + outputDir + " failed: " + e, e);
        }
    }

    /** Runs fastText {@code repeats} times and reports the run with the median accuracy. */
    static SystemResult fastText(
            FastText tool,
            FastTextSettings s,
            LabeledData train,
            LabeledData test,
            Path dir,
            int threads,
            int repeats) {
        List<FastText.Run> runs = new ArrayList<>();
        for (int i = 0; i < repeats; i++) {
            runs.add(tool.trainAndTest(
                    s, train, test, dir.resolve("run-" + (i + 1)), threads, TrainguardSettings.SEED + i));
        }
        List<FastText.Run> byAccuracy = new ArrayList<>(runs);
        byAccuracy.sort(Comparator.comparingDouble(r -> r.eval().accuracy()));
        FastText.Run median = byAccuracy.get((byAccuracy.size() - 1) / 2);
        double trainSeconds =
                Stats.median(runs.stream().map(FastText.Run::trainSeconds).toList());
        double endToEnd = Stats.median(
                runs.stream().map(r -> r.trainSeconds() + r.predictSeconds()).toList());
        String note = repeats == 1
                ? ""
                : String.format(
                        Locale.ROOT,
                        "median of %d runs (seeds %d-%d), accuracy %.4f-%.4f",
                        repeats,
                        TrainguardSettings.SEED,
                        TrainguardSettings.SEED + repeats - 1,
                        byAccuracy.get(0).eval().accuracy(),
                        byAccuracy.get(repeats - 1).eval().accuracy());
        median.reportedPrecisionAt1().ifPresent(p -> {
            if (Math.abs(p - median.eval().accuracy()) > 0.0011) {
                throw new BenchmarkException(
                        "fastText's own test printed P@1 " + p + " but its predictions score accuracy "
                                + median.eval().accuracy() + " in " + dir + "; the two must agree");
            }
        });
        return new SystemResult(
                "fastText",
                s.describe(),
                median.eval().accuracy(),
                median.eval().f1Macro(),
                trainSeconds,
                (double) train.size() * s.epoch() / trainSeconds,
                endToEnd,
                note);
    }

    /**
     * @param tests the test splits, the main one first
     * @return a table of both systems' accuracy on every test split and their mean
     */
    static String splitsTable(List<TestSplit> tests) {
        TextTable t = new TextTable(
                List.of(
                        "test split",
                        "test examples",
                        "trainguard",
                        "fastText (median)",
                        "fastText runs",
                        "difference"),
                1);
        int total = 0;
        double diffExamples = 0;
        for (TestSplit s : tests) {
            double diff = s.trainguard().accuracy() - s.fastText().accuracy();
            total += s.testExamples();
            diffExamples += diff * s.testExamples();
            t.row(List.of(
                    "seed " + s.seed() + (s.seed() == TrainguardSettings.SEED ? " (above)" : ""),
                    Integer.toString(s.testExamples()),
                    f4(s.trainguard().accuracy()),
                    f4(s.fastText().accuracy()),
                    runRange(s.fastText()),
                    String.format(Locale.ROOT, "%+.4f (%+d examples)", diff, Math.round(diff * s.testExamples()))));
        }
        double tgMean = tests.stream()
                .mapToDouble(s -> s.trainguard().accuracy())
                .average()
                .orElseThrow();
        double ftMean = tests.stream()
                .mapToDouble(s -> s.fastText().accuracy())
                .average()
                .orElseThrow();
        long wins = tests.stream()
                .filter(s -> s.trainguard().accuracy() > s.fastText().accuracy())
                .count();
        long ties = tests.stream()
                .filter(s -> s.trainguard().accuracy() == s.fastText().accuracy())
                .count();
        t.row(List.of(
                "mean of " + tests.size(),
                Integer.toString(total),
                f4(tgMean),
                f4(ftMean),
                "",
                String.format(Locale.ROOT, "%+.4f (%+d examples)", tgMean - ftMean, Math.round(diffExamples))));
        return "Both systems with the settings above on " + tests.size()
                + " held-out test splits of the whole file (20% each, "
                + "stratified, seeds " + tests.get(0).seed() + "-"
                + tests.get(tests.size() - 1).seed() + "):\n" + t.render()
                + String.format(
                        Locale.ROOT, "trainguard ahead on %d of %d splits, level on %d%n", wins, tests.size(), ties);
    }

    /**
     * @param tests the test splits, the main one first
     * @return a table of both systems' training speed on every test split, and over all of them: the examples
     *     trained on (times epochs) over the summed training time, so that a split disturbed by other work on
     *     the machine counts for what it took and no more
     */
    static String splitsSpeedTable(List<TestSplit> tests) {
        TextTable t = new TextTable(
                List.of("test split", "trainguard samples/s", "fastText samples/s (median time)", "speed ratio"), 1);
        double[] samples = new double[2];
        double[] seconds = new double[2];
        for (TestSplit s : tests) {
            SystemResult[] both = {s.trainguard(), s.fastText()};
            for (int i = 0; i < 2; i++) {
                samples[i] += both[i].samplesPerSecond() * both[i].trainSeconds();
                seconds[i] += both[i].trainSeconds();
            }
            t.row(List.of(
                    "seed " + s.seed() + (s.seed() == TrainguardSettings.SEED ? " (above)" : ""),
                    perSecond(s.trainguard().samplesPerSecond()),
                    perSecond(s.fastText().samplesPerSecond()),
                    String.format(
                            Locale.ROOT,
                            "%.3f",
                            s.trainguard().samplesPerSecond() / s.fastText().samplesPerSecond())));
        }
        double tg = samples[0] / seconds[0];
        double ft = samples[1] / seconds[1];
        t.row(List.of(
                "all " + tests.size(), perSecond(tg), perSecond(ft), String.format(Locale.ROOT, "%.3f", tg / ft)));
        return "Training speed on the same splits (all " + tests.size()
                + ": every example trained on, times epochs, over the summed training time):\n" + t.render();
    }

    private static String perSecond(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String runRange(SystemResult r) {
        int at = r.note().indexOf("accuracy ");
        return at < 0 ? "1 run" : r.note().substring(at + "accuracy ".length());
    }

    static String brief(SystemResult r) {
        if (Double.isNaN(r.accuracy())) {
            return String.format(Locale.ROOT, "%-10s %s  %s", r.system(), r.note(), r.settings());
        }
        return String.format(
                Locale.ROOT,
                "%-10s accuracy %.4f  macro-F1 %.4f  train %s  %s",
                r.system(),
                r.accuracy(),
                r.macroF1(),
                Machine.seconds(r.trainSeconds()),
                r.settings());
    }

    /**
     * @param results rows
     * @param baseline the row the ratio column divides by, if any
     * @return the rendered table
     */
    static String table(List<SystemResult> results, Optional<SystemResult> baseline) {
        List<String> header = new ArrayList<>(
                List.of("system", "settings", "accuracy", "macro-F1", "train time", "samples/s", "end to end"));
        if (baseline.isPresent()) {
            header.addAll(List.of("acc. ratio", "F1 ratio", "speed ratio"));
        }
        TextTable t = new TextTable(header, 2);
        for (SystemResult r : results) {
            List<String> row = new ArrayList<>(List.of(
                    r.system(),
                    r.settings(),
                    f4(r.accuracy()),
                    f4(r.macroF1()),
                    Machine.seconds(r.trainSeconds()),
                    String.format(Locale.ROOT, "%,.0f", r.samplesPerSecond()),
                    Machine.seconds(r.endToEndSeconds())));
            baseline.ifPresent(b -> {
                row.add(String.format(Locale.ROOT, "%.3f", r.accuracy() / b.accuracy()));
                row.add(String.format(Locale.ROOT, "%.3f", r.macroF1() / b.macroF1()));
                row.add(String.format(Locale.ROOT, "%.3f", r.samplesPerSecond() / b.samplesPerSecond()));
            });
            t.row(row);
        }
        StringBuilder sb = new StringBuilder(t.render());
        for (SystemResult r : results) {
            if (!r.note().isEmpty()) {
                sb.append(r.system()).append(": ").append(r.note()).append('\n');
            }
        }
        return sb.toString();
    }

    private static String f4(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    static void writeJsonl(Path file, LabeledData data) {
        ObjectMapper json = new ObjectMapper();
        try {
            Files.createDirectories(file.getParent());
            try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                for (Example e : data.examples()) {
                    Map<String, String> m = new LinkedHashMap<>();
                    m.put("text", e.text());
                    m.put("label", data.labels().get(e.label()));
                    w.write(json.writeValueAsString(m));
                    w.write('\n');
                }
            }
        } catch (IOException e) {
            throw new BenchmarkException("cannot write " + file + ": " + e, e);
        }
    }

    static List<TrainguardSettings> trainguardList(String spec) {
        List<TrainguardSettings> list = new ArrayList<>();
        for (String one : spec.split(";")) {
            list.add(CHOSEN_TRAINGUARD.withAll(one));
        }
        return list;
    }

    static List<FastTextSettings> fastTextList(String spec) {
        List<FastTextSettings> list = new ArrayList<>();
        for (String one : spec.split(";")) {
            list.add(parseFastText(one.trim()));
        }
        return list;
    }

    /**
     * @param args fastText-style options, e.g. {@code -epoch 25 -lr 0.5 -wordNgrams 2 raw}; unset
     *     options keep {@link #CHOSEN_FASTTEXT}'s values, {@code raw} or {@code tokenized} picks the
     *     text preparation
     * @return the settings
     */
    static FastTextSettings parseFastText(String args) {
        FastTextSettings c = CHOSEN_FASTTEXT;
        int epoch = c.epoch();
        double lr = c.learningRate();
        int ngrams = c.wordNgrams();
        int dim = c.dim();
        int minn = c.minn();
        int maxn = c.maxn();
        int bucket = c.bucket();
        boolean tokenized = c.tokenized();
        String[] t = args.isBlank() ? new String[0] : args.trim().split("\\s+");
        try {
            for (int i = 0; i < t.length; i++) {
                switch (t[i]) {
                    case "raw" -> tokenized = false;
                    case "tokenized" -> tokenized = true;
                    case "-epoch" -> epoch = Integer.parseInt(t[++i]);
                    case "-lr" -> lr = Double.parseDouble(t[++i]);
                    case "-wordNgrams" -> ngrams = Integer.parseInt(t[++i]);
                    case "-dim" -> dim = Integer.parseInt(t[++i]);
                    case "-minn" -> minn = Integer.parseInt(t[++i]);
                    case "-maxn" -> maxn = Integer.parseInt(t[++i]);
                    case "-bucket" -> bucket = Integer.parseInt(t[++i]);
                    default ->
                        throw new BenchmarkException("unknown fastText setting \"" + t[i] + "\" in \"" + args
                                + "\"; known: -epoch -lr -wordNgrams -dim -minn -maxn -bucket raw tokenized");
                }
            }
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            throw new BenchmarkException("fastText settings \"" + args + "\" need a number after each option");
        }
        try {
            return new FastTextSettings(epoch, lr, ngrams, dim, minn, maxn, bucket, tokenized);
        } catch (IllegalArgumentException e) {
            throw new BenchmarkException(e.getMessage() + " in \"" + args + "\"");
        }
    }
}
