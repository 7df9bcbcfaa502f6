package org.trainguard.trainer.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The metrics.jsonl lines of the run as it finally happened, and the series plotted from them.
 *
 * <p>metrics.jsonl is append-only, so a run that crashed at step 1300 and resumed from its
 * checkpoint at step 1000 logs steps 1000..1300 twice. The lines after the crash are the history
 * that counts: when a line's step goes back below a step already seen, every earlier line at or
 * beyond that step (of any type) is dropped, so plots show one continuous run instead of a
 * zigzag. Two lines of one type at the same step keep the later value.
 */
final class MetricsHistory {

    private final List<Map<String, Object>> lines;

    private MetricsHistory(List<Map<String, Object>> lines) {
        this.lines = lines;
    }

    /** Builds the history from raw lines in file order; lines without a numeric step are left out. */
    static MetricsHistory of(List<Map<String, Object>> rawLines) {
        List<Map<String, Object>> kept = new ArrayList<>();
        long maxStep = Long.MIN_VALUE;
        for (Map<String, Object> line : rawLines) {
            Optional<Long> maybeStep = step(line);
            if (maybeStep.isEmpty()) {
                continue;
            }
            long step = maybeStep.get();
            if (step < maxStep) {
                kept.removeIf(old -> step(old).orElseThrow() >= step);
            }
            kept.add(line);
            maxStep = step;
        }
        return new MetricsHistory(List.copyOf(kept));
    }

    /** Returns the lines that make up the final history, in order. */
    List<Map<String, Object>> lines() {
        return lines;
    }

    /** Returns the last line of the given type. */
    Optional<Map<String, Object>> last(String type) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (type.equals(lines.get(i).get("type"))) {
                return Optional.of(lines.get(i));
            }
        }
        return Optional.empty();
    }

    /**
     * Returns {@code key} over steps for lines of {@code type}, leaving out lines where it is missing
     * or not a finite number (a NaN loss cannot be drawn; the tables and logs report it).
     */
    Series series(String type, String key) {
        TreeMap<Long, Double> points = new TreeMap<>();
        for (Map<String, Object> line : lines) {
            if (!type.equals(line.get("type"))) {
                continue;
            }
            if (line.get(key) instanceof Number value && Double.isFinite(value.doubleValue())) {
                points.put(step(line).orElseThrow(), value.doubleValue());
            }
        }
        double[] steps = new double[points.size()];
        double[] values = new double[points.size()];
        int i = 0;
        for (Map.Entry<Long, Double> point : points.entrySet()) {
            steps[i] = point.getKey();
            values[i] = point.getValue();
            i++;
        }
        return new Series(steps, values);
    }

    private static Optional<Long> step(Map<String, Object> line) {
        return line.get("step") instanceof Number step ? Optional.of(step.longValue()) : Optional.empty();
    }

    /** Points of one plotted line, sorted by step. */
    record Series(double[] steps, double[] values) {

        boolean isEmpty() {
            return steps.length == 0;
        }

        int size() {
            return steps.length;
        }

        /**
         * Returns at most {@code maxPoints} points, each the mean of a run of neighbours; a plot
         * 800 pixels wide cannot show more, and a long run logs hundreds of thousands of steps.
         */
        Series thinnedTo(int maxPoints) {
            if (steps.length <= maxPoints) {
                return this;
            }
            double[] thinSteps = new double[maxPoints];
            double[] thinValues = new double[maxPoints];
            for (int bucket = 0; bucket < maxPoints; bucket++) {
                int from = (int) ((long) bucket * steps.length / maxPoints);
                int to = (int) ((long) (bucket + 1) * steps.length / maxPoints);
                double stepSum = 0;
                double valueSum = 0;
                for (int i = from; i < to; i++) {
                    stepSum += steps[i];
                    valueSum += values[i];
                }
                thinSteps[bucket] = stepSum / (to - from);
                thinValues[bucket] = valueSum / (to - from);
            }
            return new Series(thinSteps, thinValues);
        }
    }
}
