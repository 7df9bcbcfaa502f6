package org.trainguard.watchdog.install;

/** The macOS launchd agent that starts the watchdog when the user logs in and restarts it after a crash. */
final class LaunchdPlist {

    private LaunchdPlist() {}

    /** The file the watchdog's standard output goes to, in the run's logs folder. */
    static String stdoutFile(ServiceSpec spec) {
        return spec.logsDirectory() + "/watchdog-launchd.out.log";
    }

    /** The file the watchdog's standard error goes to, in the run's logs folder. */
    static String stderrFile(ServiceSpec spec) {
        return spec.logsDirectory() + "/watchdog-launchd.err.log";
    }

    /**
     * The property list's text.
     *
     * @param spec           what to run
     * @param createdFolders how many folders above the plist install creates
     * @return the plist, lines ending in {@code \n}
     */
    static String render(ServiceSpec spec, int createdFolders) {
        StringBuilder arguments = new StringBuilder();
        for (String word : spec.commandLine()) {
            arguments.append("    <string>").append(Quoting.xmlText(word)).append("</string>\n");
        }
        // No XML comment naming the command: "--" (as in --config) is not allowed inside one.
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
                + "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
                + "<!-- trainguard watchdog, written by watchdog install. -->\n"
                + "<!-- " + CreatedFolders.comment(createdFolders) + " -->\n"
                + "<plist version=\"1.0\">\n"
                + "<dict>\n"
                + "  <key>Label</key>\n"
                + "  <string>" + Quoting.xmlText(ServiceLocations.launchdLabel(spec.name())) + "</string>\n"
                + "  <key>ProgramArguments</key>\n"
                + "  <array>\n"
                + arguments
                + "  </array>\n"
                + "  <key>WorkingDirectory</key>\n"
                + "  <string>" + Quoting.xmlText(spec.workingDirectory()) + "</string>\n"
                + "  <key>RunAtLoad</key>\n"
                + "  <true/>\n"
                + "  <key>KeepAlive</key>\n"
                + "  <dict>\n"
                + "    <key>SuccessfulExit</key>\n"
                + "    <false/>\n"
                + "  </dict>\n"
                + "  <key>ThrottleInterval</key>\n"
                + "  <integer>30</integer>\n"
                + "  <key>ExitTimeOut</key>\n"
                + "  <integer>" + spec.serviceStopTimeout().toSeconds() + "</integer>\n"
                + "  <key>StandardOutPath</key>\n"
                + "  <string>" + Quoting.xmlText(stdoutFile(spec)) + "</string>\n"
                + "  <key>StandardErrorPath</key>\n"
                + "  <string>" + Quoting.xmlText(stderrFile(spec)) + "</string>\n"
                + "</dict>\n"
                + "</plist>\n";
    }
}
