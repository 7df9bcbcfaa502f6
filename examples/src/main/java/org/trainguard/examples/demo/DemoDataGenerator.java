package org.trainguard.examples.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Writes the demo dataset of the four-class safety gate: {@code train.jsonl} and {@code val.jsonl},
 * one {@code {"text": "...", "label": "ALLOW"}} object per line, UTF-8, {@code \n} line ends.
 *
 * <p>Label shares are exact (ALLOW 40%, ESCALATION 20%, DENY 20%, REFUSE 20%, largest remainder
 * rounding), and 30% of each label's rows are Japanese. The output depends only on the arguments:
 * the same seed gives the same bytes. Validation rows are redrawn while their text already occurs
 * in the training file, so the validation score measures more than recall of memorised lines.
 *
 * <pre>
 * java -cp ... org.trainguard.examples.demo.DemoDataGenerator --out examples/data/four_class \
 *     --train 46670 --val 2000 --seed 20261124
 * </pre>
 */
public final class DemoDataGenerator {

    /** The seed of the committed dataset. */
    public static final long DEFAULT_SEED = 20261124L;
    /** Training rows of the committed dataset: batch 16 gives 2917 steps per epoch. */
    public static final int DEFAULT_TRAIN_ROWS = 46_670;
    /** Validation rows of the committed dataset. */
    public static final int DEFAULT_VAL_ROWS = 2_000;
    /** Share of each label's rows written in Japanese. */
    public static final double JAPANESE_SHARE = 0.30;
    /** Name of the training file inside the output folder. */
    public static final String TRAIN_FILE = "train.jsonl";
    /** Name of the validation file inside the output folder. */
    public static final String VAL_FILE = "val.jsonl";

    // how often a duplicate draw is retried before it is kept: training rows may repeat now and
    // then as real traffic does; validation rows try hard to be new
    private static final int TRAIN_ATTEMPTS = 20;
    private static final int VAL_ATTEMPTS = 500;

    private static final int EXIT_OK = 0;
    private static final int EXIT_FAILURE = 1;
    // the usage exit code of trainguard's command-line contract
    private static final int EXIT_USAGE = 2;

    private static final String USAGE = """
            Usage: DemoDataGenerator --out DIR [--train N] [--val M] [--seed S]
              --out DIR    folder to write train.jsonl and val.jsonl into (created when missing)
              --train N    training rows, default 46670
              --val M      validation rows, default 2000
              --seed S     random seed, default 20261124""";

    private DemoDataGenerator() {}

    /**
     * Generates the dataset into {@code outDir}, replacing {@code train.jsonl} and {@code val.jsonl}.
     * Each file is written under a temporary name and renamed into place, so a reader never sees
     * half a file.
     *
     * @param outDir the folder to write into; created when missing
     * @param trainRows training rows, at least 1
     * @param valRows validation rows, at least 0
     * @param seed the random seed; the same arguments give byte-identical files
     * @return the files written and their rows per label
     * @throws IllegalArgumentException when a row count is out of range
     * @throws UncheckedIOException when a file cannot be written
     */
    public static DemoDataSummary generate(Path outDir, int trainRows, int valRows, long seed) {
        if (trainRows < 1) {
            throw new IllegalArgumentException("trainRows must be >= 1, found " + trainRows);
        }
        if (valRows < 0) {
            throw new IllegalArgumentException("valRows must be >= 0, found " + valRows);
        }
        RequestFactory factory = new RequestFactory();
        SplittableRandom root = new SplittableRandom(seed);
        SplittableRandom trainRng = root.split();
        SplittableRandom valRng = root.split();

        Set<String> seen = new HashSet<>();
        List<DemoRow> train = draw(factory, trainRows, trainRng, seen, TRAIN_ATTEMPTS);
        Set<String> trainTexts = Set.copyOf(seen);
        List<DemoRow> val = draw(factory, valRows, valRng, seen, VAL_ATTEMPTS);
        int valRowsAlsoInTrain =
                (int) val.stream().filter(r -> trainTexts.contains(r.text())).count();

        Path trainFile = outDir.resolve(TRAIN_FILE);
        Path valFile = outDir.resolve(VAL_FILE);
        try {
            Files.createDirectories(outDir);
            writeJsonLines(trainFile, train);
            writeJsonLines(valFile, val);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the demo dataset into " + outDir + ": " + e.getMessage(), e);
        }
        return new DemoDataSummary(
                trainFile,
                valFile,
                countLabels(train),
                countLabels(val),
                countJapanese(train),
                countJapanese(val),
                valRowsAlsoInTrain);
    }

