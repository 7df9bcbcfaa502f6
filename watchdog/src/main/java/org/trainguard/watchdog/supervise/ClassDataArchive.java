package org.trainguard.watchdog.supervise;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainguard.core.io.Hashing;
import org.trainguard.core.run.RunLayout;

/**
 * A class-data sharing archive of the trainer's classes (HotSpot's AppCDS), so that a restarted trainer maps
 * its classes, already parsed and verified, instead of loading them one by one from the 160 MB jar. On a
 * 2-core machine that takes about 0.8 s off every start after a crash.
 *
 * <p>The first trainer the watchdog starts records the classes it loads ({@code -XX:DumpLoadedClassList}).
 * Once that trainer has made progress (or has ended), the watchdog builds the archive in the background with
 * {@code java -Xshare:dump} into a temporary file and renames it into place; every later start gets
 * {@code -XX:SharedArchiveFile}. The files live in {@code <output_dir>/cache/}, named by a key over the trainer
 * jar (path, size, modification time) and the JVM, so an upgrade of either builds a new archive and the old
 * ones are removed. A JVM that cannot use an archive ignores it and starts as usual; a failed build costs a
 * log line and is not retried until the watchdog starts again.
 *
 * <p>Used only when the trainer runs on the watchdog's own JVM (a HotSpot one) and {@code java_opts} say
 * nothing about class sharing: {@code --java-opt=-Xshare:off} turns it off.
 */
final class ClassDataArchive {

    private static final Logger LOG = LoggerFactory.getLogger("watchdog");
    static final String PREFIX = "trainer-classes-";

    private final boolean enabled;
    private final String whyNot;
    private final Path archive;
    private final Path classList;
    private final Path buildLog;
    private final Path trainerJar;
    private final Path javaBinary;
    private Process build;
    private boolean buildFailed;

    private ClassDataArchive(
            boolean enabled, String whyNot, Path cacheDir, String key, Path logDir, Path trainerJar, Path javaBinary) {
        this.enabled = enabled;
        this.whyNot = whyNot;
        this.archive = cacheDir.resolve(PREFIX + key + ".jsa");
        this.classList = cacheDir.resolve(PREFIX + key + ".classlist");
        this.buildLog = logDir.resolve("class-archive.log");
        this.trainerJar = trainerJar;
        this.javaBinary = javaBinary;
    }

    /**
     * @param settings what the watchdog runs
     * @return the archive of this trainer jar and JVM, or a disabled one with the reason
     */
    static ClassDataArchive of(SupervisorSettings settings) {
        Path cacheDir = settings.outputDir().resolve("cache");
        Path logDir = settings.outputDir().resolve(RunLayout.LOGS);
        String key;
        try {
            Path jar = settings.trainerJar();
            key = Hashing.sha256(jar + "|" + Files.size(jar) + "|"
                            + Files.getLastModifiedTime(jar).toMillis() + "|" + System.getProperty("java.home") + "|"
                            + System.getProperty("java.vm.version"))
                    .substring(0, 16);
        } catch (IOException e) {
            return new ClassDataArchive(
                    false,
                    "cannot read the trainer jar: " + e.getMessage(),
                    cacheDir,
                    "none",
                    logDir,
                    settings.trainerJar(),
                    settings.javaBinary());
        }
        Optional<String> whyNot = reasonNotToUse(settings);
        return new ClassDataArchive(
                whyNot.isEmpty(),
                whyNot.orElse(""),
                cacheDir,
                key,
                logDir,
                settings.trainerJar(),
                settings.javaBinary());
    }

