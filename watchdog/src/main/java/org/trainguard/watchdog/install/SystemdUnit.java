package org.trainguard.watchdog.install;

import java.util.List;

/** The systemd user unit that starts the watchdog when the user's service manager starts (at logon or boot). */
final class SystemdUnit {

    private SystemdUnit() {}

    /**
     * The unit file's text.
     *
     * @param spec           what to run
     * @param createdFolders how many folders above the unit file install creates
     * @return the unit, lines ending in {@code \n}
     */
    static String render(ServiceSpec spec, int createdFolders) {
        List<String> command = spec.commandLine();
        StringBuilder exec = new StringBuilder();
        for (int i = 0; i < command.size(); i++) {
            String word = command.get(i);
            boolean plain = !spec.isPath(i) && word.matches("[A-Za-z0-9_-]+");
            exec.append(i == 0 ? "" : " ").append(plain ? word : Quoting.systemdWord(word));
        }
        long stopSeconds = spec.serviceStopTimeout().toSeconds();
        long trainerStopSeconds = spec.stopTimeout().toSeconds();
        return String.join(
                "\n",
                "# trainguard watchdog for the training run configured in " + spec.config(),
                "# Written by `watchdog install`; `watchdog uninstall` with the same config removes it.",
                "# " + CreatedFolders.comment(createdFolders),
                "[Unit]",
                "Description=" + Quoting.systemdValue("trainguard watchdog for run " + spec.name()),
                "After=network-online.target",
                "",
                "[Service]",
                "Type=simple",
                "ExecStart=" + exec,
                "WorkingDirectory=" + Quoting.systemdValue(spec.workingDirectory()),
                "# A second line of defence: the watchdog restarts the trainer itself; this restarts the watchdog.",
                "Restart=on-failure",
                "RestartSec=30",
                "# Exit codes 1-7 (crash loop given up; configuration, data, divergence; run already supervised; no good checkpoint; disk full)",
                "# would only end the same way again.",
                "RestartPreventExitStatus=1 2 3 4 5 6 7",
                "# 130 and 143: ended by Ctrl+C or SIGTERM, i.e. stopped on purpose; such a run stays stopped.",
                "SuccessExitStatus=130 143",
                "# SIGTERM goes to the watchdog only; it stops the trainer, which writes its emergency checkpoint.",
                "KillMode=mixed",
                "KillSignal=SIGTERM",
                "# watchdog.stop_timeout (" + trainerStopSeconds + "s) for the emergency checkpoint + "
                        + ServiceSpec.WATCHDOG_STOP_MARGIN.toSeconds() + "s for the watchdog.",
                "TimeoutStopSec=" + stopSeconds,
                "SyslogIdentifier=" + Quoting.systemdValue("trainguard-watchdog-" + spec.name()),
                "",
                "[Install]",
                "WantedBy=default.target",
                "");
    }
}
