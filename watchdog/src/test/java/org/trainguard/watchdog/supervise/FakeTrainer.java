package org.trainguard.watchdog.supervise;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.trainguard.config.ConfigLoader;
import org.trainguard.config.TrainguardConfig;
import org.trainguard.core.checkpoint.CheckpointStore;
import org.trainguard.core.lock.RunLock;
import org.trainguard.core.run.Heartbeat;
import org.trainguard.core.run.SessionState;
import org.trainguard.core.run.SessionStateBuilder;
import org.trainguard.core.run.SessionStatus;
import org.trainguard.core.run.SessionStore;

/**
 * A stand-in for trainer.jar in the watchdog's integration tests: a real process with the trainer's command line
 * ({@code --config F [--resume PATH]}) and the trainer's files (run lock, session file, heartbeat, checkpoints that
 * verify), whose behaviour is scripted.
 *
 * <p>The script is the file named by the system property {@code fake.plan}: one line per start of the process
 * (the last line repeats), each a list of words:
 * <ul>
 *   <li>{@code steps=N} training steps to run, {@code step-ms=M} milliseconds each (default 50),
 *       {@code ckpt=K} a checkpoint every K steps (default none), {@code total=T} the run's total steps;</li>
 *   <li>then one ending: {@code complete} (exit 0, session COMPLETED), {@code exit=C} (session FAILED, exit C),
 *       {@code sigkill} (kills itself), {@code hang} (alive, no more heartbeats), {@code freeze} (SIGSTOP to
 *       itself);</li>
 *   <li>{@code ignore-term}: on SIGTERM never finish (so only SIGKILL ends it);</li>
 *   <li>{@code oom-at-start}: right after taking the lock, write a start-up heartbeat (step 0, restoring) and die of
 *       an uncaught {@code OutOfMemoryError} thrown from deep in the stack (exit 1, a long stack trace, no session
 *       written), as a trainer that runs out of memory restoring its checkpoint.</li>
 * </ul>
 * Every start appends a line to {@code fake-invocations.log} in the output folder (pid and arguments); every
 * stop by a signal appends one to {@code fake-events.log}. On SIGTERM it writes an emergency checkpoint and the
 * session INTERRUPTED, then the JVM exits with 143, like the trainer.
 */
public final class FakeTrainer {

    static final String INVOCATIONS = "fake-invocations.log";
    static final String EVENTS = "fake-events.log";

    private static volatile boolean finishing;
    private static volatile long step;
    private static volatile long progress;

    private FakeTrainer() {}

