package org.trainguard.core.mirror;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainguard.core.checkpoint.BestCheckpoint;
import org.trainguard.core.checkpoint.CheckpointManifest;
import org.trainguard.core.checkpoint.CheckpointStore;
import org.trainguard.core.io.AtomicFiles;
import org.trainguard.core.io.Hashing;
import org.trainguard.core.io.Json;

/**
 * The second copy of a run's checkpoints in a {@link MirrorTarget}, laid out like the output folder
 * ({@code checkpoints/checkpoint-<step>/...}). A mirrored checkpoint, like a local one, exists only when its
 * {@code MANIFEST.json} is there and every file it lists reads back from the target with the listed size and
 * SHA-256; the manifest is copied last and removed first.
 */
public final class CheckpointMirror {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointMirror.class);
    private static final String DIR = CheckpointStore.DIR_NAME + "/";
    private static final String FINAL = "final/";
    private static final Pattern CHECKPOINT_KEY =
            Pattern.compile(Pattern.quote(DIR + CheckpointStore.PREFIX) + "(\\d+)/.+");
    private static final Pattern MANIFEST_KEY = Pattern.compile(
            Pattern.quote(DIR + CheckpointStore.PREFIX) + "(\\d+)/" + Pattern.quote(CheckpointManifest.FILE_NAME));

    private final MirrorTarget target;

    /**
     * @param target where the copies live
     */
    public CheckpointMirror(MirrorTarget target) {
        this.target = target;
    }

    /** @return the target, for its description */
    public MirrorTarget target() {
        return target;
    }

    /**
     * Copies a committed local checkpoint (its files, then its manifest) and verifies the copy by reading it back.
     * A copy that does not verify has its manifest removed again, so it never counts as a checkpoint. A checkpoint
     * of the same step that is already there and verifies is left as it is.
     *
     * @param checkpoint the local checkpoint
     * @throws IOException when copying fails or the copy does not verify
     */
    public void copy(CheckpointStore.Checkpoint checkpoint) throws IOException {
        if (verify(checkpoint.step()).isEmpty()) {
            // already there and verified (a resume hands over the checkpoint it started from): never take a good copy
            // down
            return;
        }
        copyFolder(checkpoint.dir(), DIR + CheckpointStore.PREFIX + checkpoint.step() + "/", checkpoint.name());
    }

    /**
     * Copies the committed inference bundle {@code final/} (same manifest format as a checkpoint) and verifies the copy.
     *
     * @param finalDir the local {@code final/}
     * @throws IOException when copying fails or the copy does not verify
     */
    public void copyFinal(Path finalDir) throws IOException {
        copyFolder(finalDir, FINAL, "final/");
    }

    private void copyFolder(Path dir, String prefix, String what) throws IOException {
        CheckpointManifest manifest = Json.mapper()
                .readValue(dir.resolve(CheckpointManifest.FILE_NAME).toFile(), CheckpointManifest.class);
        // the manifest goes first on replacement too, so a half-replaced folder never verifies
        target.delete(prefix + CheckpointManifest.FILE_NAME);
        for (CheckpointManifest.FileEntry e : manifest.files()) {
            Path f = dir.resolve(e.name());
            // the local copy may have been rotated out or damaged since it was committed: copy only what matches
            if (!Files.isRegularFile(f) || Files.size(f) != e.size()) {
                throw new IOException("local " + what + "/" + e.name() + " no longer matches its manifest");
            }
            target.put(prefix + e.name(), f);
        }
        target.put(prefix + CheckpointManifest.FILE_NAME, dir.resolve(CheckpointManifest.FILE_NAME));
        Optional<String> problem = verifyFolder(prefix, OptionalLong.of(manifest.step()));
        if (problem.isPresent()) {
            target.delete(prefix + CheckpointManifest.FILE_NAME);
            throw new IOException("the copy of " + what + " does not verify: " + problem.get());
        }
    }

    /**
     * Copies the record of the best checkpoint.
     *
     * @param bestFile the local {@code checkpoints/best.json}
     * @throws IOException when the copy fails
     */
    public void copyBest(Path bestFile) throws IOException {
        if (Files.isRegularFile(bestFile)) {
            target.put(DIR + BestCheckpoint.FILE_NAME, bestFile);
        }
    }

    /**
     * Reads a mirrored checkpoint back and checks every file against its manifest.
     *
     * @param step the checkpoint's step
     * @return what is wrong with it; empty when it verifies
     * @throws IOException when the target cannot be reached
     */
    public Optional<String> verify(long step) throws IOException {
        return verifyFolder(DIR + CheckpointStore.PREFIX + step + "/", OptionalLong.of(step));
    }

    /**
     * Reads the mirrored {@code final/} back and checks every file against its manifest.
     *
     * @return what is wrong with it; empty when it verifies
     * @throws IOException when the target cannot be reached
     */
    public Optional<String> verifyFinal() throws IOException {
        return verifyFolder(FINAL, OptionalLong.empty());
    }

    private Optional<String> verifyFolder(String prefix, OptionalLong step) throws IOException {
        CheckpointManifest manifest;
        try (InputStream in = target.get(prefix + CheckpointManifest.FILE_NAME)) {
            manifest = Json.mapper().readValue(in, CheckpointManifest.class);
        } catch (NoSuchFileException e) {
            return Optional.of("no " + CheckpointManifest.FILE_NAME);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            return Optional.of(CheckpointManifest.FILE_NAME + " is unreadable: " + Json.problem(e));
        }
        if (step.isPresent() && manifest.step() != step.getAsLong()
                || manifest.files().isEmpty()) {
            return Optional.of(CheckpointManifest.FILE_NAME + " is for step " + manifest.step() + " with "
                    + manifest.files().size() + " files");
        }
        for (CheckpointManifest.FileEntry e : manifest.files()) {
            MessageDigest digest = Hashing.newDigest();
            long size = 0;
            try (InputStream in = new DigestInputStream(target.get(prefix + e.name()), digest)) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) {
                    size += n;
                }
            } catch (NoSuchFileException ex) {
                return Optional.of(e.name() + " is missing");
            }
            if (size != e.size()) {
                return Optional.of(e.name() + " is " + size + " bytes, the manifest says " + e.size());
            }
            String sha = HexFormat.of().formatHex(digest.digest());
            if (!sha.equals(e.sha256())) {
                return Optional.of(e.name() + " has sha256 " + sha.substring(0, 12) + "..., the manifest says "
                        + e.sha256().substring(0, Math.min(12, e.sha256().length())) + "...");
            }
        }
        return Optional.empty();
    }

    /**
     * @return the steps of the mirrored checkpoints that have a manifest (verified or not), oldest first
     * @throws IOException when the target cannot be listed
     */
    public List<Long> steps() throws IOException {
        TreeSet<Long> steps = new TreeSet<>();
        for (String k : target.list(DIR)) {
            Matcher m = MANIFEST_KEY.matcher(k);
            if (m.matches()) {
                steps.add(Long.parseLong(m.group(1)));
            }
        }
        return new ArrayList<>(steps);
    }

    /**
     * Rotates the mirror with the local rules: keeps the newest {@code keepLast} and the best.
     *
     * @param keepLast how many of the newest to keep
     * @param bestStep the best checkpoint's step, kept as well
     * @return the steps removed
     * @throws IOException when listing or deleting fails
     */
    public List<Long> rotate(int keepLast, OptionalLong bestStep) throws IOException {
        // one listing: every checkpoint's keys, and which checkpoints have a manifest
        TreeMap<Long, List<String>> keysByStep = new TreeMap<>();
        TreeSet<Long> withManifest = new TreeSet<>();
        for (String k : target.list(DIR)) {
            Matcher m = CHECKPOINT_KEY.matcher(k);
            if (m.matches()) {
                long step = Long.parseLong(m.group(1));
                keysByStep.computeIfAbsent(step, s -> new ArrayList<>()).add(k);
                if (MANIFEST_KEY.matcher(k).matches()) {
                    withManifest.add(step);
                }
            }
        }
        List<Long> steps = new ArrayList<>(withManifest);
        List<Long> removed = new ArrayList<>();
        for (int i = 0; i < steps.size() - keepLast; i++) {
            long step = steps.get(i);
            if (bestStep.isPresent() && bestStep.getAsLong() == step) {
                continue;
            }
            delete(step, keysByStep.get(step));
            removed.add(step);
        }
        // files of older checkpoints without a manifest: what a copy or a rotation cut short (the trainer killed)
        // leaves behind; nothing reads them, and without this they would stay for good
        if (!steps.isEmpty()) {
            long newest = steps.get(steps.size() - 1);
            for (Map.Entry<Long, List<String>> e : keysByStep.headMap(newest).entrySet()) {
                if (!withManifest.contains(e.getKey())) {
                    delete(e.getKey(), e.getValue());
                    removed.add(e.getKey());
                }
            }
        }
        Collections.sort(removed);
        return removed;
    }

    /** Deletes a mirrored checkpoint's keys, the manifest first: a deletion cut short leaves files that no longer count. */
    private void delete(long step, List<String> keys) throws IOException {
        String manifest = DIR + CheckpointStore.PREFIX + step + "/" + CheckpointManifest.FILE_NAME;
        if (keys.contains(manifest)) {
            target.delete(manifest);
        }
        for (String k : keys) {
            if (!k.equals(manifest)) {
                target.delete(k);
            }
        }
    }

    /**
     * Brings the newest mirrored checkpoint that verifies into a local store: downloads it into a temporary
     * folder, checks it against its manifest there and commits it by an atomic rename. Mirrored checkpoints
     * that do not verify are reported and left in place.
     *
     * @param local the local store
     * @param onBad told of each mirrored checkpoint skipped and why
     * @return the restored local checkpoint, empty when the mirror holds none that verifies
     * @throws IOException when the target cannot be reached or the local folder written
     */
    public Optional<CheckpointStore.Checkpoint> restoreNewest(CheckpointStore local, BiConsumer<Long, String> onBad)
            throws IOException {
        List<Long> steps = steps();
        for (int i = steps.size() - 1; i >= 0; i--) {
            long step = steps.get(i);
            Optional<CheckpointStore.Checkpoint> restored = restore(local, step, onBad);
            if (restored.isPresent()) {
                restoreBest(local);
                return restored;
            }
        }
        return Optional.empty();
    }

    private Optional<CheckpointStore.Checkpoint> restore(
            CheckpointStore local, long step, BiConsumer<Long, String> onBad) throws IOException {
        Path tmp = local.begin(step);
        try {
            String prefix = DIR + CheckpointStore.PREFIX + step + "/";
            for (String k : target.list(prefix)) {
                String name = k.substring(prefix.length());
                if (name.contains("/") || name.startsWith(".")) {
                    continue;
                }
                try (InputStream in = target.get(k)) {
                    Files.copy(in, tmp.resolve(name));
                }
            }
            CheckpointStore.Verification v = local.verify(tmp);
            if (!v.ok()) {
                onBad.accept(step, v.problem());
                local.abort(tmp);
                return Optional.empty();
            }
            for (Path f : Files.list(tmp).toList()) {
                try (var ch = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
            }
            Path committed = local.dir().resolve(CheckpointStore.PREFIX + step);
            if (Files.exists(committed)) {
                local.moveAside(committed, "replaced by the verified copy from the mirror");
            }
            AtomicFiles.moveAtomically(tmp, committed);
            AtomicFiles.fsyncDirectory(local.dir());
            LOG.info("restored checkpoint-{} from the mirror {}", step, target.describe());
            return Optional.of(new CheckpointStore.Checkpoint(step, committed));
        } catch (IOException | RuntimeException e) {
            local.abort(tmp);
            throw e;
        }
    }

    private void restoreBest(CheckpointStore local) throws IOException {
        Path best = local.dir().resolve(BestCheckpoint.FILE_NAME);
        if (Files.exists(best)) {
            return;
        }
        try (InputStream in = target.get(DIR + BestCheckpoint.FILE_NAME)) {
            AtomicFiles.write(best, in.readAllBytes());
        } catch (NoSuchFileException e) {
            // a run without evaluations has no best checkpoint
        }
    }
}
