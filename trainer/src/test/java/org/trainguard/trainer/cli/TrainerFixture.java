package org.trainguard.trainer.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/** A small real run: demo data excerpts, a small network, fast steps. */
final class TrainerFixture {

    final Path dir;
    final Path config;
    final Path output;

    private TrainerFixture(Path dir, Path config) {
        this.dir = dir;
        this.config = config;
        this.output = dir.resolve("run");
    }

    /**
     * @param dir a temporary folder
     * @param extraYaml sections or keys to add (a YAML fragment merged by writing it after the base)
     * @param epochs epochs over the 1,200 training rows (75 steps each at batch 16)
     */
    static TrainerFixture create(Path dir, int epochs, String training, String checkpoint) throws IOException {
        copy("four_class_small/train.jsonl", dir.resolve("train.jsonl"));
        copy("four_class_small/val.jsonl", dir.resolve("val.jsonl"));
        String yaml = """
                labels: [ALLOW, ESCALATION, DENY, REFUSE]
                model:
                  embedding_dim: 32
                  dropout: 0.2
                  features: {buckets: 4096, max_length: 128}
                data:
                  train: train.jsonl
                  validation: val.jsonl
                training:
                  output_dir: run
                  epochs: %d
                  batch_size: 16
                  log_every_steps: 1
                %s
                checkpoint:
                  every_steps: 25
                  keep_last: 3
                %s
                eval:
                  every_steps: 75
                session:
                  heartbeat_interval: 200ms
                """.formatted(epochs, indent(training.contains("learning_rate") ? training : "learning_rate: 0.02\n" + training),
                        indent(checkpoint));
        Path config = dir.resolve("train.yaml");
        Files.writeString(config, yaml);
        return new TrainerFixture(dir, config);
    }

    private static String indent(String s) {
        return s.isBlank() ? "" : "  " + s.strip().replace("\n", "\n  ");
    }

    static void copy(String resource, Path target) throws IOException {
        try (InputStream in = TrainerFixture.class.getClassLoader().getResourceAsStream(resource)) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The result of running the CLI in this JVM. */
    record CliRun(int code, String out, String err) {
    }

    static CliRun cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = TrainerCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** Starts the trainer as a separate process with this test's class path. */
    static ProcessBuilder process(Path workDir, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx1g");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(TrainerCli.class.getName());
        cmd.addAll(Arrays.asList(args));
        return new ProcessBuilder(cmd).directory(workDir.toFile());
    }

    static float[] finalParams(Path output) throws IOException {
        MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(output.resolve("final/model.zip").toFile(), false);
        return net.params().toFloatVector();
    }
}
