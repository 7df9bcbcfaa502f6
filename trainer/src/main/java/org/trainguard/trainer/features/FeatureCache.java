package org.trainguard.trainer.features;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainguard.trainer.data.Example;
import org.trainguard.trainer.data.FileDigest;
import org.trainguard.trainer.data.LabeledData;

/**
 * Featurises a data set once and keeps the ids in a cache directory for the next run (a restart
 * after a crash should not spend minutes featurising again).
 *
 * <p>A cache file is found by a key over everything that decides its content: the data file's
 * SHA-256, {@link FeatureSettings#fingerprint()}, the label names, the examples themselves (so the
 * training and validation parts of one file get separate entries) and a caller's extra key (text
 * and label fields, label map, anything else the caller considers). A file is never trusted as
 * is: its header carries a magic number, format version, the key, the example count, the payload
 * length and a CRC32C of the payload; a file that fails any check is rebuilt with a warning. Files
 * are written atomically. A cache that cannot be written costs a warning, not the run.
 * {@link FeatureCacheFile} describes the file format (version {@value #FORMAT_VERSION}).
 */
public final class FeatureCache {

    private static final Logger LOG = LoggerFactory.getLogger(FeatureCache.class);

    /** Version of the cache file layout; files of another version are rebuilt. */
    public static final int FORMAT_VERSION = 1;

    static final String SUFFIX = ".features";

    private FeatureCache() {}

    /**
     * The features of a data set, from the cache when a valid entry exists, otherwise computed
     * and stored.
     *
     * @param cacheDir   directory of cache files (created when missing)
     * @param data       the examples to featurise
     * @param dataFile   the file they were read from (its bytes are part of the key)
     * @param settings   the feature settings (must be the featuriser's)
     * @param featurizer the featuriser
     * @param extraKey   anything else that changed how {@code data} was read (fields, label map);
     *                   may be empty
     * @return the features; {@link FeaturizedData#fromCache()} says whether the cache was used
     * @throws IllegalArgumentException when {@code settings} are not the featuriser's
     */
    public static FeaturizedData load(
            Path cacheDir,
            LabeledData data,
            Path dataFile,
            FeatureSettings settings,
            Featurizer featurizer,
            String extraKey) {
        Objects.requireNonNull(cacheDir, "cacheDir");
        Objects.requireNonNull(extraKey, "extraKey");
        if (!featurizer.settings().equals(settings)) {
            throw new IllegalArgumentException(
                    "feature settings " + settings + " differ from the featurizer's " + featurizer.settings());
        }
        byte[] key = cacheKey(data, dataFile, settings, extraKey);
        Path file = cacheFile(cacheDir, dataFile, key);
        Optional<FeaturizedData> cached = readIfValid(file, key, Optional.of(data), settings);
        if (cached.isPresent()) {
            return cached.get();
        }
        FeaturizedData built = featurize(data, featurizer);
        store(file, key, built);
        return built;
    }