    /**
     * @param args {@code --config F [--resume PATH]}
     * @throws Exception when the script or the run's files are broken
     */
    public static void main(String[] args) throws Exception {
        Path configFile = null;
        Optional<Path> resume = Optional.empty();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config")) {
                configFile = Path.of(args[++i]);
            } else if (args[i].equals("--resume")) {
                resume = Optional.of(Path.of(args[++i]));
            }
        }
        TrainguardConfig config = ConfigLoader.load(configFile);
        Path out = config.training().outputDir();
        Files.createDirectories(out);
        long pid = ProcessHandle.current().pid();

        List<String> plan = Files.readAllLines(Path.of(System.getProperty("fake.plan"))).stream()
                .filter(l -> !l.isBlank())
                .toList();
        Path invocations = out.resolve(INVOCATIONS);
        int attempt =
                Files.exists(invocations) ? Files.readAllLines(invocations).size() : 0;
        String line = plan.get(Math.min(attempt, plan.size() - 1));
        append(invocations, "pid=" + pid + " plan=" + line + " args=" + String.join(" ", args));
        Map<String, String> script = parse(line);

        RunLock lock;
        try {
            lock = RunLock.acquire(out, "");
        } catch (RunLock.LockHeldException e) {
            System.err.println("locked: " + e.getMessage());
            System.exit(5);
            return;
        }
        if (script.containsKey("oom-at-start")) {
            Heartbeat.write(
                    out, new Heartbeat(pid, SessionStatus.STARTING, 0, 0, Instant.now(), Heartbeat.Phase.RESTORING));
            outOfMemoryAtDepth(120);
        }
        CheckpointStore store = new CheckpointStore(out);
        step = resume.map(FakeTrainer::stepOf).orElseGet(() -> newestVerified(store));
        progress = 0;
        SessionStore sessions = new SessionStore(out);
        SessionState base = sessions.read().state().orElseGet(() -> SessionState.builder(
                        UUID.randomUUID().toString())
                .build());
        long total = Long.parseLong(script.getOrDefault("total", "1000"));
        SessionStateBuilder session = base.toBuilder()
                .pid(pid)
                .status(SessionStatus.RUNNING)
                .step(step)
                .totalSteps(total)
                .configPath(config.source().map(Path::toString).orElse(""))
                .configSha256(config.sha256())
                .exit(null);
        sessions.write(session.build());
        beat(out, SessionStatus.RUNNING);
        lock.updateSessionId(base.sessionId());

        boolean ignoreTerm = script.containsKey("ignore-term");
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            if (finishing) {
                                return;
                            }
                            try {
                                append(out.resolve(EVENTS), "signal-stop pid=" + pid + " step=" + step);
                                if (ignoreTerm) {
                                    Thread.sleep(Long.MAX_VALUE);
                                }
                                checkpoint(store, step);
                                sessions.write(session.status(SessionStatus.INTERRUPTED)
                                        .step(step)
                                        .exit(new SessionState.Exit(143, "interrupted by SIGTERM"))
                                        .build());
                            } catch (IOException | InterruptedException e) {
                                System.err.println("shutdown: " + e);
                            }
                        },
                        "fake-emergency-checkpoint"));

        int steps = Integer.parseInt(script.getOrDefault("steps", "0"));
        long stepMs = Long.parseLong(script.getOrDefault("step-ms", "50"));
        int every = Integer.parseInt(script.getOrDefault("ckpt", "0"));
        for (int i = 0; i < steps; i++) {
            Thread.sleep(stepMs);
            step++;
            progress++;
            beat(out, SessionStatus.RUNNING);
            if (every > 0 && step % every == 0) {
                checkpoint(store, step);
                sessions.write(session.step(step).build());
            }
        }
        sessions.write(session.step(step).build());

        if (script.containsKey("complete")) {
            finishing = true;
            sessions.write(session.status(SessionStatus.COMPLETED)
                    .step(step)
                    .exit(new SessionState.Exit(0, "completed"))
                    .build());
            lock.close();
            System.exit(0);
        } else if (script.containsKey("exit")) {
            int code = Integer.parseInt(script.get("exit"));
            finishing = true;
            sessions.write(session.status(SessionStatus.FAILED)
                    .step(step)
                    .exit(new SessionState.Exit(code, "fake failure " + code + " at step " + step))
                    .build());
            System.exit(code);
        } else if (script.containsKey("sigkill")) {
            signalSelf("KILL");
        } else if (script.containsKey("freeze")) {
            signalSelf("STOP");
        }
        // hang, or waiting to be stopped: alive, no more heartbeats
        Thread.sleep(Long.MAX_VALUE);
    }

    private static void outOfMemoryAtDepth(int depth) {
        if (depth == 0) {
            throw new OutOfMemoryError("Java heap space");
        }
        outOfMemoryAtDepth(depth - 1);
    }

    private static Map<String, String> parse(String line) {
        Map<String, String> words = new HashMap<>();
        for (String word : line.trim().split("\\s+")) {
            int eq = word.indexOf('=');
            words.put(eq < 0 ? word : word.substring(0, eq), eq < 0 ? "" : word.substring(eq + 1));
        }
        return words;
    }

    private static long stepOf(Path checkpoint) {
        return Long.parseLong(checkpoint.getFileName().toString().substring(CheckpointStore.PREFIX.length()));
    }

    private static long newestVerified(CheckpointStore store) {
        List<CheckpointStore.Checkpoint> all = store.list();
        for (int i = all.size() - 1; i >= 0; i--) {
            if (store.verify(all.get(i).dir()).ok()) {
                return all.get(i).step();
            }
        }
        return 0;
    }

    private static void checkpoint(CheckpointStore store, long at) throws IOException {
        Path tmp = store.begin(at);
        Files.writeString(tmp.resolve("state.txt"), "step " + at + "\n");
        store.commit(tmp, at, Map.of("fake", true));
    }

    private static void beat(Path out, SessionStatus status) throws IOException {
        Heartbeat.write(out, new Heartbeat(ProcessHandle.current().pid(), status, step, progress, Instant.now()));
    }

    private static void signalSelf(String signal) throws IOException, InterruptedException {
        new ProcessBuilder(
                        "kill",
                        "-" + signal,
                        Long.toString(ProcessHandle.current().pid()))
                .inheritIO()
                .start()
                .waitFor();
    }

    private static synchronized void append(Path file, String line) throws IOException {
        Files.writeString(
                file,
                line + System.lineSeparator(),
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }
}
