package org.trainguard.trainer.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.trainguard.core.io.Json;
import org.trainguard.trainer.infer.InferenceModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trainer predict --model DIR "text" ...}: labels texts from the command line or stdin. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Classify texts given as arguments, or one per line on standard input.")
final class PredictCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "A run's final/ folder.")
    Path model;

    @Option(names = "--json", description = "One JSON object per text.")
    boolean json;

    @Parameters(paramLabel = "TEXT", arity = "0..*", description = "Texts to classify; none: read lines from stdin.")
    List<String> texts = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        InferenceModel m = InferenceModel.load(model);
        List<String> input = new ArrayList<>(texts);
        if (input.isEmpty()) {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                if (!line.isBlank()) {
                    input.add(line);
                }
            }
        }
        var out = spec.commandLine().getOut();
        for (InferenceModel.Prediction p : m.predict(input)) {
            if (json) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("text", p.text());
                o.put("label", p.label());
                o.put("probabilities", p.probabilities());
                out.println(Json.mapper().writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT).writeValueAsString(o));
            } else {
                // a text can hold escape sequences that would drive the terminal; show them instead
                StringBuilder sb = new StringBuilder(TerminalText.escape(p.label())).append('\t');
                p.probabilities().forEach((k, v) -> sb.append(String.format(Locale.ROOT, "%s=%.3f ", TerminalText.escape(k), v)));
                sb.append('\t').append(TerminalText.escape(p.text()));
                out.println(sb);
            }
        }
        out.flush();
        return 0;
    }
}
