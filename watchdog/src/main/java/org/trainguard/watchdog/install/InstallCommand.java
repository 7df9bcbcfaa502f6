package org.trainguard.watchdog.install;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.trainguard.config.ConfigException;
import org.trainguard.config.ConfigLoader;
import org.trainguard.config.TrainguardConfig;
import org.trainguard.core.ExitCode;
import org.trainguard.core.io.AtomicFiles;
import org.trainguard.core.run.RunLayout;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code watchdog install --config F}: makes the watchdog start with the user's session, so a run goes on after a
 * reboot with nobody at the keyboard. Linux gets a systemd user unit, Windows a Task Scheduler task with a logon
 * trigger plus a launcher in the Startup folder, macOS a launchd agent.
 *
 * <p>Before writing anything it checks that the config is valid, that the java is Java 17 or newer, that
 * watchdog.jar exists and that the output and service folders are writable; any failure exits with 2 and says what
 * to fix. {@code --dry-run} prints every file and command instead, for any platform on any OS. Exit codes: 0
 * installed (also when the service manager could not be reached but the files are in place, with the commands to
 * run by hand), 1 a file could not be written, 2 a prerequisite or usage error.
 */
@Command(
        name = "install",
        sortOptions = false,
        description = "Start the watchdog for a run at logon (systemd user unit, Task Scheduler + Startup folder, "
                + "or launchd agent).")
public final class InstallCommand extends ServiceSetupCommand {

    @Option(
            names = "--java",
            paramLabel = "PATH",
            description = "The java executable the service runs (default: the one running this program).")
    String java;

    @Option(
            names = "--watchdog-jar",
            paramLabel = "PATH",
            description = "watchdog.jar (default: the jar this program runs from).")
    String watchdogJar;

    @Option(
            names = "--java-opt",
            paramLabel = "OPT",
            description = "A JVM option for the trainer, passed on to 'watchdog run'; repeatable, e.g. "
                    + "--java-opt=-Xmx8g.")
    List<String> javaOpts = new ArrayList<>();

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help and exit.")
    boolean help;

    /** Creates the command (picocli does). */
    public InstallCommand() {}

    /**
     * Checks, then writes and registers the service, or prints what it would do.
     *
     * @return 0 installed (or printed), 1 a file could not be written, 2 a prerequisite failed
     */
    @Override
    int execute(PrintWriter out, PrintWriter err) {
        Platform platform = target.platform();
        boolean local = platform == Platform.current();
        String name = target.serviceName(out);
        ServiceLocations locations = target.locations();
        Path configFile = target.config();
        if (target.dryRun()) {
            out.println("Dry run: nothing is written and no command is run.");
        }
        out.println("Installing the trainguard watchdog for run " + name + " as a " + platform.serviceKind() + " ("
                + platform.id() + ").");
        out.println();

        List<Check> checks = new ArrayList<>();
        // With --home nothing is registered, so the files of any platform can be written there (for a preview).
        if (!local && !target.dryRun() && target.homeOverride().isEmpty()) {
            checks.add(Check.failed("cannot install a " + platform.id() + " service on "
                    + Platform.current().id()
                    + ": run install on that machine, or add --dry-run to see the files and commands"));
        }
        Optional<TrainguardConfig> config = Optional.empty();
        try {
            config = Optional.of(ConfigLoader.load(configFile));
            checks.add(Check.ok("config " + configFile + " is valid"));
        } catch (ConfigException invalid) {
            checks.add(Check.failed("config is not valid: " + invalid.getMessage()));
        }
        String javaPath = javaPath(platform, checks);
        String jarPath = jarPath(platform, checks);
        if (!local) {
            checks.add(Check.ok("java and watchdog jar are not checked: they are paths on the " + platform.id()
                    + " machine (pass --java and --watchdog-jar with those paths)"));
        }
        config.ifPresent(c -> checks.add(
                Prerequisites.writableFolder("output folder", c.training().outputDir())));
        Set<Path> serviceFolders = new LinkedHashSet<>();
        locations.files(name).forEach(file -> serviceFolders.add(file.getParent()));
        serviceFolders.forEach(folder -> checks.add(Prerequisites.writableFolder("service folder", folder)));
        for (String[] path :
                new String[][] {{"java", javaPath}, {"watchdog jar", jarPath}, {"config", configFile.toString()}}) {
            Prerequisites.printable(path[0], path[1]).ifPresent(checks::add);
        }
        if (platform == Platform.WINDOWS) {
            javaOpts.forEach(opt -> StartupLauncher.refuse("--java-opt", opt).ifPresent(checks::add));
            StartupLauncher.refuse("--config", configFile.toString()).ifPresent(checks::add);
        }

        out.println("Checks:");
        checks.forEach(check -> out.println("  " + (check.passed() ? "ok      " : "FAILED  ") + check.message()));
        out.println();
        List<Check> failed = checks.stream().filter(check -> !check.passed()).toList();
        if (!failed.isEmpty() || config.isEmpty()) {
            failed.forEach(check -> err.println("install: " + check.message()));
            return ExitCode.USAGE.code();
        }

        TrainguardConfig loaded = config.get();
        ServiceSpec service = new ServiceSpec(
                name,
                javaPath,
                jarPath,
                configFile.toString(),
                configFile.getParent().toString(),
                loaded.training().outputDir().resolve(RunLayout.LOGS).toString(),
                loaded.watchdog().stopTimeout(),
                javaOpts,
                windowsUser(platform));
        ServicePlan plan = ServicePlan.install(service, locations, CreatedFolders::toRecord);
        if (target.dryRun()) {
            plan.files().forEach(file -> PlanOutput.printFile(out, file));
            PlanOutput.printCommands(out, "Would run:", plan.commandsAfter());
            PlanOutput.printNotes(out, plan.notes());
            out.println();
            PlanOutput.printCommands(out, "To check it after installing:", plan.checks());
            return ExitCode.COMPLETED.code();
        }
        return carryOut(plan, service, platform, out, err);
    }

