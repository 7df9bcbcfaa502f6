package org.trainguard.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trainguard.testing.Waits.waitFor;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.core.checkpoint.CheckpointStore;
import org.trainguard.core.run.SessionState;
import org.trainguard.core.run.SessionStatus;
import org.trainguard.core.run.SessionStore;
import org.trainguard.testing.Processes;

/**
 * {@code checkpoint.mirror} with real trainer processes: the output folder is lost mid-run, and the same command
 * continues the run bit for bit from the mirror, a folder or a real S3-compatible server (S3Proxy) on 127.0.0.1.
 */
class MirrorIT {

    private static final int EPOCHS = 3; // 225 steps, a checkpoint every 25, the newest 3 kept
    private static float[] uninterrupted;

    @TempDir
    static Path shared;

    @BeforeAll
    static void uninterruptedRun() throws Exception {
        TrainerFixture f = TrainerFixture.create(shared, EPOCHS, "", "");
        Process p = start(f, "straight", Map.of());
        assertEquals(0, p.waitFor(), () -> log(f, "straight"));
        uninterrupted = TrainerFixture.finalParams(f.output);
    }

    @Test
    void lostOutputFolderContinuesFromAFolderMirrorBitForBit(@TempDir Path tmp) throws Exception {
        Path nas = tmp.resolve("nas");
        TrainerFixture f = TrainerFixture.create(tmp, EPOCHS, "", "mirror: {path: " + nas + "}");
        long resumedAt = loseTheOutputFolderMidRun(f, Map.of());
        assertMirrorHolds(f, nas, resumedAt);
    }

