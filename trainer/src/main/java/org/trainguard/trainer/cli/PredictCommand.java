package org.trainguard.trainer.cli;

import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.trainguard.cli.UsageException;
import org.trainguard.core.io.AtomicFiles;
import org.trainguard.core.io.Json;
import org.trainguard.trainer.data.InputTexts;
import org.trainguard.trainer.infer.InferenceModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code trainer predict --model DIR "text" ...}: labels texts from the command line, from standard
 * input (answering each line as it arrives), or from a JSONL or CSV file into a JSONL file.
 * Blank input lines get blank output lines, so that line N of the output answers line N of the input.
 */
@Command(
        name = "predict",
        mixinStandardHelpOptions = true,
        description =
                "Classify texts given as arguments, one per line on standard input, or from a JSONL/CSV file (--input) into a "
                        + "JSONL file (--output).")
final class PredictCommand implements Callable<Integer> {

    /** Texts classified together; also how many waiting stdin lines are answered at once. */
    private static final int BATCH = 256;

    @Mixin
    ModelOption model;

    @Option(names = "--json", description = "One JSON object per text (standard output).")
    boolean json;

    @Option(
            names = "--input",
            paramLabel = "FILE",
            description = "A JSONL file ({\"text\": ...} or a JSON string per line) or a CSV file with a header row.")
    Path input;

    @Option(
            names = "--output",
            paramLabel = "FILE",
            description = "The JSONL file to write (with --input), atomically.")
    Path output;

    @Option(
            names = "--text-field",
            paramLabel = "NAME",
            defaultValue = "text",
            description = "The JSON field or CSV column that holds the text (default: ${DEFAULT-VALUE}).")
    String textField;

    @Parameters(paramLabel = "TEXT", arity = "0..*", description = "Texts to classify; none: read lines from stdin.")
    List<String> texts = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (input != null || output != null) {
            if (input == null || output == null) {
                throw new UsageException(
                        "--input and --output go together, found only " + (input == null ? "--output" : "--input"));
            }
            if (!texts.isEmpty()) {
                throw new UsageException("give texts either on the command line or with --input, not both");
            }
            if (!Files.isRegularFile(input)) {
                throw new UsageException("--input file not found: " + input.toAbsolutePath());
            }
        }
        InferenceModel m = InferenceModel.load(model.dir);
        if (input != null) {
            return batch(m);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (!texts.isEmpty()) {
            write(out, m.predict(texts));
            out.flush();
            return 0;
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        List<String> waiting = new ArrayList<>();
        for (String line; (line = in.readLine()) != null; ) {
            waiting.add(line);
            // answer now what has arrived: a person typing gets each line back at once, a pipe gets batches
            while (waiting.size() < BATCH && in.ready() && (line = in.readLine()) != null) {
                waiting.add(line);
            }
            answer(out, m, waiting);
            waiting.clear();
            if (line == null) {
                break;
            }
        }
        out.flush();
        return 0;
    }

    private void answer(PrintWriter out, InferenceModel m, List<String> lines) {
        List<String> present = lines.stream().filter(l -> !l.isBlank()).toList();
        List<InferenceModel.Prediction> predictions = m.predict(present);
        int next = 0;
        for (String line : lines) {
            if (line.isBlank()) {
                out.println();
            } else {
                write(out, List.of(predictions.get(next++)));
            }
        }
        out.flush();
    }

    private void write(PrintWriter out, List<InferenceModel.Prediction> predictions) {
        for (InferenceModel.Prediction p : predictions) {
            if (json) {
                out.println(jsonLine(p, Optional.empty()));
            } else {
                // a text can hold escape sequences that would drive the terminal; show them instead
                StringBuilder sb = new StringBuilder(TerminalText.escape(p.label())).append('\t');
                p.probabilities()
                        .forEach(
                                (k, v) -> sb.append(String.format(Locale.ROOT, "%s=%.3f ", TerminalText.escape(k), v)));
                sb.append('\t').append(TerminalText.escape(p.text()));
                out.println(sb);
            }
        }
    }

    private static final ObjectWriter COMPACT = Json.mapper().writer().without(SerializationFeature.INDENT_OUTPUT);

    /** One prediction as a single JSON line; {@code line} is the input line it answers, when known. */
    static String jsonLine(InferenceModel.Prediction p, Optional<Integer> line) {
        Map<String, Object> o = new LinkedHashMap<>();
        line.ifPresent(n -> o.put("line", n));
        o.put("text", p.text());
        o.put("label", p.label());
        o.put("probabilities", p.probabilities());
        try {
            return COMPACT.writeValueAsString(o);
        } catch (IOException e) {
            throw new IllegalStateException("a prediction cannot be written as JSON", e);
        }
    }

    /** --input to --output: written under a temporary name beside the output, renamed when complete. */
    private int batch(InferenceModel m) throws IOException {
        var err = spec.commandLine().getErr();
        long total = countLines(input);
        long start = System.nanoTime();
        long[] done = {0, 0, 0};
        long[] lastReport = {start};
        AtomicFiles.write(output, os -> {
            BufferedWriter w = new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8));
            try (InputTexts in = InputTexts.open(input, textField)) {
                List<InputTexts.Item> pending = new ArrayList<>();
                for (Optional<InputTexts.Item> item; (item = in.next()).isPresent(); ) {
                    pending.add(item.get());
                    if (pending.size() == BATCH) {
                        flush(m, pending, w, done);
                        lastReport[0] = progress(err, done, total, in.csv(), lastReport[0], false);
                    }
                }
                flush(m, pending, w, done);
                progress(err, done, total, in.csv(), lastReport[0], true);
            }
            w.flush();
        });
        err.printf(
                Locale.ROOT,
                "predicted %,d texts (%,d blank %s kept blank) from %s into %s in %.1f s%n",
                done[1],
                done[2],
                done[2] == 1 ? "line" : "lines",
                input,
                output,
                (System.nanoTime() - start) / 1e9);
        err.flush();
        return 0;
    }

    private static void flush(InferenceModel m, List<InputTexts.Item> pending, BufferedWriter w, long[] done)
            throws IOException {
        List<String> present = pending.stream()
                .map(InputTexts.Item::text)
                .filter(t -> t != null)
                .toList();
        List<InferenceModel.Prediction> predictions = m.predict(present);
        int next = 0;
        for (InputTexts.Item item : pending) {
            if (item.text() == null) {
                done[2]++;
            } else {
                w.write(jsonLine(predictions.get(next++), Optional.of(item.line())));
                done[1]++;
            }
            w.write('\n');
            done[0]++;
        }
        pending.clear();
    }

    private static long progress(PrintWriter err, long[] done, long total, boolean csv, long last, boolean end) {
        long now = System.nanoTime();
        if (!end && now - last < 1_000_000_000L) {
            return last;
        }
        if (csv) {
            err.printf(Locale.ROOT, "predict: %,d records%n", done[0]);
        } else {
            err.printf(
                    Locale.ROOT,
                    "predict: %,d of %,d lines (%d%%)%n",
                    done[0],
                    total,
                    total == 0 ? 100 : done[0] * 100 / total);
        }
        err.flush();
        return now;
    }

    private static long countLines(Path file) throws IOException {
        long n = 0;
        boolean open = false;
        byte[] buf = new byte[1 << 16];
        try (var in = Files.newInputStream(file)) {
            for (int r; (r = in.read(buf)) > 0; ) {
                for (int i = 0; i < r; i++) {
                    if (buf[i] == '\n') {
                        n++;
                        open = false;
                    } else {
                        open = true;
                    }
                }
            }
        }
        return open ? n + 1 : n;
    }
}
