package org.trainguard.watchdog.supervise;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.trainguard.core.folder.RunFolder;
import org.trainguard.core.lock.RunLock;
import org.trainguard.core.run.HostName;

/**
 * Finds a trainer of the run that is alive on this machine but is not this watchdog's child: one a killed watchdog
 * left behind, or one started by hand. A trainer takes the run lock only once it has read its config, so one that is
 * still starting is found by its command line instead: {@code java ... -jar <jar> --config <this run's config>},
 * with only options after the jar (a subcommand such as {@code status}, or {@code watchdog run}, is not training).
 */
final class RunTrainers {

    private RunTrainers() {}

    /**
     * The live trainer that holds the run lock here, or else a live trainer process of this config that may still be
     * starting.
     *
     * @param outputDir  the run's output folder
     * @param configFile the run's config file
     * @return the process and how it was found, for the log
     */
    static Optional<Found> find(Path outputDir, Path configFile) {
        Optional<RunLock.LockInfo> holder = lockRecord(outputDir).filter(RunLock.LockInfo::aliveHere);
        if (holder.isPresent()) {
            Optional<ProcessHandle> h = ProcessHandle.of(holder.get().pid());
            if (h.isPresent()) {
                return Optional.of(new Found(
                        h.get(), "it holds the run lock since " + holder.get().startedAt()));
            }
        }
        return starting(configFile)
                .map(h -> new Found(
                        h,
                        "it is a trainer of this run's config"
                                + h.info()
                                        .startInstant()
                                        .map(t -> ", started at " + t)
                                        .orElse("") + ", and may not hold the run lock yet"));
    }

    /**
     * The process on this host that holds the run lock, when the lock is held.
     *
     * @param outputDir the run's output folder
     * @param holder the lock's record
     * @return the live holder; empty when the holder is not a process on this host
     */
    static Optional<ProcessHandle> liveHolder(Path outputDir, RunLock.LockInfo holder) {
        Optional<ProcessHandle> live =
                holder.pid() > 0 && holder.aliveHere() ? ProcessHandle.of(holder.pid()) : Optional.empty();
        if (live.isEmpty() && holder.pid() <= 0) {
            // The lock is held but its record unreadable (Windows locks keep others from reading the file):
            // the session file names the trainer.
            OptionalLong named = RunStatus.sessionTrainer(outputDir);
            live = named.isPresent() ? ProcessHandle.of(named.getAsLong()) : Optional.empty();
        }
        return live;
    }

    /**
     * After a trainer exited 5 (another holds the run): waits a moment for the holder to show up here, since it
     * may be between taking the lock and writing its record.
     *
     * @param outputDir the run's output folder
     * @param configFile the run's config file
     * @param clock the watchdog's clock
     * @param wait how long to look
     * @return the live holder on this host; empty when the run is held from another host or none shows up
     * @throws InterruptedException when interrupted while waiting
     */
    static Optional<Found> awaitHolder(Path outputDir, Path configFile, Clock clock, Duration wait)
            throws InterruptedException {
        Instant giveUpAt = clock.instant().plus(wait);
        while (true) {
            Optional<Found> holder = find(outputDir, configFile);
            if (holder.isPresent()) {
                return holder;
            }
            Optional<RunLock.LockInfo> record = lockRecord(outputDir);
            if (record.isPresent() && !record.get().host().equals(HostName.get())) {
                return Optional.empty();
            }
            if (!clock.instant().isBefore(giveUpAt)) {
                return Optional.empty();
            }
            Thread.sleep(200);
        }
    }

    /**
     * Reads who the lock file names, without taking the lock (taking it, even for a moment, would make a trainer
     * that starts in that moment exit 5).
     *
     * @param outputDir the run's output folder
     * @return the record, empty when there is none or it cannot be read
     */
    static Optional<RunLock.LockInfo> lockRecord(Path outputDir) {
        return new RunFolder(outputDir).lockRecord();
    }

    /** The oldest live process that trains this config, other than this one. */
    static Optional<ProcessHandle> starting(Path configFile) {
        Path config = real(configFile.toAbsolutePath().normalize());
        long self = ProcessHandle.current().pid();
        return ProcessHandle.allProcesses()
                .filter(h -> h.pid() != self && h.isAlive() && trains(h, config))
                .min(Comparator.comparing(h -> h.info().startInstant().orElse(Instant.MAX)));
    }

    private static boolean trains(ProcessHandle h, Path config) {
        Optional<String[]> arguments = h.info().arguments();
        if (arguments.isEmpty()) {
            return false;
        }
        List<String> args = List.of(arguments.get());
        int jar = args.indexOf("-jar");
        if (jar < 0 || jar + 2 >= args.size() || !args.get(jar + 2).startsWith("-")) {
            return false;
        }
        for (int i = jar + 2; i < args.size(); i++) {
            String value = null;
            if (args.get(i).equals("--config") && i + 1 < args.size()) {
                value = args.get(i + 1);
            } else if (args.get(i).startsWith("--config=")) {
                value = args.get(i).substring("--config=".length());
            }
            if (value != null) {
                return resolve(h, value).map(p -> real(p).equals(config)).orElse(false);
            }
        }
        return false;
    }

    /** A relative config path resolves against the process's working folder, where the system shows it. */
    private static Optional<Path> resolve(ProcessHandle h, String value) {
        try {
            Path p = Path.of(value);
            if (p.isAbsolute()) {
                return Optional.of(p.normalize());
            }
            Path cwd = Files.readSymbolicLink(Path.of("/proc", Long.toString(h.pid()), "cwd"));
            return Optional.of(cwd.resolve(p).normalize());
        } catch (IOException | InvalidPathException | UnsupportedOperationException | SecurityException e) {
            return Optional.empty();
        }
    }

    private static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p;
        }
    }

    /**
     * A trainer of the run found alive.
     *
     * @param process the process
     * @param how     how it was found, for the log
     */
    record Found(ProcessHandle process, String how) {}
}