    @Test
    void lostOutputFolderContinuesFromAnS3BucketBitForBit(@TempDir Path tmp) throws Exception {
        String secret = "s3cret-" + UUID.randomUUID();
        Path data = tmp.resolve("s3data");
        Files.createDirectories(data.resolve("runs"));
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path conf = tmp.resolve("s3proxy.properties");
        Files.writeString(
                conf,
                String.join(
                        "\n",
                        "s3proxy.endpoint=http://127.0.0.1:" + port,
                        "s3proxy.authorization=aws-v2-or-v4",
                        "s3proxy.identity=trainguard-test",
                        "s3proxy.credential=" + secret,
                        "jclouds.provider=filesystem",
                        "jclouds.filesystem.basedir=" + data,
                        ""));
        Process server = startS3Proxy(tmp, conf, port);
        try {
            TrainerFixture f = TrainerFixture.create(tmp, EPOCHS, "", """
                    mirror:
                      s3: {endpoint: 'http://127.0.0.1:%d', bucket: runs, prefix: team/run1}""".formatted(port));
            Map<String, String> env = Map.of("AWS_ACCESS_KEY_ID", "trainguard-test", "AWS_SECRET_ACCESS_KEY", secret);
            long resumedAt = loseTheOutputFolderMidRun(f, env);
            // S3Proxy's filesystem store keeps each object as a file under bucket/key
            assertMirrorHolds(f, data.resolve("runs/team/run1"), resumedAt);
            assertSecretNowhere(f, secret);
        } finally {
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aMirrorThatCannotBeWrittenIsLoggedAndRecordedButNeverStopsTraining(@TempDir Path tmp) throws Exception {
        Path notAFolder = tmp.resolve("nas");
        Files.writeString(notAFolder, "a file where the mirror folder should be");
        TrainerFixture f = TrainerFixture.create(tmp, 1, "", "mirror: {path: " + notAFolder + "}");
        Process p = start(f, "failing", Map.of());
        assertEquals(0, p.waitFor(), () -> log(f, "failing"));
        assertTrue(
                log(f, "failing").contains("mirroring checkpoint-75 to " + notAFolder + " failed (try 1 of 4)"),
                () -> log(f, "failing"));
        SessionState s = new SessionStore(f.output).read().state().orElseThrow();
        assertEquals(SessionStatus.COMPLETED, s.status());
        SessionState.Mirror m = s.mirrorState().orElseThrow();
        assertEquals(-1, m.lastStep());
        assertTrue(m.lastError() != null && !m.lastError().isBlank(), m.toString());
        TrainerFixture.CliRun status = TrainerFixture.cli("status", "--config", f.config.toString());
        assertTrue(status.out().contains("LAST COPY FAILED"), status.out());
    }

    /** Trains with the mirror, kills the trainer mid-run, deletes the output folder and runs the same command again. */
    private static long loseTheOutputFolderMidRun(TrainerFixture f, Map<String, String> env) throws Exception {
        Process p = start(f, "first", env);
        waitFor(() -> mirroredStep(f) >= 50 || !p.isAlive(), 300, "a checkpoint of step 50 or later in the mirror");
        assertTrue(p.isAlive(), () -> "trainer ended before its checkpoints reached the mirror: " + log(f, "first"));
        p.destroyForcibly();
        p.waitFor();
        long mirrored = mirroredStep(f);
        CheckpointStore.deleteRecursively(f.output);

        Process again = start(f, "again", env);
        assertEquals(0, again.waitFor(), () -> log(f, "again"));
        String log = log(f, "again");
        assertTrue(log.contains("downloaded from the mirror"), log);
        int at = log.indexOf("resuming from checkpoint-");
        assertTrue(at >= 0, log);
        long resumedAt = Long.parseLong(
                log.substring(at + "resuming from checkpoint-".length()).split("\\D", 2)[0]);
        assertTrue(
                resumedAt >= mirrored && resumedAt < EPOCHS * 75L,
                "resumed at " + resumedAt + ", mirrored " + mirrored);
        assertArrayEquals(
                uninterrupted,
                TrainerFixture.finalParams(f.output),
                "the run continued from the mirror on an empty folder is bit for bit the uninterrupted run");
        return resumedAt;
    }

    private static void assertMirrorHolds(TrainerFixture f, Path mirror, long resumedAt) throws IOException {
        Path mirrorCheckpoints = mirror.resolve("checkpoints");
        assertArrayEquals(
                Files.readAllBytes(f.output.resolve("final/MANIFEST.json")),
                Files.readAllBytes(mirror.resolve("final/MANIFEST.json")),
                "final/ is mirrored when it is written");
        SessionState s = new SessionStore(f.output).read().state().orElseThrow();
        assertEquals(SessionStatus.COMPLETED, s.status());
        SessionState.Mirror m = s.mirrorState().orElseThrow();
        assertEquals(EPOCHS * 75L, m.lastStep(), m.toString());
        assertNull(m.lastError(), m.toString());
        List<String> names;
        try (Stream<Path> l = Files.list(mirrorCheckpoints)) {
            names = l.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("checkpoint-"))
                    .sorted()
                    .toList();
        }
        assertTrue(names.contains("checkpoint-" + EPOCHS * 75), names.toString());
        assertTrue(names.size() <= 4, "the mirror keeps the newest 3 and the best: " + names);
        TrainerFixture.CliRun status = TrainerFixture.cli("status", "--config", f.config.toString());
        assertEquals(0, status.code(), status.err());
        assertTrue(status.out().contains("checkpoint-" + EPOCHS * 75 + " copied and verified"), status.out());
        assertFalse(resumedAt <= 0);
    }

    private static void assertSecretNowhere(TrainerFixture f, String secret) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> all = Files.walk(f.dir)) {
            all.filter(Files::isRegularFile)
                    .filter(p -> !p.startsWith(f.dir.resolve("s3data")))
                    .filter(p -> !p.getFileName().toString().equals("s3proxy.properties"))
                    .forEach(files::add);
        }
        assertTrue(files.stream().anyMatch(p -> p.endsWith("final/config.yaml")), files.toString());
        for (Path p : files) {
            String text = new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
            assertFalse(text.contains(secret), "the secret key appears in " + p);
        }
    }

    private static long mirroredStep(TrainerFixture f) {
        return new SessionStore(f.output)
                .read()
                .state()
                .flatMap(SessionState::mirrorState)
                .map(SessionState.Mirror::lastStep)
                .orElse(-1L);
    }

    private static Process startS3Proxy(Path dir, Path conf, int port) throws Exception {
        String jar = System.getProperty("s3proxy.jar", "");
        assertTrue(
                new File(jar).isFile(),
                "the build copies S3Proxy to target/s3proxy/s3proxy.jar before the ITs; found '" + jar + "'");
        ProcessBuilder pb =
                new ProcessBuilder(Processes.java(), "-Xmx256m", "-jar", jar, "--properties", conf.toString());
        pb.redirectErrorStream(true);
        pb.redirectOutput(dir.resolve("s3proxy.log").toFile());
        Process server = pb.start();
        waitFor(() -> listening(port) || !server.isAlive(), 180, "S3Proxy on port " + port);
        assertTrue(server.isAlive(), () -> "S3Proxy ended: " + read(dir.resolve("s3proxy.log")));
        return server;
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Process start(TrainerFixture f, String name, Map<String, String> env) throws IOException {
        ProcessBuilder pb = TrainerFixture.process(f.dir, "--config", f.config.toString());
        // only the credentials this test gives: no profile, no instance metadata lookups
        pb.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
        pb.environment()
                .put(
                        "AWS_SHARED_CREDENTIALS_FILE",
                        f.dir.resolve("no-aws-credentials").toString());
        pb.environment().put("AWS_CONFIG_FILE", f.dir.resolve("no-aws-config").toString());
        pb.environment().put("AWS_EC2_METADATA_DISABLED", "true");
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        pb.redirectOutput(f.dir.resolve(name + ".log").toFile());
        return pb.start();
    }

    private static String log(TrainerFixture f, String name) {
        return read(f.dir.resolve(name + ".log"));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
