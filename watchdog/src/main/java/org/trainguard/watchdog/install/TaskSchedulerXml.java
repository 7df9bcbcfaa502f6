package org.trainguard.watchdog.install;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The Windows Task Scheduler task that starts the watchdog at the user's logon, in the XML that
 * {@code schtasks /Create /XML} reads.
 */
final class TaskSchedulerXml {

    /** The byte order mark, which tells schtasks the file is UTF-16 little-endian. */
    private static final byte[] UTF16LE_BOM = {(byte) 0xFF, (byte) 0xFE};

    private TaskSchedulerXml() {}

    /**
     * The task definition's text. Settings that matter for a run that lasts days: no execution time limit
     * ({@code PT0S}), restart every minute on failure, keep running on battery, and ignore a second start while
     * the task runs.
     *
     * @param spec           what to run
     * @param createdFolders how many folders above the XML file install creates
     * @return the XML, lines ending in {@code \r\n}
     */
    static String render(ServiceSpec spec, int createdFolders) {
        List<String> command = spec.commandLine();
        StringBuilder arguments = new StringBuilder();
        for (int i = 1; i < command.size(); i++) {
            arguments.append(i == 1 ? "" : " ").append(Quoting.windows(command.get(i), spec.isPath(i)));
        }
        String user = Quoting.xmlText(spec.user());
        return String.join(
                "\r\n",
                "<?xml version=\"1.0\" encoding=\"UTF-16\"?>",
                "<!-- " + CreatedFolders.comment(createdFolders) + " -->",
                "<Task version=\"1.2\" xmlns=\"http://schemas.microsoft.com/windows/2004/02/mit/task\">",
                "  <RegistrationInfo>",
                "    <Author>trainguard watchdog install</Author>",
                "    <Description>"
                        + Quoting.xmlText("trainguard watchdog for run " + spec.name()
                                + ": keeps the training run configured in " + spec.config()
                                + " going. Remove it with watchdog uninstall and the same config.")
                        + "</Description>",
                "    <URI>" + Quoting.xmlText("\\" + ServiceLocations.taskName(spec.name())) + "</URI>",
                "  </RegistrationInfo>",
                "  <Triggers>",
                "    <LogonTrigger>",
                "      <Enabled>true</Enabled>",
                "      <UserId>" + user + "</UserId>",
                "    </LogonTrigger>",
                "  </Triggers>",
                "  <Principals>",
                "    <Principal id=\"Author\">",
                "      <UserId>" + user + "</UserId>",
                "      <LogonType>InteractiveToken</LogonType>",
                "      <RunLevel>LeastPrivilege</RunLevel>",
                "    </Principal>",
                "  </Principals>",
                "  <Settings>",
                "    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>",
                "    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>",
                "    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>",
                "    <AllowHardTerminate>true</AllowHardTerminate>",
                "    <StartWhenAvailable>true</StartWhenAvailable>",
                "    <RunOnlyIfNetworkAvailable>false</RunOnlyIfNetworkAvailable>",
                "    <IdleSettings>",
                "      <StopOnIdleEnd>false</StopOnIdleEnd>",
                "      <RestartOnIdle>false</RestartOnIdle>",
                "    </IdleSettings>",
                "    <AllowStartOnDemand>true</AllowStartOnDemand>",
                "    <Enabled>true</Enabled>",
                "    <Hidden>false</Hidden>",
                "    <RunOnlyIfIdle>false</RunOnlyIfIdle>",
                "    <WakeToRun>false</WakeToRun>",
                "    <ExecutionTimeLimit>PT0S</ExecutionTimeLimit>",
                "    <Priority>7</Priority>",
                "    <RestartOnFailure>",
                "      <Interval>PT1M</Interval>",
                "      <Count>999</Count>",
                "    </RestartOnFailure>",
                "  </Settings>",
                "  <Actions Context=\"Author\">",
                "    <Exec>",
                // Quoted when it has spaces, as the Task Scheduler window itself writes a program path.
                "      <Command>" + Quoting.xmlText(Quoting.windows(spec.java(), false)) + "</Command>",
                "      <Arguments>" + Quoting.xmlText(arguments.toString()) + "</Arguments>",
                "      <WorkingDirectory>" + Quoting.xmlText(spec.workingDirectory()) + "</WorkingDirectory>",
                "    </Exec>",
                "  </Actions>",
                "</Task>",
                "");
    }

    /**
     * The file's bytes: a byte order mark, then the text in UTF-16 little-endian, which is what schtasks expects.
     *
     * @param xml the text from {@link #render}
     * @return the bytes to write
     */
    static byte[] encode(String xml) {
        ByteBuffer text = StandardCharsets.UTF_16LE.encode(xml);
        byte[] bytes = new byte[UTF16LE_BOM.length + text.remaining()];
        System.arraycopy(UTF16LE_BOM, 0, bytes, 0, UTF16LE_BOM.length);
        text.get(bytes, UTF16LE_BOM.length, text.remaining());
        return bytes;
    }
}
