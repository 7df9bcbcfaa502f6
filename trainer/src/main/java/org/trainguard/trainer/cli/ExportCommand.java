package org.trainguard.trainer.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.trainguard.cli.UsageException;
import org.trainguard.core.run.RunLayout;
import org.trainguard.trainer.infer.InferenceModel;
import org.trainguard.trainer.train.FinalBundle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code trainer export --checkpoint DIR --to DIR}: an inference bundle, laid out and committed like
 * {@code final/}, from any checkpoint that verifies.
 */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description =
                "Make an inference bundle (the layout of final/, with its manifest) from a checkpoint folder that verifies.")
final class ExportCommand implements Callable<Integer> {

    @Option(
            names = "--checkpoint",
            required = true,
            paramLabel = "DIR",
            description = "A checkpoint-<step> folder of a run.")
    Path checkpoint;

    @Option(
            names = "--to",
            required = true,
            paramLabel = "DIR",
            description = "The bundle folder to create: new, or empty.")
    Path to;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Path target = to.toAbsolutePath().normalize();
        if (Files.exists(target) && !isEmptyFolder(target)) {
            throw new UsageException("--to " + to
                    + (Files.isDirectory(target) ? " exists and is not empty" : " exists and is not a folder")
                    + "; name a new or empty folder (nothing was written)");
        }
        InferenceModel m = InferenceModel.loadCheckpoint(checkpoint);
        Path cp = checkpoint.toAbsolutePath().normalize();
        Path runDir = cp.getParent() == null ? null : cp.getParent().getParent();
        Map<String, Object> metrics = runDir == null
                ? Map.of()
                : FinalBundle.evaluationAt(
                        RunLayout.metrics(runDir), m.description().step());
        String yaml = m.runConfig().isEmpty() ? null : yaml(m.runConfig());
        Path written = FinalBundle.export(target, m.network(), m.description(), metrics, yaml);
        var out = spec.commandLine().getOut();
        out.println("exported " + cp.getFileName() + " (step " + m.description().step() + ", labels "
                + String.join(", ", m.labels()) + ") to " + written + "; it verifies");
        out.flush();
        return 0;
    }

    private static boolean isEmptyFolder(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            throw new UsageException(dir + " cannot be read: " + e.getMessage());
        }
    }

    private static String yaml(Map<String, Object> config) {
        org.yaml.snakeyaml.DumperOptions options = new org.yaml.snakeyaml.DumperOptions();
        options.setDefaultFlowStyle(org.yaml.snakeyaml.DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setIndicatorIndent(2);
        options.setIndentWithIndicator(true);
        options.setWidth(Integer.MAX_VALUE);
        options.setLineBreak(org.yaml.snakeyaml.DumperOptions.LineBreak.UNIX);
        return new org.yaml.snakeyaml.Yaml(options).dump(config);
    }
}
