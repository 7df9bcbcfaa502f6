package org.trainguard.trainer.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.trainguard.cli.UsageException;
import org.trainguard.config.ConfigLoader;
import org.trainguard.config.TrainguardConfig;
import org.trainguard.trainer.data.CsvLayout;
import org.trainguard.trainer.data.DataReader;
import org.trainguard.trainer.data.DataSpec;
import org.trainguard.trainer.data.LabeledData;
import org.trainguard.trainer.eval.EvalResult;
import org.trainguard.trainer.eval.EvalTables;
import org.trainguard.trainer.features.FeatureCache;
import org.trainguard.trainer.features.FeaturizedData;
import org.trainguard.trainer.infer.InferenceModel;
import org.trainguard.trainer.train.ModelEvaluator;
import org.trainguard.trainer.train.RunData;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trainer evaluate --model DIR --data FILE}: the metrics of a trained model on labeled data. */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        description = "Print the metrics of a trained model on a labeled data file.")
final class EvaluateCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "A run's final/ folder.")
    Path model;

    @Option(
            names = "--data",
            required = true,
            paramLabel = "FILE",
            description = "Labeled data: JSONL, or CSV as the config says.")
    Path data;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "Read the data as this config's data section says (CSV columns, label map).")
    Optional<Path> config;

    @Option(names = "--json", description = "Print the metrics as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        InferenceModel m = InferenceModel.load(model);
        Path file = data.toAbsolutePath();
        if (!Files.isRegularFile(file)) {
            throw new UsageException("--data file not found: " + file);
        }
        List<String> labels = m.labels();
        DataSpec spec0;
        if (config.isPresent()) {
            TrainguardConfig c = ConfigLoader.load(config.get());
            spec0 = RunData.spec(c, file);
        } else {
            spec0 = file.toString().toLowerCase(java.util.Locale.ROOT).endsWith(".csv")
                    ? DataSpec.csv(file, CsvLayout.DEFAULT, java.util.Map.of(), labels)
                    : DataSpec.jsonl(file, labels);
        }
        LabeledData d = DataReader.read(spec0);
        FeaturizedData f = FeatureCache.featurize(d, m.featurizer());
        int allow = Math.max(0, labels.indexOf(m.description().allowLabel()));
        int[] harmful = m.description().harmfulLabels().stream()
                .mapToInt(labels::indexOf)
                .filter(i -> i >= 0)
                .toArray();
        EvalResult r = new ModelEvaluator(labels, allow, harmful, 256)
                .evaluate(m.network(), f, m.description().step(), () -> {});
        var out = spec.commandLine().getOut();
        out.println(json ? r.toJson() : EvalTables.format(r));
        out.flush();
        return 0;
    }
}
