package org.trainguard.bench;

import java.io.File;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.trainguard.trainer.data.Example;
import org.trainguard.trainer.data.LabeledData;
import org.trainguard.trainer.eval.EvalResult;
import org.trainguard.trainer.eval.Evaluator;

/**
 * Runs the {@code fasttext} command-line tool (Debian package {@code fasttext}) on the same split
 * trainguard is measured on: writes the parts in fastText's {@code __label__X text} format, trains
 * with {@code fasttext supervised}, predicts with {@code fasttext predict}, and scores the
 * predictions with trainguard's own {@link Evaluator} so both systems get the same metric code.
 */
public final class FastText {

    /** How to get the tool where it is missing. */
    public static final String INSTALL_HINT =
            "install it with `apt-get install -y fasttext` (Debian, Ubuntu), " + "or pass --fasttext /path/to/fasttext";

    private static final String LABEL_PREFIX = "__label__";
    private static final long TIMEOUT_MINUTES = 10;

    private final Path binary;

    private FastText(Path binary) {
        this.binary = binary;
    }

    /**
     * Finds the tool: a path, or a command name looked up on {@code PATH}.
     *
     * @param command {@code fasttext} or a path to the binary
     * @return the runner
     * @throws BenchmarkException when it is not found or not executable, with how to install it
     */
    public static FastText locate(String command) {
        if (command.contains("/") || command.contains(File.separator)) {
            Path p = Path.of(command);
            if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
                throw new BenchmarkException(
                        "fastText binary not found or not executable: " + p.toAbsolutePath() + "; " + INSTALL_HINT);
            }
            return new FastText(p);
        }
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, command);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return new FastText(p);
            }
        }
        throw new BenchmarkException(
                "fastText command " + command + " not found on PATH (" + path + "); " + INSTALL_HINT);
    }

    /** @return the binary this runner starts */
    public Path binary() {
        return binary;
    }

    /**
     * One fastText run on one split.
     *
     * @param eval accuracy, macro-F1 and the rest on the test part, computed from {@code fasttext predict}
     * @param trainSeconds wall time of {@code fasttext supervised} (reading, dictionary, training, saving)
     * @param predictSeconds wall time of {@code fasttext predict} on the test part
     * @param reportedPrecisionAt1 what {@code fasttext test} printed as P@1 (equals the accuracy for
     *     one label per example), when it could be read
     */
    public record Run(
            EvalResult eval, double trainSeconds, double predictSeconds, Optional<Double> reportedPrecisionAt1) {}

    /**
     * Trains on {@code train} and scores on {@code test}.
     *
     * @param settings fastText's options and text preparation
     * @param train the training part
     * @param test the test part (same labels)
     * @param workDir where the input files and the model go (created when missing)
     * @param threads {@code -thread}
     * @param seed {@code -seed} (results still vary between runs when threads &gt; 1)
     * @return the scores and times
     * @throws BenchmarkException when fastText fails or prints a label it was not trained on
     */
    public Run trainAndTest(
            FastTextSettings settings, LabeledData train, LabeledData test, Path workDir, int threads, long seed) {
        try {
            Files.createDirectories(workDir);
            Path trainFile = workDir.resolve("train.txt");
            Path testFile = workDir.resolve("test.txt");
            Path textFile = workDir.resolve("test-text.txt");
            write(trainFile, train, settings, true);
            write(testFile, test, settings, true);
            write(textFile, test, settings, false);
            Path model = workDir.resolve("model");
            List<String> cmd = new ArrayList<>(List.of(
                    binary.toString(),
                    "supervised",
                    "-input",
                    trainFile.toString(),
                    "-output",
                    model.toString(),
                    "-thread",
                    Integer.toString(threads),
                    "-seed",
                    Long.toString(seed),
                    "-verbose",
                    "0"));
            cmd.addAll(settings.arguments());
            long t0 = System.nanoTime();
            run(cmd, workDir.resolve("supervised.log"));
            double trainSeconds = (System.nanoTime() - t0) / 1e9;

            Path bin = workDir.resolve("model.bin");
            Path predictions = workDir.resolve("predictions.txt");
            t0 = System.nanoTime();
            run(List.of(binary.toString(), "predict", bin.toString(), textFile.toString()), predictions);
            double predictSeconds = (System.nanoTime() - t0) / 1e9;
            EvalResult eval = score(predictions, test);

            Path testLog = workDir.resolve("test.log");
            run(List.of(binary.toString(), "test", bin.toString(), testFile.toString()), testLog);
            Optional<Double> p1 = precisionAt1(Files.readAllLines(testLog, StandardCharsets.UTF_8));
            // the model files are large (bucket x dim floats); only the scores matter afterwards
            Files.deleteIfExists(bin);
            Files.deleteIfExists(workDir.resolve("model.vec"));
            return new Run(eval, trainSeconds, predictSeconds, p1);
        } catch (IOException e) {
            throw new BenchmarkException("cannot run fastText in " + workDir + ": " + e, e);
        }
    }

    private static void write(Path file, LabeledData data, FastTextSettings settings, boolean withLabel)
            throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Example e : data.examples()) {
                if (withLabel) {
                    w.write(LABEL_PREFIX + data.labels().get(e.label()) + " ");
                }
                w.write(settings.prepare(e.text()));
                w.write('\n');
            }
        }
    }

    private void run(List<String> cmd, Path stdout) throws IOException {
        Path stderr = stdout.resolveSibling(stdout.getFileName() + ".err");
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .start();
        try {
            if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new BenchmarkException(
                        "fastText did not finish within " + TIMEOUT_MINUTES + " minutes: " + String.join(" ", cmd));
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new BenchmarkException("interrupted while waiting for fastText: " + String.join(" ", cmd), e);
        }
        if (p.exitValue() != 0) {
            String err = Files.readString(stderr, StandardCharsets.UTF_8).strip();
            throw new BenchmarkException("fastText exited with status " + p.exitValue() + ": " + String.join(" ", cmd)
                    + (err.isEmpty() ? "" : "\n" + tail(err)));
        }
    }

    private static String tail(String text) {
        return text.length() <= 2000 ? text : "..." + text.substring(text.length() - 2000);
    }

    /** Scores {@code fasttext predict} output (one {@code __label__X} line per test example). */
    static EvalResult score(Path predictions, LabeledData test) throws IOException {
        List<String> lines = Files.readAllLines(predictions, StandardCharsets.UTF_8);
        if (lines.size() != test.size()) {
            throw new BenchmarkException("fastText predicted " + lines.size() + " labels in " + predictions + " for "
                    + test.size() + " test examples");
        }
        int[] truth = new int[test.size()];
        int[] predicted = new int[test.size()];
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            String label = line.startsWith(LABEL_PREFIX)
                    ? line.substring(LABEL_PREFIX.length()).split("\\s+")[0]
                    : line;
            int index = test.labels().indexOf(label);
            if (index < 0) {
                throw new BenchmarkException(predictions + " line " + (i + 1) + ": fastText predicted " + "\"" + line
                        + "\", which is not one of the labels " + test.labels());
            }
            truth[i] = test.examples().get(i).label();
            predicted[i] = index;
        }
        return new Evaluator(test.labels(), 0, new int[0]).evaluate(0, truth, predicted, Double.NaN);
    }

    static Optional<Double> precisionAt1(List<String> lines) {
        for (String line : lines) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 2 && parts[0].toUpperCase(Locale.ROOT).equals("P@1")) {
                try {
                    return Optional.of(Double.parseDouble(parts[1]));
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }
}