    private static Optional<String> reasonNotToUse(SupervisorSettings settings) {
        String vm = System.getProperty("java.vm.name", "");
        if (!vm.contains("HotSpot") && !vm.contains("OpenJDK")) {
            return Optional.of("the JVM is " + vm + ", not HotSpot");
        }
        Path own = Path.of(System.getProperty("java.home"), "bin", isWindows() ? "java.exe" : "java");
        if (!sameFile(settings.javaBinary(), own)
                && !ProcessHandle.current()
                        .info()
                        .command()
                        .map(Path::of)
                        .filter(c -> sameFile(c, settings.javaBinary()))
                        .isPresent()) {
            return Optional.of("the trainer runs on another JVM (" + settings.javaBinary() + ")");
        }
        for (String opt : settings.watchdog().javaOpts()) {
            String o = opt.toLowerCase(Locale.ROOT);
            if (o.startsWith("-xshare")
                    || o.contains("sharedarchivefile")
                    || o.contains("loadedclasslist")
                    || o.contains("archiveclasses")) {
                return Optional.of("java_opts set class sharing themselves (" + opt + ")");
            }
        }
        return Optional.empty();
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return a.toRealPath().equals(b.toRealPath());
        } catch (IOException e) {
            return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        }
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
    }

    /** @return whether the archive is used at all, and if not why */
    String describe() {
        if (!enabled) {
            return "class-data sharing off: " + whyNot;
        }
        return Files.isRegularFile(archive)
                ? "class-data sharing: trainers start with " + archive
                : "class-data sharing: the first trainer records its classes for " + archive;
    }

    /** @return the JVM options for the next trainer start */
    synchronized List<String> jvmOptions() {
        if (!enabled) {
            return List.of();
        }
        poll();
        if (Files.isRegularFile(archive)) {
            return List.of("-XX:SharedArchiveFile=" + archive);
        }
        if (build != null || buildFailed) {
            return List.of();
        }
        try {
            Files.createDirectories(classList.getParent());
        } catch (IOException e) {
            return List.of();
        }
        return List.of("-XX:DumpLoadedClassList=" + classList);
    }

    /**
     * Builds the archive in the background from the recorded class list, unless it exists, is being built, has
     * failed, or there is no class list yet. Called when a trainer has made progress and when one ends; cheap
     * otherwise.
     */
    synchronized void buildIfReady() {
        if (!enabled || buildFailed || Files.isRegularFile(archive) || !Files.isRegularFile(classList)) {
            return;
        }
        if (build != null) {
            if (build.isAlive()) {
                return;
            }
            finishBuild();
            return;
        }
        Path tmp = archive.resolveSibling(archive.getFileName() + ".tmp");
        List<String> cmd = new ArrayList<>(List.of(
                javaBinary.toString(),
                "-Xshare:dump",
                "-XX:SharedClassListFile=" + classList,
                "-XX:SharedArchiveFile=" + tmp,
                "-cp",
                trainerJar.toString()));
        try {
            Files.createDirectories(buildLog.getParent());
            Files.deleteIfExists(tmp);
            build = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(buildLog.toFile())
                    .start();
            build.getOutputStream().close();
            build.onExit().thenRun(() -> LOG.debug("class-data archive build ended"));
            LOG.info(
                    "building the class-data archive for faster trainer starts in the background (output in {})",
                    buildLog);
        } catch (IOException e) {
            buildFailed = true;
            LOG.warn("cannot build the class-data archive ({}); trainers start without it", e.getMessage());
        }
    }

    private synchronized void finishBuild() {
        Path tmp = archive.resolveSibling(archive.getFileName() + ".tmp");
        int code = build.exitValue();
        build = null;
        try {
            if (code == 0 && Files.isRegularFile(tmp) && Files.size(tmp) > 0) {
                Files.move(tmp, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                LOG.info("class-data archive ready ({} MB): the next trainer starts faster", Files.size(archive) >> 20);
                removeOthers();
            } else {
                buildFailed = true;
                Files.deleteIfExists(tmp);
                LOG.warn(
                        "building the class-data archive failed (exit {}, see {}); trainers start without it",
                        code,
                        buildLog);
            }
        } catch (IOException e) {
            buildFailed = true;
            LOG.warn("cannot put the class-data archive in place ({}); trainers start without it", e.toString());
        }
    }

    /** Checks on a build in flight; call now and then (it renames the finished archive into place). */
    synchronized void poll() {
        if (build != null && !build.isAlive()) {
            finishBuild();
        }
    }

    /** Stops a build in flight (the watchdog is exiting); the temporary file is removed. */
    synchronized void close() {
        Process p = build;
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
            try {
                p.waitFor();
                Files.deleteIfExists(archive.resolveSibling(archive.getFileName() + ".tmp"));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                // a stale .tmp is replaced by the next build
            }
        } else if (p != null) {
            finishBuild();
        }
    }

    private void removeOthers() {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(archive.getParent(), PREFIX + "*")) {
            for (Path f : files) {
                if (!f.equals(archive) && !f.equals(classList)) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(classList);
        } catch (IOException e) {
            LOG.debug("cannot remove old class-data files: {}", e.toString());
        }
    }

    /** @return the archive file (present once built) */
    Path archive() {
        return archive;
    }
}