    private static Optional<FeaturizedData> readIfValid(
            Path file, byte[] key, Optional<LabeledData> data, FeatureSettings settings) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            FeaturizedData cached = FeatureCacheFile.read(file, key, data, settings);
            LOG.info("Loaded features of {} examples from cache {}", cached.size(), file);
            return Optional.of(cached);
        } catch (FeatureCacheFile.CorruptCacheException e) {
            LOG.warn("Feature cache {} is unusable ({}); rebuilding it", file, e.getMessage());
        } catch (NoSuchFileException e) {
            // removed between the check and the read: build it like any missing entry
        } catch (IOException e) {
            LOG.warn("Feature cache {} cannot be read ({}); rebuilding it", file, e.toString());
        }
        return Optional.empty();
    }

    private static void store(Path file, byte[] key, FeaturizedData built) {
        try {
            FeatureCacheFile.write(file, key, built);
            LOG.info("Stored features of {} examples in cache {}", built.size(), file);
        } catch (IOException e) {
            LOG.warn(
                    "Could not write feature cache {} ({}); going on without it, the next run will "
                            + "featurise again",
                    file,
                    e.toString());
        }
    }

    /**
     * The features stored under a key the caller computed without reading the data, or, when no
     * valid entry exists, the features of the data {@code read} supplies, computed and stored.
     *
     * <p>This is the restart path: the key covers everything that decides the examples (the data
     * file's SHA-256, how it is read and split, the labels) and the feature settings, so a valid
     * entry makes reading and parsing the data file unnecessary. The entry's checksum and key are
     * still checked; the example count and labels cannot be, as the examples are not read.
     *
     * @param cacheDir   directory of cache files (created when missing)
     * @param dataFile   the file the examples come from (names the cache file)
     * @param key        32 bytes, e.g. a SHA-256 over everything that decides the examples
     * @param settings   the feature settings (must be the featuriser's)
     * @param featurizer the featuriser
     * @param read       reads the examples; called only when the cache has no valid entry
     * @return the features; {@link FeaturizedData#fromCache()} says whether the cache was used
     * @throws IllegalArgumentException when {@code settings} are not the featuriser's or the key is not 32 bytes
     */
    public static FeaturizedData load(
            Path cacheDir,
            Path dataFile,
            byte[] key,
            FeatureSettings settings,
            Featurizer featurizer,
            Supplier<LabeledData> read) {
        Objects.requireNonNull(cacheDir, "cacheDir");
        Objects.requireNonNull(read, "read");
        if (!featurizer.settings().equals(settings)) {
            throw new IllegalArgumentException(
                    "feature settings " + settings + " differ from the featurizer's " + featurizer.settings());
        }
        if (key.length != 32) {
            throw new IllegalArgumentException("a cache key has 32 bytes, found " + key.length);
        }
        Path file = cacheFile(cacheDir, dataFile, key);
        Optional<FeaturizedData> cached = readIfValid(file, key, Optional.empty(), settings);
        if (cached.isPresent()) {
            return cached.get();
        }
        FeaturizedData built = featurize(read.get(), featurizer);
        store(file, key, built);
        return built;
    }

    /**
     * Featurises every example, without any cache; texts are featurised in parallel.
     *
     * @param data       the examples
     * @param featurizer the featuriser
     * @return ids and labels in example order, {@code fromCache()} false
     */
    public static FeaturizedData featurize(LabeledData data, Featurizer featurizer) {
        long started = System.nanoTime();
        List<Example> examples = data.examples();
        int[][] ids = new int[examples.size()][];
        int[] labels = new int[examples.size()];
        // each index writes only its own slot, so the parallel result equals the sequential one
        IntStream.range(0, examples.size()).parallel().forEach(i -> {
            ids[i] = featurizer.featurize(examples.get(i).text());
            labels[i] = examples.get(i).label();
        });
        FeaturizedData result = new FeaturizedData(ids, labels, false);
        int maxLength = featurizer.settings().maxLength();
        long atLimit = Arrays.stream(ids)
                .filter(example -> example.length == maxLength)
                .count();
        LOG.info(
                "Featurised {} examples of {} in {} ms: {} ids per text on average, {} at max_length {}",
                result.size(),
                data.source(),
                (System.nanoTime() - started) / 1_000_000,
                result.size() == 0 ? 0 : String.format("%.1f", (double) result.totalIds() / result.size()),
                atLimit,
                maxLength);
        return result;
    }

    /**
     * The cache key of a data set: SHA-256 over the data file's SHA-256, the settings fingerprint,
     * the label names, the extra key and every example's label and text.
     *
     * @param data     the examples
     * @param dataFile the file they came from
     * @param settings the feature settings
     * @param extraKey caller's additions
     * @return the 32 key bytes
     */
    public static byte[] cacheKey(LabeledData data, Path dataFile, FeatureSettings settings, String extraKey) {
        MessageDigest digest = FileDigest.newSha256();
        // every string is length-prefixed, so no two different inputs give the same byte stream
        putString(digest, "trainguard-feature-cache/" + FORMAT_VERSION);
        putString(digest, FileDigest.sha256(dataFile));
        putString(digest, settings.fingerprint());
        putInt(digest, data.labels().size());
        for (String label : data.labels()) {
            putString(digest, label);
        }
        putString(digest, extraKey);
        putInt(digest, data.size());
        for (Example example : data.examples()) {
            putInt(digest, example.label());
            putString(digest, example.text());
        }
        return digest.digest();
    }

    /**
     * Where the cache entry of a key lives: {@code <data file name>-<key prefix>.features}.
     *
     * @param cacheDir the cache directory
     * @param dataFile the data file (its name makes the cache directory readable)
     * @param key      the cache key
     * @return the cache file path
     */
    public static Path cacheFile(Path cacheDir, Path dataFile, byte[] key) {
        Path name = dataFile.getFileName();
        String stem = name == null ? "data" : name.toString().replaceAll("[^A-Za-z0-9._-]", "_");
        return cacheDir.resolve(stem + "-" + HexFormat.of().formatHex(key, 0, 12) + SUFFIX);
    }

    private static void putString(MessageDigest digest, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        putInt(digest, bytes.length);
        digest.update(bytes);
    }

    private static void putInt(MessageDigest digest, int value) {
        digest.update(ByteBuffer.allocate(4).putInt(value).array());
    }
}
