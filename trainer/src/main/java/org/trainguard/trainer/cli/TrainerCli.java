package org.trainguard.trainer.cli;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.concurrent.Callable;
import org.trainguard.cli.Cli;
import org.trainguard.cli.ManifestVersion;
import org.trainguard.cli.VerboseOption;
import org.trainguard.core.ExitCode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The {@code trainer} command. {@code trainer --config F} trains (as {@code trainer train --config F});
 * subcommands report on a run, evaluate, predict, manage checkpoints and check the machine.
 */
@Command(
        name = "trainer",
        mixinStandardHelpOptions = true,
        versionProvider = TrainerCli.Version.class,
        description =
                "Trains a text classifier with Deeplearning4j and keeps the run alive through crashes and restarts.",
        subcommands = {
            TrainCommand.class,
            StatusCommand.class,
            EvaluateCommand.class,
            PredictCommand.class,
            ExportCommand.class,
            ServeCommand.class,
            CheckpointsCommand.class,
            DoctorCommand.class
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            " 0:completed",
            " 1:unexpected failure (restartable)",
            " 2:usage or configuration error",
            " 3:data error",
            " 4:training diverged",
            " 5:another trainer holds the run lock",
            " 6:the run has progress but no checkpoint verifies (start over with --resume never)",
            "129/130/143:interrupted by SIGHUP/SIGINT/SIGTERM after the emergency checkpoint"
        })
public final class TrainerCli implements Callable<Integer> {

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "The run's YAML configuration: train it (same as `train --config`).")
    Path config;

    @Mixin
    ResumeOption resume;

    @Mixin
    VerboseOption verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (config == null) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "give --config FILE to train, or a subcommand (see --help)");
        }
        return TrainCommand.train(
                config,
                resume.resume,
                verbose.on(),
                spec.commandLine().getOut(),
                spec.commandLine().getErr());
    }

    /**
     * @param args the command line
     * @return the exit status
     */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** @return the configured picocli command line (also for tests that capture its output) */
    public static CommandLine commandLine() {
        return Cli.commandLine(new TrainerCli(), EnumSet.allOf(ExitCode.class), ExitCode.FAILURE.code());
    }

    /**
     * The program's entry point.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        SerialFilter.rejectAll();
        System.exit(run(args));
    }

    /** The version from the jar manifest. */
    static final class Version extends ManifestVersion {
        Version() {
            super("trainer", TrainerCli.class);
        }
    }
}
