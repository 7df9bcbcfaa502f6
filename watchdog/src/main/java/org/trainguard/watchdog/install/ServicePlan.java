package org.trainguard.watchdog.install;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * What an install or uninstall does on one platform: the files, the commands, and what to tell the user. A dry
 * run prints it; a real run carries it out.
 *
 * @param files          files to write (install) or remove (uninstall)
 * @param commandsBefore commands run before the files are removed (uninstall: stop and unregister)
 * @param commandsAfter  commands run after the files are written or removed (register, start, reload)
 * @param notes          what the user should know, one sentence each
 * @param checks         commands that show whether the installed watchdog runs
 */
record ServicePlan(
        List<PlannedFile> files,
        List<ServiceCommand> commandsBefore,
        List<ServiceCommand> commandsAfter,
        List<String> notes,
        List<ServiceCommand> checks) {

    ServicePlan {
        files = List.copyOf(files);
        commandsBefore = List.copyOf(commandsBefore);
        commandsAfter = List.copyOf(commandsAfter);
        notes = List.copyOf(notes);
        checks = List.copyOf(checks);
    }

    /**
     * The install of a run's watchdog.
     *
     * @param spec           what to run
     * @param locations      where the files go
     * @param createdFolders for each file, how many folders above it install creates (see {@link CreatedFolders})
     * @return the plan
     */
    static ServicePlan install(ServiceSpec spec, ServiceLocations locations, ToIntFunction<Path> createdFolders) {
        String name = spec.name();
        List<ServiceCommand> checks = new ArrayList<>();
        switch (locations.platform()) {
            case LINUX -> {
                String unit = ServiceLocations.unitName(name);
                checks.add(ServiceCommand.posix("systemctl", "--user", "status", unit));
                checks.add(ServiceCommand.posix("journalctl", "--user", "-u", unit, "-f"));
                checks.add(ServiceCommand.posix(spec.statusCommand().toArray(String[]::new)));
                return new ServicePlan(
                        List.of(PlannedFile.utf8(
                                locations.unitFile(name),
                                SystemdUnit.render(spec, createdFolders.applyAsInt(locations.unitFile(name))))),
                        List.of(),
                        List.of(
                                ServiceCommand.posix("systemctl", "--user", "daemon-reload"),
                                ServiceCommand.posix("systemctl", "--user", "enable", "--now", unit)),
                        List.of("The unit starts the watchdog now and whenever you log in. To start it at boot "
                                + "without logging in, run once: loginctl enable-linger $USER"),
                        checks);
            }
            case WINDOWS -> {
                Path xml = locations.taskXml(name);
                String task = ServiceLocations.taskName(name);
                Path launcherFile = locations.startupLauncher(name);
                String taskXml = TaskSchedulerXml.render(spec, createdFolders.applyAsInt(xml));
                String launcher = StartupLauncher.render(spec, createdFolders.applyAsInt(launcherFile));
                checks.add(schtasks("/Run", "/TN", task));
                checks.add(schtasks("/Query", "/TN", task, "/V", "/FO", "LIST"));
                checks.add(ServiceCommand.windows(spec.statusCommand(), List.of(0, 2, 5)));
                return new ServicePlan(
                        List.of(
                                new PlannedFile(
                                        xml,
                                        taskXml,
                                        TaskSchedulerXml.encode(taskXml),
                                        "UTF-16LE with byte order mark, CRLF"),
                                PlannedFile.utf8(launcherFile, launcher)),
                        List.of(),
                        List.of(ServiceCommand.windows(
                                List.of("schtasks", "/Create", "/TN", task, "/XML", xml.toString(), "/F"),
                                List.of(3, 5))),
                        List.of(
                                "The task starts the watchdog at your next logon; start it now with the first "
                                        + "command below.",
                                "The Startup folder launcher is a second way in; a second watchdog on the same run "
                                        + "sees the first one and exits."),
                        checks);
            }
            case MACOS -> {
                Path plist = locations.launchAgent(name);
                String domain = "gui/" + ServiceCommand.USER_ID;
                checks.add(ServiceCommand.posixWithUserId(
                        "launchctl", "print", domain + "/" + ServiceLocations.launchdLabel(name)));
                checks.add(ServiceCommand.posix(
                        "tail", "-f", LaunchdPlist.stdoutFile(spec), LaunchdPlist.stderrFile(spec)));
                checks.add(ServiceCommand.posix(spec.statusCommand().toArray(String[]::new)));
                return new ServicePlan(
                        List.of(PlannedFile.utf8(plist, LaunchdPlist.render(spec, createdFolders.applyAsInt(plist)))),
                        List.of(),
                        // bootout first, so that a reinstall replaces an agent that is already loaded.
                        List.of(
                                ServiceCommand.posixWithUserId("launchctl", "bootout", domain, plist.toString())
                                        .optional(),
                                ServiceCommand.posixWithUserId("launchctl", "bootstrap", domain, plist.toString())),
                        List.of("The agent starts the watchdog now and whenever you log in; launchd restarts it "
                                + "after a crash."),
                        checks);
            }
            default -> throw new IllegalStateException("unknown platform " + locations.platform());
        }
    }

    /**
     * The uninstall of a run's watchdog. The files are listed whether they exist or not; the caller skips missing
     * ones.
     *
     * @param name      the service name
     * @param locations where the files are
     * @return the plan
     */
    static ServicePlan uninstall(String name, ServiceLocations locations) {
        List<PlannedFile> files = locations.files(name).stream()
                .map(path -> new PlannedFile(path, "", new byte[0], ""))
                .toList();
        switch (locations.platform()) {
            case LINUX -> {
                String unit = ServiceLocations.unitName(name);
                return new ServicePlan(
                        files,
                        List.of(ServiceCommand.posix("systemctl", "--user", "disable", "--now", unit)
                                .optional()),
                        List.of(ServiceCommand.posix("systemctl", "--user", "daemon-reload")),
                        List.of("Stopping the service stops the watchdog, and the trainer after its emergency "
                                + "checkpoint; the run's own files stay."),
                        List.of());
            }
            case WINDOWS -> {
                return new ServicePlan(
                        files,
                        List.of(schtasks("/Delete", "/TN", ServiceLocations.taskName(name), "/F")
                                .optional()),
                        List.of(),
                        List.of("A watchdog that is running now keeps running; stop it with: java -jar watchdog.jar "
                                + "stop --config <your config>"),
                        List.of());
            }
            case MACOS -> {
                String plist = locations.launchAgent(name).toString();
                return new ServicePlan(
                        files,
                        List.of(ServiceCommand.posixWithUserId(
                                        "launchctl", "bootout", "gui/" + ServiceCommand.USER_ID, plist)
                                .optional()),
                        List.of(),
                        List.of("launchd stops the watchdog, and the watchdog the trainer after its emergency "
                                + "checkpoint; the run's own files stay."),
                        List.of());
            }
            default -> throw new IllegalStateException("unknown platform " + locations.platform());
        }
    }

    /** {@code schtasks} with the given arguments; the task name is always quoted, as Microsoft's examples do. */
    private static ServiceCommand schtasks(String... arguments) {
        List<String> argv = new ArrayList<>();
        argv.add("schtasks");
        argv.addAll(List.of(arguments));
        List<Integer> quoted = new ArrayList<>();
        for (int i = 0; i < argv.size(); i++) {
            if (argv.get(i).startsWith("trainguard\\")) {
                quoted.add(i);
            }
        }
        return ServiceCommand.windows(argv, quoted);
    }
}
