package org.trainguard.bench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The trainguard settings the AG News benchmark tries: the {@code model}, {@code model.features}
 * and {@code training} keys of a configuration that matter for accuracy and speed. Everything else
 * keeps trainguard's defaults (Adam, gradient clipping at 1.0, seed 42).
 *
 * @param buckets {@code model.features.buckets}
 * @param maxLength {@code model.features.max_length}
 * @param wordNgrams {@code model.features.word_ngrams}
 * @param charNgrams {@code model.features.char_ngrams}
 * @param charNgramMin {@code model.features.char_ngram_min}
 * @param charNgramMax {@code model.features.char_ngram_max}
 * @param embeddingDim {@code model.embedding_dim}
 * @param dropout {@code model.dropout}
 * @param epochs {@code training.epochs}
 * @param batchSize {@code training.batch_size}
 * @param learningRate {@code training.learning_rate}
 * @param weightDecay {@code training.weight_decay}
 * @param lrSchedule {@code training.lr_schedule}: cosine, linear or constant
 * @param warmupRatio {@code training.warmup_ratio}
 * @param optimizer {@code training.optimizer}: adam or sgd
 * @param adamBeta1 {@code training.adam_beta1}
 * @param maxGradNorm {@code training.max_grad_norm}; empty turns clipping off
 */