    /** Writes the files and runs the commands of a checked plan. */
    private int carryOut(ServicePlan plan, ServiceSpec service, Platform platform, PrintWriter out, PrintWriter err) {
        for (PlannedFile file : plan.files()) {
            try {
                boolean existed = Files.exists(file.path());
                AtomicFiles.write(file.path(), file.bytes());
                out.println((existed ? "replaced " : "wrote ") + file.path());
            } catch (IOException cannotWrite) {
                err.println("install: cannot write " + file.path() + ": " + cannotWrite);
                return ExitCode.FAILURE.code();
            }
        }
        if (platform == Platform.MACOS) {
            // launchd opens the log files before the watchdog starts, and does not create their folder.
            Path logs = Path.of(service.logsDirectory());
            try {
                Files.createDirectories(logs);
            } catch (IOException cannotCreate) {
                err.println("install: cannot create the logs folder " + logs + ": " + cannotCreate);
                return ExitCode.FAILURE.code();
            }
        }

        Optional<CommandRunner> runner = commandRunner();
        // A failed optional command (launchctl bootout of an agent that was not loaded) needs no follow-up.
        List<ServiceCommand> notRun = runner.isPresent()
                ? PlanOutput.run(plan.commandsAfter(), runner.get(), out, err).notRun()
                : plan.commandsAfter();
        if (!notRun.isEmpty()) {
            out.println();
            out.println(
                    runner.isPresent()
                            ? "The files are in place, but the service manager did not take them" + whyFailed(platform)
                                    + ". Run these yourself:"
                            : target.notRunHeading());
            notRun.forEach(command -> out.println("  " + command.shown()));
        }
        out.println();
        PlanOutput.printNotes(out, plan.notes());
        out.println();
        PlanOutput.printCommands(out, "Check it with:", plan.checks());
        return ExitCode.COMPLETED.code();
    }

    private static String whyFailed(Platform platform) {
        return platform == Platform.LINUX
                ? " (systemctl --user needs your user's service manager, which a login session has and containers, "
                        + "su and sudo shells usually do not)"
                : "";
    }

    /** The java the service runs, as written into the service definition. */
    private String javaPath(Platform platform, List<Check> checks) {
        boolean local = platform == Platform.current();
        if (java == null) {
            Path running = Path.of(
                    System.getProperty("java.home"),
                    "bin",
                    Platform.current() == Platform.WINDOWS ? "java.exe" : "java");
            if (local) {
                checks.add(Prerequisites.version(
                        running.toString(), Runtime.version().feature()));
            }
            return running.toString();
        }
        if (!local) {
            return java;
        }
        Path chosen = Path.of(java);
        if (chosen.getParent() == null && !chosen.isAbsolute()) {
            // A bare name such as "java" is looked up on the PATH, as a shell would, since services need a full path.
            chosen = onPath(java).orElse(chosen);
        }
        chosen = chosen.toAbsolutePath().normalize();
        checks.add(Prerequisites.javaVersion(chosen, CommandRunner.system()));
        return chosen.toString();
    }

    private static Optional<Path> onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String folder : path.split(File.pathSeparator)) {
            if (folder.isEmpty()) {
                continue;
            }
            for (String suffix : Platform.current() == Platform.WINDOWS ? List.of(".exe", "") : List.of("")) {
                Path candidate = Path.of(folder, program + suffix);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    /** watchdog.jar as written into the service definition. */
    private String jarPath(Platform platform, List<Check> checks) {
        boolean local = platform == Platform.current();
        if (watchdogJar != null) {
            if (!local) {
                return watchdogJar;
            }
            Path jar = Path.of(watchdogJar).toAbsolutePath().normalize();
            checks.add(Prerequisites.watchdogJar(jar));
            return jar.toString();
        }
        Optional<Path> running = runningJar();
        if (running.isEmpty()) {
            checks.add(Check.failed("cannot tell where watchdog.jar is: this program was not started from a jar "
                    + "(pass --watchdog-jar with the path of watchdog.jar)"));
            return "watchdog.jar";
        }
        if (local) {
            checks.add(Prerequisites.watchdogJar(running.get()));
        }
        return running.get().toString();
    }

    /** The jar that holds this class, when it runs from one (not from a classes folder). */
    private static Optional<Path> runningJar() {
        try {
            CodeSource source = InstallCommand.class.getProtectionDomain().getCodeSource();
            if (source == null || source.getLocation() == null) {
                return Optional.empty();
            }
            Path location =
                    Path.of(source.getLocation().toURI()).toAbsolutePath().normalize();
            return Files.isRegularFile(location) ? Optional.of(location) : Optional.empty();
        } catch (URISyntaxException | IllegalArgumentException | SecurityException unknown) {
            return Optional.empty();
        }
    }

    /** The account the Windows task runs as: {@code DOMAIN\\user} on Windows, the user's name elsewhere. */
    private String windowsUser(Platform platform) {
        String user = System.getProperty("user.name", "user");
        if (platform != Platform.WINDOWS
                || Platform.current() != Platform.WINDOWS
                || target.homeOverride().isPresent()) {
            return user;
        }
        String domain = System.getenv("USERDOMAIN");
        String name = Optional.ofNullable(System.getenv("USERNAME")).orElse(user);
        return domain == null || domain.isBlank() ? name : domain + "\\" + name;
    }
}
