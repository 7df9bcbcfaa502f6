package org.trainguard.trainer.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.trainguard.core.ExitCode;
import org.trainguard.core.checkpoint.CheckpointStore;
import org.trainguard.core.config.ConfigException;
import org.trainguard.core.io.UnusablePathException;
import org.trainguard.core.lock.RunLock;
import org.trainguard.session.CheckpointWriteException;
import org.trainguard.session.ModelFileException;
import org.trainguard.session.DiskSpaceException;
import org.trainguard.session.NoGoodCheckpointException;
import org.trainguard.session.ResumeRefusedException;
import org.trainguard.session.TrainingDivergedException;
import org.trainguard.trainer.data.DataFormatException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code trainer} command. {@code trainer --config F} trains (as {@code trainer train --config F});
 * subcommands report on a run, evaluate, predict, manage checkpoints and check the machine.
 */
@Command(name = "trainer", mixinStandardHelpOptions = true, versionProvider = TrainerCli.Version.class,
        description = "Trains a text classifier with Deeplearning4j and keeps the run alive through crashes and restarts.",
        subcommands = {TrainCommand.class, StatusCommand.class, EvaluateCommand.class, PredictCommand.class, ExportCommand.class, ServeCommand.class,
            CheckpointsCommand.class, DoctorCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            " 0:completed", " 1:unexpected failure (restartable)", " 2:usage or configuration error",
            " 3:data error", " 4:training diverged", " 5:another trainer holds the run lock",
            " 6:the run has progress but no checkpoint verifies (start over with --resume never)",
            "129/130/143:interrupted by SIGHUP/SIGINT/SIGTERM after the emergency checkpoint"})
public final class TrainerCli implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "The run's YAML configuration: train it (same as `train --config`).")
    Path config;

    @Option(names = "--resume", paramLabel = "auto|never|PATH", defaultValue = "auto",
            description = "auto: continue from the newest checkpoint that verifies (default); never: start over, "
                    + "archiving an earlier run; PATH: continue from that checkpoint folder.")
    String resume;

    @Option(names = {"-v", "--verbose"}, description = "More logging.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (config == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give --config FILE to train, or a subcommand (see --help)");
        }
        return TrainCommand.train(config, resume, verbose, spec.commandLine().getOut(), spec.commandLine().getErr());
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
        CommandLine cl = new CommandLine(new TrainerCli());
        cl.setExecutionExceptionHandler(TrainerCli::handle);
        cl.setExitCodeExceptionMapper(TrainerCli::exitCodeOf);
        return cl;
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

    static int exitCodeOf(Throwable t) {
        if (t instanceof ConfigException || t instanceof ResumeRefusedException || t instanceof CommandLine.ParameterException
                || t instanceof UsageException) {
            return ExitCode.USAGE.code();
        }
        if (t instanceof DataFormatException) {
            return ExitCode.DATA.code();
        }
        if (t instanceof TrainingDivergedException) {
            return ExitCode.DIVERGED.code();
        }
        if (t instanceof RunLock.LockHeldException) {
            return ExitCode.LOCKED.code();
        }
        if (t instanceof NoGoodCheckpointException) {
            return ExitCode.NO_GOOD_CHECKPOINT.code();
        }
        if (t instanceof DiskSpaceException) {
            return ExitCode.DISK_FULL.code();
        }
        if (t instanceof UnusablePathException || t instanceof CheckpointStore.UnsupportedFormatException || t instanceof ModelFileException) {
            return ExitCode.USAGE.code();
        }
        return ExitCode.FAILURE.code();
    }

    private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        int code = exitCodeOf(e);
        String prefix = switch (code) {
            case 2 -> "error: ";
            case 3 -> "data error: ";
            case 4 -> "";
            case 5 -> "locked: ";
            case 6 -> "error: ";
            case 7 -> "error: ";
            default -> "";
        };
        if (code == ExitCode.FAILURE.code() && !(e instanceof CheckpointWriteException)) {
            err.println("unexpected failure: " + e);
            e.printStackTrace(err);
        } else {
            err.println(prefix + e.getMessage());
        }
        err.flush();
        return code;
    }

    /** A usage problem found after parsing (a missing file, a wrong combination). */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** The version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Optional.ofNullable(TrainerCli.class.getPackage().getImplementationVersion()).orElse("dev");
            return new String[] {"trainguard trainer " + v, "Java " + System.getProperty("java.version")};
        }
    }
}
