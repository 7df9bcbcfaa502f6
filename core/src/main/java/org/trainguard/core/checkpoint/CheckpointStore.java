package org.trainguard.core.checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainguard.core.io.AtomicFiles;
import org.trainguard.core.io.FileTrees;
import org.trainguard.core.io.Hashing;
import org.trainguard.core.io.Json;
import org.trainguard.core.run.RunLayout;

/**
 * The {@code checkpoints/} folder of a run: writing a checkpoint under a temporary name and
 * committing it by an atomic rename with its manifest written last, verifying, moving broken ones
 * aside into {@code checkpoints/broken/}, and rotation that keeps the newest few plus the best.
 *
 * <p>No method deletes a checkpoint that verifies unless a newer one is already committed.
 */
public final class CheckpointStore {

    /** The folder inside the output folder. */
    public static final String DIR_NAME = RunLayout.CHECKPOINTS;
    /** The folder inside {@code checkpoints/} that holds checkpoints that failed verification. */
    public static final String BROKEN_DIR_NAME = RunLayout.BROKEN;
    /** The prefix of a committed checkpoint's folder name; the step follows. */
    public static final String PREFIX = RunLayout.CHECKPOINT_PREFIX;

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
    private static final Pattern COMMITTED = Pattern.compile("checkpoint-(\\d+)");
    private static final String TEMP_PREFIX = ".tmp-";
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final Path dir;

    /**
     * @param outputDir the run's output folder; nothing is created until a checkpoint is written
     */
    public CheckpointStore(Path outputDir) {
        this.dir = outputDir.resolve(DIR_NAME);
    }

    /** @return the {@code checkpoints/} folder */
    public Path dir() {
        return dir;
    }

    /**
     * A committed checkpoint on disk.
     *
     * @param step the step it holds
     * @param dir its folder
     */
    public record Checkpoint(long step, Path dir) {
        /** @return the folder's name, e.g. {@code checkpoint-1458} */
        public String name() {
            return dir.getFileName().toString();
        }
    }

    /**
     * The result of verifying a checkpoint.
     *
     * @param ok whether every file matches the manifest
     * @param problem why not, empty when ok
     * @param manifest the manifest when it could be read
     */
    public record Verification(boolean ok, String problem, Optional<CheckpointManifest> manifest) {}

