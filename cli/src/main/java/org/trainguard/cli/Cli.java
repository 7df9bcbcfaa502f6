package org.trainguard.cli;

import java.io.PrintWriter;
import java.util.Optional;
import java.util.Set;
import org.trainguard.core.ExitCode;
import picocli.CommandLine;

/**
 * How the trainer and watchdog commands end on an exception, in one place: the exit code comes from
 * {@link ExitCode#of(Throwable)}; a failure the program expects is one line on stderr, with a prefix that says its
 * kind; anything else is reported with its stack trace.
 */
public final class Cli {

    private Cli() {}

    /**
     * A command line with this error handling.
     *
     * @param command    the top command, annotated with {@code @Command}
     * @param reported   the codes this program reports as such; any other failure is unexpected
     * @param unexpected the exit status of an unexpected failure
     * @return the command line
     */
    public static CommandLine commandLine(Object command, Set<ExitCode> reported, int unexpected) {
        CommandLine cl = new CommandLine(command);
        cl.setExecutionExceptionHandler((e, line, parsed) -> handle(e, line.getErr(), reported, unexpected));
        cl.setExitCodeExceptionMapper(e -> exitCode(e, reported, unexpected));
        return cl;
    }

    /**
     * The exit status a program ends with on {@code failure}.
     *
     * @param failure    what stopped the program
     * @param reported   the codes the program reports as such
     * @param unexpected the status of any other failure
     * @return the exit status
     */
    public static int exitCode(Throwable failure, Set<ExitCode> reported, int unexpected) {
        return expected(failure, reported).map(ExitCode::code).orElse(unexpected);
    }

    private static Optional<ExitCode> expected(Throwable failure, Set<ExitCode> reported) {
        if (failure instanceof CommandLine.ParameterException) {
            return Optional.of(ExitCode.USAGE);
        }
        boolean known = failure instanceof ExitCode.Source || ExitCode.of(failure) != ExitCode.FAILURE;
        return Optional.of(ExitCode.of(failure)).filter(code -> known && reported.contains(code));
    }

    private static int handle(Exception e, PrintWriter err, Set<ExitCode> reported, int unexpected) {
        Optional<ExitCode> code = expected(e, reported);
        if (code.isPresent()) {
            err.println(prefix(code.get()) + e.getMessage());
        } else {
            err.println("unexpected failure: " + e);
            e.printStackTrace(err);
        }
        err.flush();
        return code.map(ExitCode::code).orElse(unexpected);
    }

    private static String prefix(ExitCode code) {
        return switch (code) {
            case USAGE, NO_GOOD_CHECKPOINT, DISK_FULL -> "error: ";
            case DATA -> "data error: ";
            case LOCKED -> "locked: ";
            default -> "";
        };
    }

    /**
     * The version line of a program, from its jar's manifest.
     *
     * @param program the program's name, e.g. {@code trainer}
     * @param anyClass a class of the program's jar
     * @return the lines {@code --version} prints
     */
    public static String[] version(String program, Class<?> anyClass) {
        String v = Optional.ofNullable(anyClass.getPackage().getImplementationVersion())
                .orElse("dev");
        return new String[] {"trainguard " + program + " " + v, "Java " + System.getProperty("java.version")};
    }
}
