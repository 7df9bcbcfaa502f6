package org.trainguard.trainer.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainguard.cli.ConfigOption;
import org.trainguard.cli.UsageException;
import org.trainguard.cli.VerboseOption;
import org.trainguard.config.ConfigLoader;
import org.trainguard.config.TrainguardConfig;
import org.trainguard.core.ExitCode;
import org.trainguard.session.LiveBar;
import org.trainguard.session.ResumeMode;
import org.trainguard.trainer.train.TrainingRun;
import org.trainguard.trainer.train.Warmup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code trainer train --config F}: trains, resuming automatically. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = "Train (resuming from the newest good checkpoint).")
final class TrainCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(TrainCommand.class);

    @Mixin
    ConfigOption config;

    @Mixin
    ResumeOption resume;

    @Mixin
    VerboseOption verbose;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        return train(
                config.path(),
                resume.resume,
                verbose.on(),
                spec.commandLine().getOut(),
                spec.commandLine().getErr());
    }

    static int train(Path configFile, String resume, boolean verbose, PrintWriter out, PrintWriter err)
            throws Exception {
        LogSetup.verbosity(verbose);
        Warmup warmup = Warmup.start();
        TrainguardConfig config = ConfigLoader.load(configFile);
        ResumeMode mode;
        Optional<Path> path = Optional.empty();
        switch (resume.toLowerCase(Locale.ROOT)) {
            case "auto" -> mode = ResumeMode.AUTO;
            case "never" -> mode = ResumeMode.NEVER;
            default -> {
                Path p = Path.of(resume).toAbsolutePath();
                if (!Files.isDirectory(p)) {
                    throw new UsageException(
                            "--resume must be auto, never or a checkpoint folder, found \"" + resume + "\"");
                }
                mode = ResumeMode.PATH;
                path = Optional.of(p);
            }
        }
        org.trainguard.core.io.RunFiles.prepareOutputDir(config.training().outputDir());
        LogSetup.fileLog(config.training().outputDir());
        LOG.info(
                "trainguard trainer {}: config {}, output {}",
                Optional.ofNullable(TrainCommand.class.getPackage().getImplementationVersion())
                        .orElse("dev"),
                configFile.toAbsolutePath(),
                config.training().outputDir());
        PrintStream stdout =
                new PrintStream(new WriterOutputStream(out), true, java.nio.charset.StandardCharsets.UTF_8);
        PrintStream terminal = null;
        if (System.console() != null && System.getenv("CI") == null) {
            // the console log goes through the bar's stream, so log lines appear above the bar
            LiveBar bar = new LiveBar(System.err, LiveBar.terminalColumns());
            System.setErr(bar);
            terminal = bar;
        }
        TrainingRun.Result r = new TrainingRun(config, mode, path, stdout, terminal, warmup).run();
        stdout.flush();
        if (r.exitCode() != 0) {
            err.println(r.reason());
        }
        if (ExitCode.of(r.exitCode())
                .filter(c -> c.restartable() && c != ExitCode.FAILURE)
                .isPresent()) {
            err.println("to resume: " + resumeCommand(configFile));
        }
        return r.exitCode();
    }

    /**
     * The command that continues this run: the default {@code --resume auto}, whatever {@code --resume}
     * this run was started with ({@code never} would start over again).
     */
    static String resumeCommand(Path configFile) {
        String program = "trainer";
        try {
            Path code = Path.of(TrainCommand.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            if (code.getFileName() != null && code.getFileName().toString().endsWith(".jar")) {
                program = "java -jar " + quoted(code.toString());
            }
        } catch (java.net.URISyntaxException | RuntimeException e) {
            // not started from a jar: name the command
        }
        return program + " --config " + quoted(configFile.toAbsolutePath().toString());
    }

    private static String quoted(String s) {
        return s.matches("[A-Za-z0-9_./:@%+=,-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }
}
