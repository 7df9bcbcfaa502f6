package org.trainguard.watchdog.install;

import java.util.List;

/**
 * The batch file in the Windows Startup folder that starts the watchdog minimized at logon. It is the second way
 * in beside the scheduled task (Task Scheduler may be disabled by policy); when both start a watchdog, the second
 * finds the run supervised and exits.
 */
final class StartupLauncher {

    private StartupLauncher() {
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
        return String.join("\r\n",
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
