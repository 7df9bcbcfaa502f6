package org.trainguard.trainer.train;

import java.nio.file.Path;

import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trainguard.core.config.DataConfig;
import org.trainguard.core.config.DataFormat;
import org.trainguard.core.config.TrainguardConfig;
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
public record RunData(FeaturizedData train, Optional<FeaturizedData> validation, FeatureSettings settings, String fingerprint) {

    private static final Logger LOG = LoggerFactory.getLogger(RunData.class);

    /**
     * @param config the run's configuration
     * @return the settings of the featurizer the configuration asks for
     */
    public static FeatureSettings featureSettings(TrainguardConfig config) {
        var f = config.model().features();
        return new FeatureSettings(f.buckets(), f.maxLength(), f.wordNgrams(), f.charNgrams(), f.charNgramMin(), f.charNgramMax(),
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
        return new DataSpec(file, format, d.textField(), d.labelField(),
                new CsvLayout(c.header(), c.columns(), c.textColumns(), c.labelColumn(), c.delimiter()), d.labelMap(), config.labels(),
                d.skipBadRecords());
    }

    /**
     * Reads and featurizes the data.
     *
     * @param config the run's configuration
     * @return the data
     */
    public static RunData load(TrainguardConfig config) {
        DataConfig d = config.data();
        FeatureSettings settings = featureSettings(config);
        Featurizer featurizer = new Featurizer(settings);
        LabeledData train = read(config, d.train());
        Optional<LabeledData> val = d.validation().map(v -> read(config, v));
        String fp;
        String trainSha = sha(d.train());
        if (val.isEmpty() && d.validationSplit() > 0) {
            Splits.Split split = Splits.holdOut(train, d.validationSplit(), config.training().seed());
            LOG.info("held out {} of {} examples of {} for validation (validation_split {})", split.validation().size(), train.size(),
                    d.train().getFileName(), d.validationSplit());
            train = split.train();
            val = Optional.of(split.validation());
            fp = Hashing.sha256(trainSha + "|split=" + d.validationSplit() + "|seed=" + config.training().seed());
        } else {
            fp = Hashing.sha256(trainSha + "|val=" + d.validation().map(RunData::sha).orElse("none"));
        }
        String extra = String.join(",", config.labels()) + "|" + d.textField() + "|" + d.labelField() + "|" + d.labelMap() + "|" + d.csv();
        FeaturizedData trainF = FeatureCache.load(d.cacheDir(), train, d.train(), settings, featurizer, extra);
        LOG.info("training data: {} examples from {}{}, {} feature ids per example on average", trainF.size(), d.train().getFileName(),
                trainF.fromCache() ? " (featurized cache)" : "", trainF.size() == 0 ? 0 : trainF.totalIds() / trainF.size());
        Optional<FeaturizedData> valF = Optional.empty();
        if (val.isPresent()) {
            Path source = d.validation().orElse(d.train());
            valF = Optional.of(FeatureCache.load(d.cacheDir(), val.get(), source, settings, featurizer, extra + "|validation"));
            LOG.info("validation data: {} examples", valF.get().size());
        }
        return new RunData(trainF, valF, settings, fp);
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
