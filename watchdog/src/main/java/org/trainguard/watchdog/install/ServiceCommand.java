package org.trainguard.watchdog.install;

import java.util.List;

/**
 * A command the installer runs, or prints for the user to run.
 *
 * @param argv     the program and its arguments; a word may contain {@link #USER_ID}, replaced by the user's
 *                 numeric id when the command is run
 * @param shown    the command as the user would type it in the platform's shell
 * @param required whether a failure stops the remaining commands (an install) or is only reported (clean-up of
 *                 something that may not be there)
 */
record ServiceCommand(List<String> argv, String shown, boolean required) {

    /** Stands for the user's numeric id; shown as the shell would compute it. */
    static final String USER_ID = "$(id -u)";

    ServiceCommand {
        argv = List.copyOf(argv);
    }

    /** A required command for a POSIX shell, quoted where needed. */
    static ServiceCommand posix(String... argv) {
        return new ServiceCommand(List.of(argv), Quoting.posix(List.of(argv)), true);
    }

    /**
     * A required command for a POSIX shell whose words may contain {@link #USER_ID}, which is shown unquoted so
     * that the shell computes it.
     */
    static ServiceCommand posixWithUserId(String... argv) {
        StringBuilder shown = new StringBuilder();
        for (String word : argv) {
            shown.append(shown.length() == 0 ? "" : " ").append(word.contains(USER_ID) ? word : Quoting.posix(word));
        }
        return new ServiceCommand(List.of(argv), shown.toString(), true);
    }

    /** A required command for cmd.exe, with the words at {@code quoted} always in double quotes. */
    static ServiceCommand windows(List<String> argv, List<Integer> quoted) {
        StringBuilder shown = new StringBuilder();
        for (int i = 0; i < argv.size(); i++) {
            shown.append(i == 0 ? "" : " ").append(Quoting.windows(argv.get(i), quoted.contains(i)));
        }
        return new ServiceCommand(argv, shown.toString(), true);
    }

    /** The same command, whose failure is only reported. */
    ServiceCommand optional() {
        return new ServiceCommand(argv, shown, false);
    }

    /** Whether a word contains {@link #USER_ID}. */
    boolean needsUserId() {
        return argv.stream().anyMatch(word -> word.contains(USER_ID));
    }

    /** The words to run, with {@link #USER_ID} replaced by {@code userId}. */
    List<String> resolve(String userId) {
        return argv.stream().map(word -> word.replace(USER_ID, userId)).toList();
    }
}
