package org.trainguard.trainer.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainguard.config.DataConfig;
import org.trainguard.config.DataFormat;
import org.trainguard.config.TrainguardConfig;
import org.trainguard.core.io.Hashing;
import org.trainguard.trainer.data.CsvLayout;
import org.trainguard.trainer.data.DataReader;
import org.trainguard.trainer.data.DataSpec;
import org.trainguard.trainer.data.LabeledData;
import org.trainguard.trainer.data.Splits;
import org.trainguard.trainer.features.FeatureCache;
import org.trainguard.trainer.features.FeatureSettings;
import org.trainguard.trainer.features.FeaturizedData;
import org.trainguard.trainer.features.Featurizer;

/**
 * The training and validation data of a run, read as configured and featurized (through the
 * on-disk cache, so a restart does not tokenize again).
 *
 * @param train the training examples
 * @param validation the validation examples, when there are any
 * @param settings the feature settings
 * @param fingerprint a hash of the data files and the split
 */
public record RunData(
        FeaturizedData train, Optional<FeaturizedData> validation, FeatureSettings settings, String fingerprint) {

    private static final Logger LOG = LoggerFactory.getLogger(RunData.class);

    /**
     * @param config the run's configuration
     * @return the settings of the featurizer the configuration asks for
     */
    public static FeatureSettings featureSettings(TrainguardConfig config) {
        var f = config.model().features();
        return new FeatureSettings(
                f.buckets(),
                f.maxLength(),
                f.wordNgrams(),
                f.charNgrams(),
                f.charNgramMin(),
                f.charNgramMax(),
                f.lowercase());
    }

    /**
     * @param config the run's configuration
     * @param file a data file
     * @return how to read it
     */
    public static DataSpec spec(TrainguardConfig config, Path file) {
        DataConfig d = config.data();
        var c = d.csv();
        DataSpec.Format format = d.formatOf(file) == DataFormat.CSV ? DataSpec.Format.CSV : DataSpec.Format.JSONL;
        return new DataSpec(
                file,
                format,
                d.textField(),
                d.labelField(),
                new CsvLayout(c.header(), c.columns(), c.textColumns(), c.labelColumn(), c.delimiter()),
                d.labelMap(),
                config.labels(),
                d.skipBadRecords());
    }

    /**
     * Version of how examples are read and split; part of the feature cache key, so a change in
     * reading invalidates entries that were looked up without reading the data.
     */
    static final int READING_VERSION = 1;

    /**
     * Reads and featurizes the data. When the feature cache holds both parts for exactly these data
     * files, reading settings, split and feature settings, the data files are only hashed, not
     * read again: a restart after a crash gets its data in a fraction of a second.
     *
     * @param config the run's configuration
     * @return the data
     */
    public static RunData load(TrainguardConfig config) {
        DataConfig d = config.data();
        FeatureSettings settings = featureSettings(config);
        Featurizer featurizer = new Featurizer(settings);
        String trainSha = sha(d.train());
        Optional<String> valSha = d.validation().map(RunData::sha);
        boolean split = d.validation().isEmpty() && d.validationSplit() > 0;
        String splitKey =
                "split=" + d.validationSplit() + "|seed=" + config.training().seed();
        String fp = split
                ? Hashing.sha256(trainSha + "|" + splitKey)
                : Hashing.sha256(trainSha + "|val=" + valSha.orElse("none"));
        String extra = String.join(",", config.labels()) + "|" + d.textField() + "|" + d.labelField() + "|"
                + d.labelMap() + "|" + d.csv();
        String reading = "trainguard-run-data/" + READING_VERSION + "|" + extra + "|skip_bad_records="
                + d.skipBadRecords() + "|features=" + settings.fingerprint();
        Supplier<Parts> parts = memoize(() -> readParts(config, split));

        byte[] trainKey =
                key(reading + "|train|" + d.formatOf(d.train()) + "|" + trainSha + "|" + (split ? splitKey : "whole"));
        FeaturizedData trainF =
                FeatureCache.load(d.cacheDir(), d.train(), trainKey, settings, featurizer, () -> parts.get()
                        .train());
        LOG.info(
                "training data: {} examples from {}{}, {} feature ids per example on average",
                trainF.size(),
                d.train().getFileName(),
                trainF.fromCache() ? " (featurized cache)" : "",
                trainF.size() == 0 ? 0 : trainF.totalIds() / trainF.size());
        warnOfLabelsWithoutExamples(config, trainF);
        Optional<FeaturizedData> valF = Optional.empty();
        if (split || d.validation().isPresent()) {
            Path source = d.validation().orElse(d.train());
            byte[] valKey = key(reading + "|validation|" + d.formatOf(source) + "|"
                    + (split ? trainSha + "|" + splitKey : valSha.orElseThrow()));
            valF = Optional.of(FeatureCache.load(d.cacheDir(), source, valKey, settings, featurizer, () -> parts.get()
                    .validation()
                    .orElseThrow()));
            LOG.info("validation data: {} examples", valF.get().size());
        }
        return new RunData(trainF, valF, settings, fp);
    }

    /**
     * A configured label without training examples is never predicted, and macro-F1 (the default metric that
     * picks the best checkpoint) averages its F1 of 0 with the others: say so loudly, at every start (the feature
     * cache serves restarts without reading the data again).
     */
    static List<String> warnOfLabelsWithoutExamples(TrainguardConfig config, FeaturizedData train) {
        List<String> labels = config.labels();
        int[] counts = new int[labels.size()];
        for (int label : train.labels()) {
            counts[label]++;
        }
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] == 0) {
                missing.add(labels.get(i));
            }
        }
        if (!missing.isEmpty() && missing.size() < labels.size()) {
            int n = labels.size();
            String shown = missing.size() <= 10
                    ? String.join(", ", missing)
                    : String.join(", ", missing.subList(0, 10)) + ", ...";
            LOG.warn(
                    "{} of {} configured labels have no training examples ({}): the model can never predict them, and macro-F1 "
                            + "counts each as F1 0, so it cannot exceed {} and compares checkpoints on the other labels only. "
                            + "Add examples, or remove the labels from `labels`",
                    missing.size(),
                    n,
                    shown,
                    String.format(java.util.Locale.ROOT, "%.3f", (n - missing.size()) / (double) n));
        }
        return missing;
    }

    /** The examples of both parts, read only when the feature cache cannot serve them. */
    private record Parts(LabeledData train, Optional<LabeledData> validation) {}

    private static Parts readParts(TrainguardConfig config, boolean split) {
        DataConfig d = config.data();
        LabeledData train = read(config, d.train());
        if (split) {
            Splits.Split s =
                    Splits.holdOut(train, d.validationSplit(), config.training().seed());
            LOG.info(
                    "held out {} of {} examples of {} for validation (validation_split {})",
                    s.validation().size(),
                    train.size(),
                    d.train().getFileName(),
                    d.validationSplit());
            return new Parts(s.train(), Optional.of(s.validation()));
        }
        return new Parts(train, d.validation().map(v -> read(config, v)));
    }

    private static <T> Supplier<T> memoize(Supplier<T> supplier) {
        return new Supplier<>() {
            private T value;

            @Override
            public T get() {
                if (value == null) {
                    value = supplier.get();
                }
                return value;
            }
        };
    }

    private static byte[] key(String text) {
        return java.util.HexFormat.of().parseHex(Hashing.sha256(text));
    }

    private static LabeledData read(TrainguardConfig config, Path file) {
        LabeledData data = DataReader.read(spec(config, file));
        if (data.skipped() > 0) {
            LOG.warn("skipped {} bad records in {} (data.skip_bad_records is on)", data.skipped(), file);
        }
        return data;
    }

    private static String sha(Path file) {
        try {
            return Hashing.sha256(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + file, e);
        }
    }
}
