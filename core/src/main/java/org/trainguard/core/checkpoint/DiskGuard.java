package org.trainguard.core.checkpoint;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The disk-space guard ({@code checkpoint.disk_guard}): estimates what the next checkpoint needs and compares it
 * with the free space of the output folder's file system, so that a run stops before a save could fail half-way.
 *
 * <p>The estimate is the newest committed checkpoint's size on disk (every file rounded up to whole blocks), or
 * before the first one the caller's estimate from the parameters and optimizer state; a margin is added to both.
 * When the next save does not fit, {@link #freeEarly} deletes the checkpoints that rotation would delete right
 * after that save anyway, and nothing else: never the best one, never the newest that verifies. It only ever
 * deletes in the local {@code checkpoints/} folder.
 */
public final class DiskGuard {

    private static final Logger LOG = LoggerFactory.getLogger(DiskGuard.class);
    /** Files take whole blocks; 4 KiB is the block of ext4, xfs, tmpfs and most others. */
    static final long BLOCK = 4096;

    private final CheckpointStore store;
    private final Path outputDir;
    private final long marginBytes;

    /**
     * The figures of one check.
     *
     * @param folder the folder whose file system was measured
     * @param neededBytes the next checkpoint's estimated size plus the margin
     * @param freeBytes the usable space of that file system
     */
    public record Check(Path folder, long neededBytes, long freeBytes) {
        /** @return whether the next checkpoint fits */
        public boolean fits() {
            return freeBytes >= neededBytes;
        }

        /** @return the bytes that are missing, 0 when it fits */
        public long missingBytes() {
            return Math.max(0, neededBytes - freeBytes);
        }

        /** @return the figures in a sentence */
        public String describe() {
            return "the next checkpoint needs " + mib(neededBytes) + " (" + neededBytes + " bytes, margin included), "
                    + folder
                    + " has " + mib(freeBytes) + " (" + freeBytes + " bytes) free: " + mib(missingBytes()) + " ("
                    + missingBytes()
                    + " bytes) missing";
        }
    }

    /**
     * @param store the run's checkpoints
     * @param outputDir the run's output folder, whose file system the checkpoints are written to
     * @param marginBytes what is wanted free beyond the estimate
     */
    public DiskGuard(CheckpointStore store, Path outputDir, long marginBytes) {
        if (marginBytes < 0) {
            throw new IllegalArgumentException("marginBytes must be >= 0, found " + marginBytes);
        }
        this.store = store;
        this.outputDir = outputDir;
        this.marginBytes = marginBytes;
    }

    /**
     * Estimates the next checkpoint and measures the free space.
     *
     * @param firstEstimateBytes the size of a checkpoint when none is on disk yet (parameters + optimizer state + the rest)
     * @return the figures
     * @throws IOException when the file system cannot be measured
     */
    public Check check(long firstEstimateBytes) throws IOException {
        long estimate = newestSize().orElse(roundUp(firstEstimateBytes));
        Path folder = Files.isDirectory(store.dir()) ? store.dir() : outputDir;
        FileStore fs = Files.getFileStore(folder);
        return new Check(folder, estimate + marginBytes, fs.getUsableSpace());
    }

    /** @return the size on disk of the newest committed checkpoint, when there is one */
    Optional<Long> newestSize() throws IOException {
        List<CheckpointStore.Checkpoint> all = store.list();
        for (int i = all.size() - 1; i >= 0; i--) {
            if (Files.isDirectory(all.get(i).dir())) {
                return Optional.of(sizeOnDisk(all.get(i).dir()));
            }
        }
        return Optional.empty();
    }

    /**
     * The checkpoints that rotation ({@code keepLast}) would delete right after the next checkpoint is committed,
     * less those that must stay however short the disk: the best, and the newest that verifies.
     *
     * @param keepLast how many of the newest checkpoints rotation keeps
     * @param alsoKeep steps rotation keeps however old (the best)
     * @return the checkpoints that may go now, oldest first
     */
    public List<CheckpointStore.Checkpoint> deletableEarly(int keepLast, Set<Long> alsoKeep) {
        List<CheckpointStore.Checkpoint> all = store.list();
        // after the next commit rotation keeps that one and the newest keepLast - 1 of these
        int rotatedOut = all.size() - (keepLast - 1);
        List<CheckpointStore.Checkpoint> out = new ArrayList<>();
        for (int i = 0; i < rotatedOut; i++) {
            if (!alsoKeep.contains(all.get(i).step())) {
                out.add(all.get(i));
            }
        }
        if (out.isEmpty()) {
            return out;
        }
        // the newest checkpoint that verifies is what a resume needs until the next one is committed
        for (int i = all.size() - 1; i >= 0; i--) {
            if (store.verify(all.get(i).dir()).ok()) {
                long newestGood = all.get(i).step();
                out.removeIf(c -> c.step() == newestGood);
                break;
            }
        }
        return out;
    }

    /**
     * Deletes {@link #deletableEarly} checkpoints, oldest first, until the next checkpoint fits.
     *
     * @param keepLast how many of the newest checkpoints rotation keeps
     * @param alsoKeep steps rotation keeps however old (the best)
     * @param firstEstimateBytes as for {@link #check}
     * @return the check after deleting
     * @throws IOException when the file system cannot be measured
     */
    public Check freeEarly(int keepLast, Set<Long> alsoKeep, long firstEstimateBytes) throws IOException {
        Check c = check(firstEstimateBytes);
        for (CheckpointStore.Checkpoint doomed : deletableEarly(keepLast, alsoKeep)) {
            if (c.fits()) {
                break;
            }
            try {
                store.delete(doomed);
                LOG.warn(
                        "not enough disk space for the next checkpoint: deleted {} now, which rotation would delete after the next save",
                        doomed.name());
            } catch (IOException e) {
                LOG.warn("could not delete {} early: {}", doomed.name(), e.toString());
            }
            c = check(firstEstimateBytes);
        }
        return c;
    }

    /**
     * @param dir a folder
     * @return the size of its files, each rounded up to whole 4 KiB blocks
     * @throws IOException when it cannot be read
     */
    public static long sizeOnDisk(Path dir) throws IOException {
        long[] total = {0};
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                total[0] += roundUp(attrs.size());
                return FileVisitResult.CONTINUE;
            }
        });
        return total[0];
    }

    private static long roundUp(long bytes) {
        return (Math.max(0, bytes) + BLOCK - 1) / BLOCK * BLOCK;
    }

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
