package org.trainguard.watchdog.install;

import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What {@code install} and {@code uninstall} share: the run and platform they act on ({@link ServiceTarget}), where
 * they print, and what runs the service manager's commands.
 */
abstract class ServiceSetupCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ServiceTarget target;

    private Optional<CommandRunner> commandRunner = Optional.empty();

    /**
     * Runs the service manager's commands with {@code runner} instead of the default: the programs on the PATH,
     * or none at all when {@code --home} points somewhere else.
     */
    ServiceSetupCommand useCommandRunner(CommandRunner runner) {
        this.commandRunner = Optional.of(runner);
        return this;
    }

    /** @return what runs the service manager's commands; empty when they are only printed */
    Optional<CommandRunner> commandRunner() {
        return target.commandRunner(commandRunner);
    }

    /**
     * Runs the command with picocli's output and error writers, flushed at the end.
     *
     * @return the exit status
     */
    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            return execute(out, err);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /**
     * Does the work.
     *
     * @param out where to report
     * @param err where errors go
     * @return the exit status
     */
    abstract int execute(PrintWriter out, PrintWriter err);
}
