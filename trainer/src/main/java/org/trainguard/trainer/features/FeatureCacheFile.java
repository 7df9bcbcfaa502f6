package org.trainguard.trainer.features;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.trainguard.core.io.AtomicFiles;
import org.trainguard.trainer.data.LabeledData;

/**
 * Writes and reads one {@link FeatureCache} file, checking everything its header promises.
 *
 * <h2>File format (version {@value FeatureCache#FORMAT_VERSION}, big-endian)</h2>
 * <pre>
 * int   magic 0x54474643 ("TGFC")
 * int   format version
 * byte[32] key (SHA-256)
 * int   example count
 * long  payload length in bytes
 * long  CRC32C of the payload
 * payload: per example: int label index, int id count, that many int ids
 * </pre>
 */
final class FeatureCacheFile {

    static final int MAGIC = 0x54474643;
    static final int HEADER_BYTES = 4 + 4 + 32 + 4 + 8 + 8;
    private static final int BUFFER_BYTES = 1 << 16;

    private FeatureCacheFile() {}

    static void write(Path file, byte[] key, FeaturizedData data) throws IOException {
        AtomicFiles.writeChannel(file, channel -> {
            channel.position(HEADER_BYTES);
            CRC32C crc = new CRC32C();
            ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
            long payload = 0;
            for (int i = 0; i < data.size(); i++) {
                int[] ids = data.ids(i);
                payload += 8L + 4L * ids.length;
                buffer = put(channel, crc, buffer, data.label(i));
                buffer = put(channel, crc, buffer, ids.length);
                for (int id : ids) {
                    buffer = put(channel, crc, buffer, id);
                }
            }
            drain(channel, crc, buffer);
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
            header.putInt(MAGIC)
                    .putInt(FeatureCache.FORMAT_VERSION)
                    .put(key)
                    .putInt(data.size())
                    .putLong(payload)
                    .putLong(crc.getValue())
                    .flip();
            long at = 0;
            while (header.hasRemaining()) {
                at += channel.write(header, at);
            }
        });
    }

    private static ByteBuffer put(FileChannel channel, CRC32C crc, ByteBuffer buffer, int value) throws IOException {
        if (buffer.remaining() < 4) {
            drain(channel, crc, buffer);
        }
        return buffer.putInt(value);
    }

    private static void drain(FileChannel channel, CRC32C crc, ByteBuffer buffer) throws IOException {
        buffer.flip();
        crc.update(buffer.duplicate());
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        buffer.clear();
    }

    static FeaturizedData read(Path file, byte[] key, LabeledData data, FeatureSettings settings)
            throws IOException, CorruptCacheException {
        return read(file, key, Optional.of(data), settings);
    }

    /**
     * Reads and checks a cache file. The payload is read in one piece and decoded with bulk
     * copies: this runs at every restart, in a JVM that has not compiled any of it yet.
     */
    static FeaturizedData read(Path file, byte[] key, Optional<LabeledData> data, FeatureSettings settings)
            throws IOException, CorruptCacheException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < HEADER_BYTES) {
                throw new CorruptCacheException(
                        "truncated: " + size + " bytes, shorter than the " + HEADER_BYTES + "-byte header");
            }
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
            readFully(channel, header, 0);
            header.flip();
            int magic = header.getInt();
            if (magic != MAGIC) {
                throw new CorruptCacheException(
                        "not a feature cache file (magic 0x" + Integer.toHexString(magic) + ")");
            }
            int version = header.getInt();
            if (version != FeatureCache.FORMAT_VERSION) {
                throw new CorruptCacheException(
                        "format " + version + ", this build reads " + FeatureCache.FORMAT_VERSION);
            }
            byte[] storedKey = new byte[32];
            header.get(storedKey);
            if (!MessageDigest.isEqual(storedKey, key)) {
                throw new CorruptCacheException("built for other data or settings (key differs)");
            }
            int count = header.getInt();
            if (count < 0 || (data.isPresent() && count != data.get().size())) {
                throw new CorruptCacheException("holds " + count + " examples, expected "
                        + data.map(d -> String.valueOf(d.size())).orElse("a count >= 0"));
            }
            long payload = header.getLong();
            long expectedCrc = header.getLong();
            if (size != HEADER_BYTES + payload) {
                throw new CorruptCacheException(
                        "truncated or padded: " + size + " bytes, header says " + (HEADER_BYTES + payload));
            }
            if (payload > Integer.MAX_VALUE - 8 || payload % 4 != 0) {
                throw new CorruptCacheException(
                        "payload of " + payload + " bytes is not a whole number of ids below 2 GiB");
            }
            ByteBuffer bytes = ByteBuffer.allocate((int) payload);
            readFully(channel, bytes, HEADER_BYTES);
            bytes.flip();
            CRC32C crc = new CRC32C();
            crc.update(bytes.duplicate());
            if (crc.getValue() != expectedCrc) {
                throw new CorruptCacheException("checksum mismatch (CRC32C 0x" + Long.toHexString(crc.getValue())
                        + ", header says 0x" + Long.toHexString(expectedCrc) + ")");
            }
            IntBuffer in = bytes.asIntBuffer();
            int[][] ids = new int[count][];
            int[] labels = new int[count];
            int labelCount = data.map(d -> d.labels().size()).orElse(Integer.MAX_VALUE);
            for (int i = 0; i < count; i++) {
                if (in.remaining() < 2) {
                    throw new CorruptCacheException("ends in the middle of example " + i);
                }
                labels[i] = in.get();
                if (data.isPresent()
                        && labels[i] != data.get().examples().get(i).label()) {
                    throw new CorruptCacheException("example " + i + " has label " + labels[i] + ", expected "
                            + data.get().examples().get(i).label());
                }
                if (labels[i] < 0 || labels[i] >= labelCount) {
                    throw new CorruptCacheException("example " + i + " has label index " + labels[i]);
                }
                int length = in.get();
                if (length < 1 || length > settings.maxLength() || length > in.remaining()) {
                    throw new CorruptCacheException("example " + i + " has " + length + " ids, expected 1 to "
                            + Math.min(settings.maxLength(), in.remaining()));
                }
                int[] example = new int[length];
                in.get(example);
                for (int k = 0; k < length; k++) {
                    if (example[k] < 1 || example[k] >= settings.buckets()) {
                        throw new CorruptCacheException(
                                "example " + i + " has id " + example[k] + " outside [1, " + settings.buckets() + ")");
                    }
                }
                ids[i] = example;
            }
            if (in.hasRemaining()) {
                throw new CorruptCacheException(
                        "payload is " + payload + " bytes but the examples use " + 4L * in.position());
            }
            return new FeaturizedData(ids, labels, true);
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position)
            throws IOException, CorruptCacheException {
        long at = position;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, at);
            if (read < 0) {
                throw new CorruptCacheException("truncated: the file ended after " + at + " bytes");
            }
            at += read;
        }
    }

    /** A cache file failed a check; it will be rebuilt. */
    static final class CorruptCacheException extends Exception {
        private static final long serialVersionUID = 1L;

        CorruptCacheException(String reason) {
            super(reason);
        }
    }
}
