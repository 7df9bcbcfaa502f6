package org.trainguard.watchdog.install;

import java.util.List;
import java.util.Optional;

/**
 * The batch file in the Windows Startup folder that starts the watchdog minimized at logon. It is the second way
 * in beside the scheduled task (Task Scheduler may be disabled by policy); when both start a watchdog, the second
 * finds the run supervised and exits.
 */
final class StartupLauncher {

    private StartupLauncher() {}

    /**
     * Refuses a word the launcher cannot pass on intact. cmd.exe reads every double quote as the start or end of a
     * quoted stretch, whatever backslashes precede it, so a {@code "} inside an argument ends the quoting early and
     * lets a following {@code &}, {@code |}, {@code <} or {@code >} start another command; a line break would end
     * the command line. Without those characters every word stays inside its own quotes, where cmd.exe takes the
     * rest literally ({@code %} is doubled by {@link Quoting#batch}).
     *
     * @param option the option that gave the word, for the message, e.g. {@code --java-opt}
     * @param word   the word as given
     * @return a failed check naming the option and the value, or empty when the word is safe
     */
    static Optional<Check> refuse(String option, String word) {
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            if (c == '"' || c == '\r' || c == '\n') {
                String what = c == '"' ? "a double quote (\")" : "a line break";
                return Optional.of(
                        Check.failed(option + " " + word.replace("\r", "\\r").replace("\n", "\\n")
                                + " holds " + what
                                + ", which the Windows Startup launcher (a cmd.exe batch file) cannot pass on "
                                + "safely: cmd.exe would end the quoting there; give the value without it"));
            }
        }
        return Optional.empty();
    }

    /**
     * The launcher's text.
     *
     * @param spec           what to run
     * @param createdFolders how many folders above the launcher install creates
     * @return the batch file, lines ending in {@code \r\n} as cmd.exe expects
     */
    static String render(ServiceSpec spec, int createdFolders) {
        List<String> command = spec.commandLine();
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < command.size(); i++) {
            line.append(i == 0 ? "" : " ").append(Quoting.windows(command.get(i), spec.isPath(i)));
        }
        return String.join(
                "\r\n",
                "@echo off",
                "rem trainguard watchdog for run " + spec.name() + ", started minimized at logon.",
                "rem Written by watchdog install; watchdog uninstall with the same config removes it.",
                "rem " + CreatedFolders.comment(createdFolders),
                "rem UTF-8, so that paths with accents work.",
                "chcp 65001 >nul",
                "cd /d " + Quoting.batch(Quoting.windows(spec.workingDirectory(), true)),
                "start \"\" /min " + Quoting.batch(line.toString()),
                "");
    }
}