    /** Thrown when a checkpoint was written by a newer trainguard than this one. */
    public static final class UnsupportedFormatException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnsupportedFormatException(String message) {
            super(message);
        }
    }

    // ---------------------------------------------------------------- writing

    /**
     * Creates the temporary folder a checkpoint is written into.
     *
     * @param step the step the checkpoint will hold
     * @return the temporary folder; pass it to {@link #commit} or {@link #abort}
     * @throws IOException when the folder cannot be created
     */
    public Path begin(long step) throws IOException {
        Files.createDirectories(dir);
        Path tmp = dir.resolve(TEMP_PREFIX + PREFIX + step + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1));
        Files.createDirectory(tmp);
        return tmp;
    }

    /**
     * Commits a checkpoint written into a folder from {@link #begin}: fsyncs every file, writes
     * the manifest last, renames the folder to {@code checkpoint-<step>} and fsyncs the parent.
     * If a checkpoint of that step already exists and verifies, the new one is discarded.
     *
     * @param tmp the temporary folder
     * @param step the step it holds
     * @param provenance what to record about its origin
     * @return the committed checkpoint
     * @throws IOException when writing fails; the temporary folder is then removed
     */
    public Checkpoint commit(Path tmp, long step, Map<String, Object> provenance) throws IOException {
        try {
            List<CheckpointManifest.FileEntry> entries = new ArrayList<>();
            try (Stream<Path> files = Files.list(tmp)) {
                for (Path f : files.sorted().toList()) {
                    if (!Files.isRegularFile(f) || f.getFileName().toString().equals(CheckpointManifest.FILE_NAME)) {
                        continue;
                    }
                    entries.add(new CheckpointManifest.FileEntry(
                            f.getFileName().toString(), Files.size(f), Hashing.sha256(f)));
                }
            }
            CheckpointManifest manifest =
                    new CheckpointManifest(CheckpointManifest.FORMAT_VERSION, step, Instant.now(), entries, provenance);
            byte[] json = Json.mapper().writeValueAsBytes(manifest);
            AtomicFiles.writeDurably(tmp.resolve(CheckpointManifest.FILE_NAME), out -> out.write(json));
            AtomicFiles.fsyncDirectory(tmp);
            Path target = dir.resolve(PREFIX + step);
            if (Files.exists(target)) {
                if (verify(target).ok()) {
                    LOG.info("checkpoint {} already exists and verifies; keeping it", target.getFileName());
                    deleteRecursively(tmp);
                    return new Checkpoint(step, target);
                }
                moveAside(
                        target,
                        "replaced by a new checkpoint of the same step: "
                                + verify(target).problem());
            }
            AtomicFiles.moveAtomically(tmp, target);
            AtomicFiles.fsyncDirectory(dir);
            return new Checkpoint(step, target);
        } catch (IOException | RuntimeException e) {
            abort(tmp);
            throw e;
        }
    }

    /**
     * Removes a temporary folder after a failed write.
     *
     * @param tmp the temporary folder
     */
    public void abort(Path tmp) {
        try {
            deleteRecursively(tmp);
        } catch (IOException e) {
            LOG.warn("could not remove the unfinished checkpoint {}: {}", tmp, e.getMessage());
        }
    }

    /**
     * Removes temporary folders left by a process that died while writing a checkpoint.
     *
     * @return how many were removed
     */
    public int removeUnfinished() {
        int removed = 0;
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, TEMP_PREFIX + "*")) {
            for (Path p : ds) {
                deleteRecursively(p);
                removed++;
                LOG.info("removed unfinished checkpoint write {}", p.getFileName());
            }
        } catch (IOException e) {
            LOG.warn("could not clean unfinished checkpoint writes in {}: {}", dir, e.getMessage());
        }
        return removed;
    }

    // ---------------------------------------------------------------- reading

    /**
     * @return the committed checkpoints, oldest first (verified or not)
     */
    public List<Checkpoint> list() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Checkpoint> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                Matcher m = COMMITTED.matcher(p.getFileName().toString());
                if (m.matches() && Files.isDirectory(p)) {
                    out.add(new Checkpoint(Long.parseLong(m.group(1)), p));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        out.sort(Comparator.comparingLong(Checkpoint::step));
        return out;
    }

    /**
     * Checks a checkpoint against its manifest: every file present with the listed size and SHA-256.
     *
     * @param checkpointDir the checkpoint folder
     * @return the verification result
     * @throws UnsupportedFormatException when the checkpoint was written by a newer build
     */
    public Verification verify(Path checkpointDir) {
        return CheckpointVerifier.verify(checkpointDir);
    }

    /**
     * Finds the newest checkpoint that verifies. Each newer one that fails is moved aside into
     * {@code checkpoints/broken/} and reported to {@code onBroken} with the reason.
     *
     * @param onBroken told of each broken checkpoint and why
     * @return the newest good checkpoint, empty when there is none
     */
    public Optional<Checkpoint> newestVerified(BiConsumer<Checkpoint, String> onBroken) {
        List<Checkpoint> all = new ArrayList<>(list());
        for (int i = all.size() - 1; i >= 0; i--) {
            Checkpoint c = all.get(i);
            Verification v = verify(c.dir());
            if (v.ok()) {
                return Optional.of(c);
            }
            onBroken.accept(c, v.problem());
            moveAside(c.dir(), v.problem());
        }
        return Optional.empty();
    }

    /**
     * Moves a checkpoint into {@code checkpoints/broken/} with a {@code REASON.txt}; never deletes it.
     *
     * @param checkpointDir the checkpoint folder
     * @param reason why it was moved
     * @return its new folder
     */
    public Path moveAside(Path checkpointDir, String reason) {
        try {
            Path broken = dir.resolve(BROKEN_DIR_NAME);
            Files.createDirectories(broken);
            Path target = broken.resolve(checkpointDir.getFileName() + "-" + STAMP.format(Instant.now()));
            int n = 1;
            while (Files.exists(target)) {
                target = broken.resolve(checkpointDir.getFileName() + "-" + STAMP.format(Instant.now()) + "-" + n++);
            }
            AtomicFiles.moveAtomically(checkpointDir, target);
            Files.writeString(target.resolve("REASON.txt"), reason + System.lineSeparator(), StandardCharsets.UTF_8);
            AtomicFiles.fsyncDirectory(dir);
            LOG.warn(
                    "moved checkpoint {} aside to {}: {}", checkpointDir.getFileName(), dir.relativize(target), reason);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move broken checkpoint " + checkpointDir + " aside", e);
        }
    }

    /**
     * Reads a checkpoint's training state.
     *
     * @param checkpoint the checkpoint
     * @return its training state
     * @throws IOException when the file cannot be read
     */
    public TrainingState readTrainingState(Checkpoint checkpoint) throws IOException {
        return Json.mapper()
                .readValue(checkpoint.dir().resolve(TrainingState.FILE_NAME).toFile(), TrainingState.class);
    }

    // ---------------------------------------------------------------- rotation and best

    /**
     * Deletes committed checkpoints older than the newest {@code keepLast}, except the best one.
     * Only ever called after a newer checkpoint is committed, so a good one is never lost.
     *
     * @param keepLast how many of the newest to keep, at least 1
     * @param bestStep the best checkpoint's step, which is always kept
     * @return the deleted folders
     */
    public List<Path> prune(int keepLast, OptionalLong bestStep) {
        return prune(keepLast, bestStep.isPresent() ? Set.of(bestStep.getAsLong()) : Set.of());
    }

    /**
     * Deletes committed checkpoints older than the newest {@code keepLast}, except those of the given steps.
     *
     * @param keepLast how many of the newest to keep, at least 1
     * @param alsoKeep steps of checkpoints that are kept however old (the best)
     * @return the deleted folders
     */
    public List<Path> prune(int keepLast, Set<Long> alsoKeep) {
        return new CheckpointRotation(this).prune(keepLast, alsoKeep);
    }

    /**
     * Deletes one committed checkpoint; the caller decides that it may go (rotation, or the disk-space guard
     * deleting early what rotation would delete after the next save).
     *
     * @param c the checkpoint
     * @throws IOException when it cannot be deleted
     */
    public void delete(Checkpoint c) throws IOException {
        // Rename first so that a crash halfway through a delete never leaves a folder that
        // still looks like a committed checkpoint.
        Path doomed = dir.resolve(TEMP_PREFIX + "deleting-" + c.name());
        AtomicFiles.moveAtomically(c.dir(), doomed);
        deleteRecursively(doomed);
    }

    /**
     * @return the best checkpoint record, when one was written and its checkpoint still exists
     */
    public Optional<BestCheckpoint> readBest() {
        Path f = dir.resolve(BestCheckpoint.FILE_NAME);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.mapper().readValue(f.toFile(), BestCheckpoint.class));
        } catch (IOException e) {
            LOG.warn("ignoring unreadable {}: {}", f, firstLine(e.getMessage()));
            return Optional.empty();
        }
    }

    /**
     * Records which checkpoint is best, atomically.
     *
     * @param best the record
     * @throws IOException when it cannot be written
     */
    public void writeBest(BestCheckpoint best) throws IOException {
        Files.createDirectories(dir);
        AtomicFiles.write(dir.resolve(BestCheckpoint.FILE_NAME), Json.mapper().writeValueAsBytes(best));
    }

    // ---------------------------------------------------------------- helpers

    /**
     * Deletes a folder tree; a missing folder is fine (see {@link FileTrees#deleteRecursively}).
     *
     * @param root the folder
     * @throws IOException when something cannot be deleted
     */
    public static void deleteRecursively(Path root) throws IOException {
        FileTrees.deleteRecursively(root);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
