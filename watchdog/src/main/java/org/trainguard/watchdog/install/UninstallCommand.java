package org.trainguard.watchdog.install;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.trainguard.core.ExitCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code watchdog uninstall --config F}: undoes {@code install} for the same run: stops and unregisters the
 * service, removes exactly the files install wrote, and removes folders that install created and that are empty
 * again. The run's own files (checkpoints, session, logs) are never touched. The config file need not exist or be
 * valid any more; it only names the service. Exit codes: 0 removed or nothing to remove, 1 a file could not be
 * removed, 2 a usage error.
 */
@Command(
        name = "uninstall",
        sortOptions = false,
        description = "Stop starting the watchdog for a run at logon, and remove what install wrote.")
public final class UninstallCommand extends ServiceSetupCommand {

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help and exit.")
    boolean help;

    /** Creates the command (picocli does). */
    public UninstallCommand() {}

    /**
     * Unregisters the service and removes its files, or prints what it would do.
     *
     * @return 0 removed or nothing to remove, 1 a file could not be removed, 2 a usage error
     */
    @Override
    int execute(PrintWriter out, PrintWriter err) {
        Platform platform = target.platform();
        String name = target.serviceName(out);
        ServiceLocations locations = target.locations();
        if (platform != Platform.current()
                && !target.dryRun()
                && target.homeOverride().isEmpty()) {
            err.println("uninstall: cannot uninstall a " + platform.id() + " service on "
                    + Platform.current().id()
                    + ": run uninstall on that machine, or add --dry-run to see the files and commands");
            return ExitCode.USAGE.code();
        }
        ServicePlan plan = ServicePlan.uninstall(name, locations);
        List<Path> present = plan.files().stream()
                .map(PlannedFile::path)
                .filter(Files::exists)
                .toList();
        if (target.dryRun()) {
            out.println("Dry run: nothing is removed and no command is run.");
        }
        out.println("Uninstalling the trainguard watchdog for run " + name + " (" + platform.serviceKind() + ", "
                + platform.id() + ").");
        out.println();
        if (present.isEmpty()) {
            out.println("Nothing to uninstall: none of these files exists:");
            plan.files().forEach(file -> out.println("  " + file.path()));
            return ExitCode.COMPLETED.code();
        }
        if (target.dryRun()) {
            PlanOutput.printCommands(out, "Would run:", plan.commandsBefore());
            out.println("Would remove:");
            present.forEach(file -> out.println("  " + file));
            out.println();
            PlanOutput.printCommands(out, "Then would run:", plan.commandsAfter());
            PlanOutput.printNotes(out, plan.notes());
            return ExitCode.COMPLETED.code();
        }

        Optional<CommandRunner> runner = commandRunner();
        List<ServiceCommand> notRun = new ArrayList<>(
                runner.isPresent()
                        ? PlanOutput.run(plan.commandsBefore(), runner.get(), out, err)
                                .toRunByHand()
                        : plan.commandsBefore());
        try {
            for (Path file : present) {
                int createdFolders = CreatedFolders.recorded(file);
                Files.delete(file);
                out.println("removed " + file);
                if (platform == Platform.LINUX) {
                    removeEnableLink(file, createdFolders > 0, out);
                }
                removeEmptyFolders(file.getParent(), createdFolders, out);
            }
        } catch (IOException cannotDelete) {
            err.println("uninstall: cannot remove a file: " + cannotDelete);
            return ExitCode.FAILURE.code();
        }
        notRun.addAll(
                runner.isPresent()
                        ? PlanOutput.run(plan.commandsAfter(), runner.get(), out, err)
                                .toRunByHand()
                        : plan.commandsAfter());
        if (!notRun.isEmpty()) {
            out.println();
            out.println(
                    runner.isPresent()
                            ? "The files are removed, but the service manager did not take every step. Once it can be "
                                    + "reached, run:"
                            : target.notRunHeading());
            notRun.forEach(command -> out.println("  " + command.shown()));
        }
        out.println();
        PlanOutput.printNotes(out, plan.notes());
        return ExitCode.COMPLETED.code();
    }

    /**
     * Removes the link {@code systemctl enable} made in {@code default.target.wants}, when it still points to the
     * removed unit (it does when the service manager could not be reached to disable it): a dangling link would
     * make systemd complain at every start. The {@code default.target.wants} folder goes too when it is empty and
     * either held that link or sits in a folder install created (so enabling this unit made it).
     */
    private static void removeEnableLink(Path unitFile, boolean installCreatedUnitFolder, PrintWriter out)
            throws IOException {
        Path wants = unitFile.resolveSibling("default.target.wants");
        Path link = wants.resolve(unitFile.getFileName());
        boolean removedLink = false;
        if (Files.isSymbolicLink(link)
                && Files.readSymbolicLink(link).getFileName() != null
                && Files.readSymbolicLink(link).getFileName().equals(unitFile.getFileName())) {
            Files.delete(link);
            out.println("removed " + link + " (the link systemctl enable made)");
            removedLink = true;
        }
        if (removedLink || installCreatedUnitFolder) {
            removeEmptyFolders(wants, 1, out);
        }
    }

    /**
     * Removes {@code folder} and up to {@code levels - 1} of its parents, as long as they are empty: the folders
     * install created (a fresh account has no {@code ~/.config/systemd/user}), never one that was there before.
     */
    private static void removeEmptyFolders(Path folder, int levels, PrintWriter out) throws IOException {
        Path current = folder;
        for (int level = 0; level < levels && current != null && isEmptyFolder(current); level++) {
            Files.delete(current);
            out.println("removed empty folder " + current);
            current = current.getParent();
        }
    }

    private static boolean isEmptyFolder(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return false;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            return !entries.iterator().hasNext();
        }
    }
}
