package org.trainguard.trainer.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Gathers examples and, in skip mode, the bad records. */
final class RecordCollector {
    // logged under DataReader, the class callers use and configure logging for
    private static final Logger LOG = LoggerFactory.getLogger(DataReader.class);

    /** How many bad line numbers the skip summary lists before "...". */
    private static final int LINES_LISTED = 5;

    final DataSpec spec;
    final Path file;
    final List<Example> examples = new ArrayList<>();
    final List<Integer> badLines = new ArrayList<>();
    /** Labels in the data that match a configured label only when case is ignored: spelling -> first line, count. */
    final Map<String, int[]> caseFolded = new java.util.LinkedHashMap<>();

    DataFormatException firstBad;
    int skipped;

    RecordCollector(DataSpec spec) {
        this.spec = spec;
        this.file = spec.file();
    }

    void add(Example example) {
        examples.add(example);
    }

    void bad(DataFormatException e) {
        if (!spec.skipBadRecords()) {
            throw e;
        }
        skipped++;
        if (firstBad == null) {
            firstBad = e;
        }
        if (badLines.size() < LINES_LISTED) {
            e.line().ifPresent(badLines::add);
        }
    }

    int labelIndex(String raw, int line) {
        String value = raw.strip();
        String mapped = spec.labelMap().get(value);
        if (mapped != null) {
            return spec.labels().indexOf(mapped);
        }
        int exact = spec.labels().indexOf(value);
        if (exact >= 0) {
            return exact;
        }
        for (int i = 0; i < spec.labels().size(); i++) {
            if (spec.labels().get(i).equalsIgnoreCase(value)) {
                caseFolded.computeIfAbsent(value, v -> new int[] {line, 0})[1]++;
                return i;
            }
        }
        String known = String.join(", ", spec.labels());
        if (!spec.labelMap().isEmpty()) {
            known += "; mapped: "
                    + String.join(
                            ", ", spec.labelMap().keySet().stream().sorted().toList());
        }
        throw new DataFormatException(file, line, "unknown label \"" + value + "\" (known: " + known + ")");
    }

    LabeledData finish(DataSpec.Format format) {
        if (examples.isEmpty()) {
            if (skipped == 0) {
                throw new DataFormatException(file, "has no records");
            }
            throw new DataFormatException(
                    file, "has no usable records: all " + skipped + " were bad; first: " + firstBad.getMessage());
        }
        if (skipped > 0) {
            LOG.warn(
                    "Skipped {} bad records of {} in {} (lines {}{}); first: {}",
                    skipped,
                    skipped + examples.size(),
                    file,
                    badLines,
                    skipped > badLines.size() ? " ..." : "",
                    firstBad.getMessage());
        }
        caseFolded.forEach((spelling, seen) -> {
            String label = spec.labels().stream()
                    .filter(spelling::equalsIgnoreCase)
                    .findFirst()
                    .orElseThrow();
            LOG.warn(
                    "{}:{}: label \"{}\" ({} records) is read as {}: labels match without regard to case; write {} "
                            + "or map it in data.label_map to make this explicit",
                    file,
                    seen[0],
                    spelling,
                    seen[1],
                    label,
                    label);
        });
        LabeledData data = new LabeledData(examples, spec.labels(), skipped, file);
        int[] counts = data.countsPerLabel();
        long present = java.util.Arrays.stream(counts).filter(c -> c > 0).count();
        if (present == 1 && spec.labels().size() > 1) {
            int only = java.util.stream.IntStream.range(0, counts.length)
                    .filter(i -> counts[i] > 0)
                    .findFirst()
                    .orElseThrow();
            LOG.warn(
                    "{} holds examples of one label only ({} {}): a classifier trained on it can only ever "
                            + "predict {}",
                    file,
                    spec.labels().get(only),
                    counts[only],
                    spec.labels().get(only));
        }
        StringJoiner perLabel = new StringJoiner(", ");
        if (counts.length > 50) {
            // one line per log event: thousands of labels are summarized
            var stats = java.util.Arrays.stream(counts).summaryStatistics();
            perLabel.add(counts.length + " labels, " + present + " with examples, " + stats.getMin() + " to "
                    + stats.getMax() + " examples each");
        } else {
            for (int i = 0; i < counts.length; i++) {
                perLabel.add(spec.labels().get(i) + " " + counts[i]);
            }
        }
        LOG.info("Read {} examples from {} ({}; {})", examples.size(), file, format, perLabel);
        return data;
    }
}
