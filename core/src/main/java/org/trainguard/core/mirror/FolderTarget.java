package org.trainguard.core.mirror;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.trainguard.core.io.AtomicFiles;

/**
 * A mirror in a folder (another disk, a NAS mount): each file is copied under a temporary name, fsynced
 * and renamed, so a reader never sees half a file under its real name.
 */
public final class FolderTarget implements MirrorTarget {

    private final Path root;

    /**
     * @param root the mirror folder; created when missing
     */
    public FolderTarget(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public String describe() {
        return root.toString();
    }

    @Override
    public void put(String key, Path source) throws IOException {
        Path target = resolve(key);
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling(".tmp-" + target.getFileName());
        Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
        try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        AtomicFiles.moveAtomically(tmp, target);
        AtomicFiles.fsyncDirectory(target.getParent());
    }

    @Override
    public InputStream get(String key) throws IOException {
        return Files.newInputStream(resolve(key));
    }

    @Override
    public List<String> list(String prefix) throws IOException {
        Path base = root;
        if (!Files.isDirectory(base)) {
            return List.of();
        }
        List<String> keys = new ArrayList<>();
        try (Stream<Path> files = Files.walk(base)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String key =
                        root.relativize(f).toString().replace(f.getFileSystem().getSeparator(), "/");
                if (key.startsWith(prefix) && !f.getFileName().toString().startsWith(".tmp-")) {
                    keys.add(key);
                }
            }
        }
        return keys;
    }

    @Override
    public void delete(String key) throws IOException {
        Path f = resolve(key);
        Files.deleteIfExists(f);
        Path parent = f.getParent();
        // drop the checkpoint's folder once it is empty, so rotation leaves no husks behind
        try (Stream<Path> rest = Files.exists(parent) ? Files.list(parent) : Stream.empty()) {
            if (!parent.equals(root) && Files.exists(parent) && rest.findAny().isEmpty()) {
                Files.deleteIfExists(parent);
            }
        }
    }

    private Path resolve(String key) {
        Path p = root.resolve(key).normalize();
        if (!p.startsWith(root)) {
            throw new IllegalArgumentException("key outside the mirror folder: " + key);
        }
        return p;
    }
}
