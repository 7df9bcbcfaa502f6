package org.trainguard.watchdog.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.config.WatchdogConfig;
import org.trainguard.testing.Processes;

/** The class-data archive with real JVMs: recorded, built by {@code java -Xshare:dump}, and used. */
class ClassDataArchiveTest {

    @TempDir
    Path dir;

    /** The program in the test jar. */
    public static final class Hello {
        public static void main(String[] args) {
            System.out.println("hello " + String.join(",", new java.util.TreeSet<>(List.of("b", "a"))));
        }
    }

    private Path helloJar() throws IOException {
        Path jar = dir.resolve("hello.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Hello.class.getName());
        String entry = Hello.class.getName().replace('.', '/') + ".class";
        try (OutputStream file = Files.newOutputStream(jar);
                JarOutputStream out = new JarOutputStream(file, manifest);
                InputStream in = Hello.class.getClassLoader().getResourceAsStream(entry)) {
            out.putNextEntry(new JarEntry(entry));
            in.transferTo(out);
            out.closeEntry();
        }
        return jar;
    }

    private static Path java() {
        return Path.of(Processes.java());
    }

    private SupervisorSettings settings(Path jar, List<String> javaOpts) {
        WatchdogConfig d = WatchdogConfig.defaults(dir.resolve("run"));
        WatchdogConfig w = new WatchdogConfig(
                d.checkInterval(),
                d.hangTimeout(),
                d.stopTimeout(),
                d.backoffInitial(),
                d.backoffMax(),
                d.crashLoopFailures(),
                d.crashLoopWindow(),
                d.webhook(),
                false,
                d.sound(),
                d.logFile(),
                javaOpts);
        return new SupervisorSettings(dir.resolve("train.yaml"), "0", dir.resolve("run"), "test", w, jar, java());
    }

    private String run(List<String> jvmOptions, Path jar) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(java().toString()));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-jar", jar.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void firstStartRecordsThenTheArchiveIsBuiltAndLaterStartsMapTheTrainersClasses() throws Exception {
        Path jar = helloJar();
        ClassDataArchive archive = ClassDataArchive.of(settings(jar, List.of()));
        assertTrue(archive.describe().contains("records its classes"), archive.describe());

        List<String> first = archive.jvmOptions();
        assertEquals(1, first.size(), first.toString());
        assertTrue(first.get(0).startsWith("-XX:DumpLoadedClassList="), first.toString());
        assertTrue(run(first, jar).contains("hello a,b"));

        archive.buildIfReady();
        assertEquals(List.of(), archive.jvmOptions(), "no second recording while the archive is being built");
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!Files.isRegularFile(archive.archive()) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            archive.poll();
        }
        assertTrue(
                Files.isRegularFile(archive.archive()),
                "built: " + Files.readString(dir.resolve("run/logs/class-archive.log")));

        List<String> later = archive.jvmOptions();
        assertEquals(List.of("-XX:SharedArchiveFile=" + archive.archive()), later);
        // -Xshare:on fails the start if the archive cannot be used; the class-load log shows where Hello came from
        List<String> strict = new ArrayList<>(later);
        strict.addAll(List.of("-Xshare:on", "-Xlog:class+load=info"));
        String out = run(strict, jar);
        assertTrue(
                out.lines().anyMatch(l -> l.contains(Hello.class.getName()) && l.contains("shared objects file")), out);
        try (var files = Files.list(dir.resolve("run/cache"))) {
            assertEquals(List.of(archive.archive()), files.toList(), "the class list and temporary file are gone");
        }
    }

    @Test
    void javaOptsThatSetClassSharingTurnItOff() throws Exception {
        ClassDataArchive archive = ClassDataArchive.of(settings(helloJar(), List.of("-Xshare:off")));
        assertEquals(List.of(), archive.jvmOptions());
        assertTrue(
                archive.describe()
                        .startsWith("class-data sharing off: java_opts set class sharing themselves (-Xshare:off)"),
                archive.describe());
        archive.buildIfReady();
        assertFalse(Files.exists(dir.resolve("run/cache")));
    }
}
