package org.trainguard.trainer.cli;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.trainguard.testing.Processes;
import org.trainguard.trainer.eval.MetricsLog;

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
                """.formatted(
                        epochs,
                        indent(training.contains("learning_rate") ? training : "learning_rate: 0.02\n" + training),
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
    record CliRun(int code, String out, String err) {}

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
        cmd.add(Processes.java());
        cmd.add("-Xmx1g");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(TrainerCli.class.getName());
        cmd.addAll(Arrays.asList(args));
        return new ProcessBuilder(cmd).directory(workDir.toFile());
    }

    /**
     * Starts this run's trainer as a separate process, its output in {@code <name>.log}.
     *
     * @param name the log's name
     * @return the process
     */
    Process start(String name) throws IOException {
        return startWith(name, List.of());
    }

    /**
     * Starts this run's trainer as a separate process behind a command prefix (e.g. {@code unshare}), its output in
     * {@code <name>.log}; SIGINT is reset to its default, since a JVM started from a non-interactive shell may
     * inherit it as ignored.
     *
     * @param name   the log's name
     * @param prefix the command before {@code java}
     * @return the process
     */
    Process startWith(String name, List<String> prefix) throws IOException {
        ProcessBuilder pb = process(dir, "--config", config.toString());
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(pb.command());
        if (new File("/usr/bin/env").canExecute()) {
            cmd.addAll(0, List.of("/usr/bin/env", "--default-signal=INT"));
        }
        pb.command(cmd);
        pb.redirectErrorStream(true);
        pb.redirectOutput(dir.resolve(name + ".log").toFile());
        return pb.start();
    }

    /** @return the text of {@code <name>.log} so far */
    String log(String name) {
        return Processes.log(dir.resolve(name + ".log"));
    }

    /** @return the newest step {@code metrics.jsonl} records a training line for; 0 before the first */
    long currentStep() {
        try {
            List<Map<String, Object>> lines = MetricsLog.read(output.resolve("metrics.jsonl"));
            for (int i = lines.size() - 1; i >= 0; i--) {
                if ("train".equals(lines.get(i).get("type"))) {
                    return ((Number) lines.get(i).get("step")).longValue();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not there yet, or being appended
        }
        return 0;
    }

    static float[] finalParams(Path output) throws IOException {
        MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(
                output.resolve("final/model.zip").toFile(), false);
        return net.params().toFloatVector();
    }
}
