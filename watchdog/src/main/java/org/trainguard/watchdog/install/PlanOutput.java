package org.trainguard.watchdog.install;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Prints plans and carries out their commands, shared by {@code install} and {@code uninstall}. */
final class PlanOutput {

    private PlanOutput() {}

    /** Prints a file's path, encoding and full content between marker lines. */
    static void printFile(PrintWriter out, PlannedFile file) {
        String name = file.path().getFileName().toString();
        out.println("Would write " + file.path() + " (" + file.encoding() + "):");
        out.println("----- begin " + name + " -----");
        // CRLF files are shown with this terminal's line breaks; the file itself gets CRLF.
        String text = file.text().endsWith("\n") ? file.text() : file.text() + "\n";
        for (String line : text.split("\r?\n")) {
            out.println(line);
        }
        out.println("----- end " + name + " -----");
        out.println();
    }

    /** Prints commands under a heading, indented; nothing when there are none. */
    static void printCommands(PrintWriter out, String heading, List<ServiceCommand> commands) {
        if (commands.isEmpty()) {
            return;
        }
        out.println(heading);
        commands.forEach(command -> out.println("  " + command.shown()
                + (command.required() ? "" : "    (its failure is fine: there may be nothing to stop)")));
        out.println();
    }

    /** Prints notes, one per line. */
    static void printNotes(PrintWriter out, List<String> notes) {
        notes.forEach(out::println);
    }

    /**
     * What became of a list of commands.
     *
     * @param notRun         the commands not run because a required one failed, that one first; empty when none
     * @param failedOptional the optional commands that failed
     */
    record Outcome(List<ServiceCommand> notRun, List<ServiceCommand> failedOptional) {

        /** @return the failed optional commands, then the ones not run */
        List<ServiceCommand> toRunByHand() {
            List<ServiceCommand> all = new ArrayList<>(failedOptional);
            all.addAll(notRun);
            return all;
        }
    }

    /**
     * Runs commands in order. A required command that fails stops the rest; an optional one that fails is
     * reported and the rest go on.
     *
     * @param commands the commands
     * @param runner   runs them
     * @param out      where progress goes
     * @param err      where failures go
     * @return what was not run or failed
     */
    static Outcome run(List<ServiceCommand> commands, CommandRunner runner, PrintWriter out, PrintWriter err) {
        List<ServiceCommand> failedOptional = new ArrayList<>();
        Optional<String> userId = Optional.empty();
        for (int i = 0; i < commands.size(); i++) {
            ServiceCommand command = commands.get(i);
            try {
                if (command.needsUserId() && userId.isEmpty()) {
                    userId = Optional.of(userId(runner));
                }
                CommandRunner.Outcome outcome = runner.run(command.resolve(userId.orElse("")), CommandRunner.TIMEOUT);
                if (outcome.succeeded()) {
                    out.println("ran: " + command.shown());
                    continue;
                }
                if (!command.required()) {
                    out.println("failed, which is fine when there was nothing to stop: " + command.shown()
                            + " (exit code " + outcome.exitCode() + "): " + outcome.summary());
                    failedOptional.add(command);
                    continue;
                }
                err.println(
                        "failed: " + command.shown() + " (exit code " + outcome.exitCode() + "): " + outcome.summary());
            } catch (IOException cannotRun) {
                if (!command.required()) {
                    out.println("could not run: " + command.shown() + " (" + cannotRun.getMessage() + ")");
                    failedOptional.add(command);
                    continue;
                }
                err.println("could not run: " + command.shown() + " (" + cannotRun.getMessage() + ")");
            }
            return new Outcome(List.copyOf(commands.subList(i, commands.size())), failedOptional);
        }
        return new Outcome(List.of(), failedOptional);
    }

    private static String userId(CommandRunner runner) throws IOException {
        CommandRunner.Outcome outcome = runner.run(List.of("id", "-u"), Duration.ofSeconds(10));
        if (!outcome.succeeded() || !outcome.output().strip().matches("\\d+")) {
            throw new IOException("id -u did not print a user id: " + outcome.summary());
        }
        return outcome.output().strip();
    }
}
