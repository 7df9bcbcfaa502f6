package org.trainguard.watchdog;

import java.util.EnumSet;
import java.util.concurrent.Callable;
import org.trainguard.cli.Cli;
import org.trainguard.cli.ManifestVersion;
import org.trainguard.core.ExitCode;
import org.trainguard.watchdog.install.InstallCommand;
import org.trainguard.watchdog.install.UninstallCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code watchdog} command: keeps a training run going with no one at the keyboard. {@code run} starts and
 * supervises the trainer, {@code status} reports, {@code stop} stops a run on purpose; {@code install} and
 * {@code uninstall} make the watchdog start at logon.
 */
@Command(
        name = "watchdog",
        mixinStandardHelpOptions = true,
        versionProvider = WatchdogCli.Version.class,
        description = "Starts the trainer, restarts it after a crash or hang from the newest checkpoint that verifies, "
                + "notifies by sound and webhook, and logs every decision.",
        subcommands = {
            RunCommand.class,
            StatusCommand.class,
            StopCommand.class,
            InstallCommand.class,
            UninstallCommand.class
        },
        exitCodeListHeading = "%nExit codes of `watchdog run`:%n",
        exitCodeList = {
            " 0:the run completed, was stopped on purpose, or had nothing left to do",
            " 1:gave up: the trainer failed again and again without progress (crash loop)",
            " 2:usage or configuration error (the watchdog's or the trainer's), or the trainer cannot be started",
            " 3:the trainer stopped on a data error",
            " 4:training diverged",
            " 5:another watchdog supervises the run, or another trainer holds it",
            "70:internal error of the watchdog"
        })
public final class WatchdogCli implements Callable<Integer> {

    /** Exit status for an unexpected error inside the watchdog (sysexits' EX_SOFTWARE). */
    static final int INTERNAL_ERROR = 70;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "give a command: run, status, stop, install or uninstall (see --help)");
    }

    /**
     * The program's entry point.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(execute(args));
    }

    /**
     * Runs a command line in this process.
     *
     * @param args the command line, e.g. {@code run --config train.yaml}
     * @return the exit status
     */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    /** @return the configured picocli command line (also for tests that capture its output) */
    public static CommandLine commandLine() {
        return Cli.commandLine(new WatchdogCli(), EnumSet.of(ExitCode.USAGE), INTERNAL_ERROR);
    }

    /** The version from the jar manifest. */
    static final class Version extends ManifestVersion {
        Version() {
            super("watchdog", WatchdogCli.class);
        }
    }
}
