package org.trainguard.watchdog.supervise;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the trainer as a child process: {@code java [java_opts] -jar trainer.jar --config F [--resume PATH]},
 * in the config file's folder, with its output appended to {@code logs/trainer-console.log}. Without
 * {@code --resume} the trainer continues from the newest checkpoint that verifies; a path rolls back to an older
 * one.
 */
final class TrainerLauncher {

    private static final Logger LOG = LoggerFactory.getLogger("watchdog");

    private final SupervisorSettings settings;
    private final ConsoleLog console;

    /**
     * @param settings what to run
     * @param console  where its output goes
     */
    TrainerLauncher(SupervisorSettings settings, ConsoleLog console) {
        this.settings = settings;
        this.console = console;
    }

    /**
     * @param resumeFrom a checkpoint folder to resume from instead of the newest
     * @return the command line
     */
    List<String> command(Optional<Path> resumeFrom) {
        return command(resumeFrom, List.of());
    }

    /**
     * @param resumeFrom a checkpoint folder to resume from instead of the newest
     * @param jvmOptions JVM options of the watchdog's own (class-data sharing), before the user's {@code java_opts}
     * @return the command line
     */
    List<String> command(Optional<Path> resumeFrom, List<String> jvmOptions) {
        List<String> cmd = new ArrayList<>();
        cmd.add(settings.javaBinary().toString());
        cmd.addAll(jvmOptions);
        cmd.addAll(settings.watchdog().javaOpts());
        cmd.add("-jar");
        cmd.add(settings.trainerJar().toString());
        cmd.add("--config");
        cmd.add(settings.configFile().toString());
        resumeFrom.ifPresent(p -> {
            cmd.add("--resume");
            cmd.add(p.toAbsolutePath().toString());
        });
        return cmd;
    }

    /**
     * Starts the trainer and logs its command line.
     *
     * @param resumeFrom a checkpoint folder to resume from instead of the newest
     * @param jvmOptions JVM options of the watchdog's own, as for {@link #command(Optional, List)}
     * @param attempt which start this is
     * @return the running process
     * @throws IOException when it cannot be started, with a message that says what to check
     */
    TrainerProcess launch(Optional<Path> resumeFrom, List<String> jvmOptions, int attempt) throws IOException {
        List<String> cmd = command(resumeFrom, jvmOptions);
        TrainerProcess trainer;
        try {
            trainer = start(cmd, attempt);
        } catch (IOException e) {
            throw new IOException(
                    "cannot start the trainer: " + e.getMessage() + " (command: " + String.join(" ", cmd)
                            + "); check --java, --trainer-jar and watchdog.java_opts",
                    e);
        }
        LOG.info(
                "trainer started pid {} (attempt {}{}): {}",
                trainer.pid(),
                attempt,
                resumeFrom.map(p -> ", rolling back to " + p.getFileName()).orElse(""),
                String.join(" ", cmd));
        return trainer;
    }

    /**
     * Starts the trainer.
     *
     * @param cmd     the command line, from {@link #command}
     * @param attempt which start this is, for the console log's marker line
     * @return the running process
     * @throws IOException when the process cannot be started (no such java, no permission)
     */
    TrainerProcess start(List<String> cmd, int attempt) throws IOException {
        console.beginSection("----- " + Instant.now() + " watchdog pid "
                + ProcessHandle.current().pid() + " starts the trainer (attempt " + attempt + "): "
                + String.join(" ", cmd) + " -----");
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(settings.configFile().getParent().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(console.file().toFile()));
        Process process = pb.start();
        // The trainer reads nothing from stdin; closing it gives a clean EOF instead of a pipe nobody writes.
        process.getOutputStream().close();
        return new TrainerProcess(process.toHandle(), Optional.of(process), attempt);
    }
}