    /**
     * Command line entry point; exits 0 on success, 2 on a usage error, 1 when writing fails.
     *
     * @param args {@code --out DIR [--train N] [--val M] [--seed S]}
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the command line without exiting the JVM.
     *
     * @param args {@code --out DIR [--train N] [--val M] [--seed S]} or {@code --help}
     * @param out where the summary goes
     * @param err where errors and usage go
     * @return the exit code: 0 success, 1 the files could not be written, 2 usage error
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Path outDir = null;
        int trainRows = DEFAULT_TRAIN_ROWS;
        int valRows = DEFAULT_VAL_ROWS;
        long seed = DEFAULT_SEED;
        try {
            for (int i = 0; i < args.length; i++) {
                String option = args[i];
                if (option.equals("--help") || option.equals("-h")) {
                    out.println(USAGE);
                    return EXIT_OK;
                }
                if (!List.of("--out", "--train", "--val", "--seed").contains(option)) {
                    throw new IllegalArgumentException(
                            "unknown option '" + option + "'; expected --out, --train, --val or --seed");
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(option + " needs a value");
                }
                String value = args[++i];
                switch (option) {
                    case "--out" -> outDir = Path.of(value);
                    case "--train" -> trainRows = parseCount(option, value, 1);
                    case "--val" -> valRows = parseCount(option, value, 0);
                    default -> seed = parseSeed(value);
                }
            }
            if (outDir == null) {
                throw new IllegalArgumentException("--out is required");
            }
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.println(USAGE);
            return EXIT_USAGE;
        }
        try {
            DemoDataSummary summary = generate(outDir, trainRows, valRows, seed);
            out.println(summary.describe());
            return EXIT_OK;
        } catch (UncheckedIOException e) {
            err.println("error: " + e.getMessage());
            return EXIT_FAILURE;
        }
    }

    private static int parseCount(String option, String value, int minimum) {
        int n;
        try {
            n = Integer.parseInt(value.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a whole number, found '" + value + "'", e);
        }
        if (n < minimum) {
            throw new IllegalArgumentException(option + " must be >= " + minimum + ", found " + n);
        }
        return n;
    }

    private static long parseSeed(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--seed must be a whole number, found '" + value + "'", e);
        }
    }

    /** Draws {@code rows} rows with exact label and language quotas, in a shuffled order. */
    private static List<DemoRow> draw(
            RequestFactory factory, int rows, SplittableRandom rng, Set<String> seen, int attempts) {
        List<DemoLabel> labels = new ArrayList<>(rows);
        List<Language> languages = new ArrayList<>(rows);
        Map<DemoLabel, Integer> quotas = labelQuotas(rows);
        for (Map.Entry<DemoLabel, Integer> quota : quotas.entrySet()) {
            int japanese = (int) Math.round(quota.getValue() * JAPANESE_SHARE);
            for (int i = 0; i < quota.getValue(); i++) {
                labels.add(quota.getKey());
                languages.add(i < japanese ? Language.JAPANESE : Language.ENGLISH);
            }
        }
        int[] order = shuffledIndexes(rows, rng);
        List<DemoRow> drawn = new ArrayList<>(rows);
        for (int index : order) {
            DemoRow row = factory.next(labels.get(index), languages.get(index), rng);
            for (int attempt = 1; attempt < attempts && seen.contains(row.text()); attempt++) {
                row = factory.next(labels.get(index), languages.get(index), rng);
            }
            seen.add(row.text());
            drawn.add(row);
        }
        return drawn;
    }

    /**
     * Rows per label for a file of {@code rows} rows: the label shares rounded by largest remainder,
     * so the counts add up exactly and ties go to the label listed first.
     *
     * @param rows rows in the file
     * @return rows per label, in label order
     */
    static Map<DemoLabel, Integer> labelQuotas(int rows) {
        Map<DemoLabel, Integer> quotas = new EnumMap<>(DemoLabel.class);
        double[] remainders = new double[DemoLabel.values().length];
        int assigned = 0;
        for (DemoLabel label : DemoLabel.values()) {
            double exact = rows * label.share();
            int whole = (int) Math.floor(exact + 1e-9);
            quotas.put(label, whole);
            remainders[label.ordinal()] = exact - whole;
            assigned += whole;
        }
        for (int left = rows - assigned; left > 0; left--) {
            int best = 0;
            for (int i = 1; i < remainders.length; i++) {
                if (remainders[i] > remainders[best]) {
                    best = i;
                }
            }
            DemoLabel label = DemoLabel.values()[best];
            quotas.merge(label, 1, Integer::sum);
            remainders[best] = -1;
        }
        return quotas;
    }

    private static int[] shuffledIndexes(int n, SplittableRandom rng) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    private static void writeJsonLines(Path target, List<DemoRow> rows) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try {
            try (Writer writer = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                for (DemoRow row : rows) {
                    // an ObjectNode keeps insertion order: "text" first, then "label"
                    ObjectNode line = mapper.createObjectNode();
                    line.put("text", row.text());
                    line.put("label", row.label().name());
                    writer.write(mapper.writeValueAsString(line));
                    writer.write('\n');
                }
            }
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static Map<DemoLabel, Integer> countLabels(List<DemoRow> rows) {
        Map<DemoLabel, Integer> counts = new EnumMap<>(DemoLabel.class);
        for (DemoLabel label : DemoLabel.values()) {
            counts.put(label, 0);
        }
        for (DemoRow row : rows) {
            counts.merge(row.label(), 1, Integer::sum);
        }
        return counts;
    }

    private static int countJapanese(List<DemoRow> rows) {
        return (int)
                rows.stream().filter(r -> r.language() == Language.JAPANESE).count();
    }
}