public record TrainguardSettings(
        int buckets,
        int maxLength,
        int wordNgrams,
        boolean charNgrams,
        int charNgramMin,
        int charNgramMax,
        int embeddingDim,
        double dropout,
        int epochs,
        int batchSize,
        double learningRate,
        double weightDecay,
        String lrSchedule,
        double warmupRatio,
        String optimizer,
        double adamBeta1,
        OptionalDouble maxGradNorm) {

    /** Names of the settings {@link #with} knows, as in the configuration. */
    public static final List<String> KEYS = List.of(
            "buckets",
            "max_length",
            "word_ngrams",
            "char_ngrams",
            "char_ngram_min",
            "char_ngram_max",
            "embedding_dim",
            "dropout",
            "epochs",
            "batch_size",
            "learning_rate",
            "weight_decay",
            "lr_schedule",
            "warmup_ratio",
            "optimizer",
            "adam_beta1",
            "max_grad_norm");

    private static final Map<String, String> SHORT_NAMES = Map.of(
            "dim",
            "embedding_dim",
            "lr",
            "learning_rate",
            "batch",
            "batch_size",
            "char_min",
            "char_ngram_min",
            "char_max",
            "char_ngram_max",
            "schedule",
            "lr_schedule",
            "warmup",
            "warmup_ratio");

    /** The seed of every benchmark run: it fixes the held-out split, the initial weights and the data order. */
    public static final long SEED = 42;

    /** The share of the data held out for testing, as {@code data.validation_split}. */
    public static final double TEST_SPLIT = 0.2;

    /**
     * @param key a configuration key as in the YAML ({@code buckets}, {@code embedding_dim},
     *     {@code learning_rate}, ...), or its short form ({@code dim}, {@code lr}, {@code batch},
     *     {@code char_min}, {@code char_max}, {@code schedule}, {@code warmup})
     * @param value the new value
     * @return a copy with that setting changed
     * @throws BenchmarkException for an unknown key or a value of the wrong type
     */
    public TrainguardSettings with(String key, String value) {
        String k = key.trim().toLowerCase(Locale.ROOT);
        k = SHORT_NAMES.getOrDefault(k, k);
        if (!KEYS.contains(k)) {
            throw new BenchmarkException("unknown trainguard setting " + key.trim() + "=" + value.trim() + "; known: "
                    + String.join(", ", KEYS) + " (short: dim, lr, batch, char_min, char_max, schedule, warmup)");
        }
        Map<String, String> m = toMap();
        m.put(k, value.trim());
        return fromMap(m);
    }

    private Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("buckets", Integer.toString(buckets));
        m.put("max_length", Integer.toString(maxLength));
        m.put("word_ngrams", Integer.toString(wordNgrams));
        m.put("char_ngrams", Boolean.toString(charNgrams));
        m.put("char_ngram_min", Integer.toString(charNgramMin));
        m.put("char_ngram_max", Integer.toString(charNgramMax));
        m.put("embedding_dim", Integer.toString(embeddingDim));
        m.put("dropout", Double.toString(dropout));
        m.put("epochs", Integer.toString(epochs));
        m.put("batch_size", Integer.toString(batchSize));
        m.put("learning_rate", Double.toString(learningRate));
        m.put("weight_decay", Double.toString(weightDecay));
        m.put("lr_schedule", lrSchedule);
        m.put("warmup_ratio", Double.toString(warmupRatio));
        m.put("optimizer", optimizer);
        m.put("adam_beta1", Double.toString(adamBeta1));
        m.put("max_grad_norm", maxGradNorm.isPresent() ? Double.toString(maxGradNorm.getAsDouble()) : "null");
        return m;
    }

    private static TrainguardSettings fromMap(Map<String, String> m) {
        String grad = m.get("max_grad_norm").toLowerCase(Locale.ROOT);
        return new TrainguardSettings(
                integer(m, "buckets"),
                integer(m, "max_length"),
                integer(m, "word_ngrams"),
                bool(m, "char_ngrams"),
                integer(m, "char_ngram_min"),
                integer(m, "char_ngram_max"),
                integer(m, "embedding_dim"),
                number(m, "dropout"),
                integer(m, "epochs"),
                integer(m, "batch_size"),
                number(m, "learning_rate"),
                number(m, "weight_decay"),
                m.get("lr_schedule").toLowerCase(Locale.ROOT),
                number(m, "warmup_ratio"),
                m.get("optimizer").toLowerCase(Locale.ROOT),
                number(m, "adam_beta1"),
                grad.equals("null") || grad.equals("off")
                        ? OptionalDouble.empty()
                        : OptionalDouble.of(number(m, "max_grad_norm")));
    }

    private static int integer(Map<String, String> m, String key) {
        try {
            return Integer.parseInt(m.get(key));
        } catch (NumberFormatException e) {
            throw new BenchmarkException(
                    "trainguard setting " + key + " must be a whole number, found \"" + m.get(key) + "\"");
        }
    }

    private static double number(Map<String, String> m, String key) {
        try {
            return Double.parseDouble(m.get(key));
        } catch (NumberFormatException e) {
            throw new BenchmarkException(
                    "trainguard setting " + key + " must be a number, found \"" + m.get(key) + "\"");
        }
    }

    private static boolean bool(Map<String, String> m, String key) {
        return switch (m.get(key).toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default ->
                throw new BenchmarkException(
                        "trainguard setting " + key + " must be true or false, found \"" + m.get(key) + "\"");
        };
    }

    /**
     * Applies {@code key=value} pairs separated by commas, e.g. {@code buckets=65536,dim=32,epochs=5}.
     *
     * @param overrides the pairs; blank for none
     * @return a copy with those settings changed
     * @throws BenchmarkException for a pair without {@code =}, an unknown key or a bad value
     */
    public TrainguardSettings withAll(String overrides) {
        TrainguardSettings s = this;
        for (String pair : overrides.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq < 0) {
                throw new BenchmarkException("trainguard setting \"" + pair.trim() + "\" must be key=value");
            }
            s = s.with(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return s;
    }

    /** @return a short description for tables, e.g. {@code 2^16 buckets, dim 64, bigrams, max 256 ids, 5 epochs, batch 16, lr 0.01 cosine} */
    public String describe() {
        String b = Integer.bitCount(buckets) == 1
                ? "2^" + Integer.numberOfTrailingZeros(buckets)
                : Integer.toString(buckets);
        String words =
                switch (wordNgrams) {
                    case 1 -> "words";
                    case 2 -> "bigrams";
                    default -> "word " + wordNgrams + "-grams";
                };
        return b + " buckets, dim " + embeddingDim + ", " + words
                + (charNgrams ? ", char " + charNgramMin + "-" + charNgramMax : "")
                + ", max " + maxLength + " ids"
                + ", " + epochs + " epochs, batch " + batchSize + ", lr " + num(learningRate) + " " + lrSchedule
                + (optimizer.equals("adam") ? "" : " " + optimizer)
                + (optimizer.equals("adam") && adamBeta1 != 0.9 ? " beta1 " + num(adamBeta1) : "")
                + (dropout > 0 ? ", dropout " + num(dropout) : "")
                + (weightDecay > 0 ? ", wd " + num(weightDecay) : "")
                + (maxGradNorm.isPresent() ? "" : ", no clipping");
    }

    /**
     * The {@code model} and {@code training} sections of a configuration with these settings.
     *
     * @param outputDir {@code training.output_dir}
     * @return YAML text, two sections, each line ending in a line break
     */
    public String modelAndTrainingYaml(Path outputDir) {
        return "model:\n"
                + "  type: fasttext\n"
                + "  embedding_dim: " + embeddingDim + "\n"
                + "  dropout: " + num(dropout) + "\n"
                + "  features:\n"
                + "    buckets: " + buckets + "\n"
                + "    max_length: " + maxLength + "\n"
                + "    word_ngrams: " + wordNgrams + "\n"
                + "    char_ngrams: " + charNgrams + "\n"
                + "    char_ngram_min: " + charNgramMin + "\n"
                + "    char_ngram_max: " + charNgramMax + "\n"
                + "training:\n"
                + "  output_dir: " + quoted(outputDir.toString()) + "\n"
                + "  seed: " + SEED + "\n"
                + "  epochs: " + epochs + "\n"
                + "  batch_size: " + batchSize + "\n"
                + "  learning_rate: " + num(learningRate) + "\n"
                + "  weight_decay: " + num(weightDecay) + "\n"
                + "  lr_schedule: " + lrSchedule + "\n"
                + "  warmup_ratio: " + num(warmupRatio) + "\n"
                + "  optimizer: " + optimizer + "\n"
                + "  adam_beta1: " + num(adamBeta1) + "\n"
                + "  max_grad_norm: " + (maxGradNorm.isPresent() ? num(maxGradNorm.getAsDouble()) : "null") + "\n"
                + "  log_every_steps: 1000\n";
    }

    /**
     * A whole configuration for AG News's CSV file, holding out {@link #TEST_SPLIT} of it for the
     * final evaluation exactly as {@code examples/ag_news.yaml} does.
     *
     * @param csv the AG News CSV file ({@code "class","title","description"}, no header)
     * @param outputDir the run folder
     * @return YAML text
     */
    public String agNewsCsvConfig(Path csv, Path outputDir) {
        return LABELS_YAML + modelAndTrainingYaml(outputDir)
                + "data:\n"
                + "  train: " + quoted(csv.toString()) + "\n"
                + "  validation_split: " + TEST_SPLIT + "\n"
                + "  label_map: {\"1\": World, \"2\": Sports, \"3\": Business, \"4\": SciTech}\n"
                + "  csv:\n"
                + "    header: false\n"
                + "    columns: [class, title, description]\n"
                + "    text_columns: [title, description]\n"
                + "    label_column: class\n"
                + ONLY_FINAL_SAVES_YAML;
    }

    /**
     * A whole configuration that trains on one JSONL file and evaluates on another (the parts of
     * the tuning split).
     *
     * @param train JSONL with {@code text} and {@code label}
     * @param validation JSONL with {@code text} and {@code label}
     * @param outputDir the run folder
     * @return YAML text
     */
    public String jsonlConfig(Path train, Path validation, Path outputDir) {
        return LABELS_YAML + modelAndTrainingYaml(outputDir)
                + "data:\n"
                + "  train: " + quoted(train.toString()) + "\n"
                + "  validation: " + quoted(validation.toString()) + "\n"
                + ONLY_FINAL_SAVES_YAML;
    }

    private static final String LABELS_YAML = "labels: [World, Sports, Business, SciTech]\n";

    // A benchmark run evaluates and checkpoints once, at the end; the loop is what is timed.
    private static final String ONLY_FINAL_SAVES_YAML = "checkpoint:\n"
            + "  every_steps: 100000000\n"
            + "  keep_last: 1\n"
            + "eval:\n"
            + "  every_steps: 100000000\n"
            + "  metric: accuracy\n";

    static String quoted(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e6) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return Double.toString(v).replace("E", "e");
    }
}
