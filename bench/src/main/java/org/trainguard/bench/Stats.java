package org.trainguard.bench;

import java.util.Arrays;
import java.util.List;

/** The few statistics the benchmarks report: medians, with minimum and maximum beside them. */
public final class Stats {

    private Stats() {}

    /**
     * @param values at least one value
     * @return the median (mean of the two middle values for an even count)
     * @throws IllegalArgumentException when there are no values
     */
    public static double median(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("the median of no values is undefined");
        }
        double[] s = values.clone();
        Arrays.sort(s);
        int mid = s.length / 2;
        return s.length % 2 == 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
    }

    /**
     * @param values at least one value
     * @return the median
     */
    public static double median(List<? extends Number> values) {
        return median(values.stream().mapToDouble(Number::doubleValue).toArray());
    }

    /**
     * @param values at least one value
     * @return the smallest
     */
    public static double min(double[] values) {
        return Arrays.stream(values).min().orElseThrow(() -> new IllegalArgumentException("no values"));
    }

    /**
     * @param values at least one value
     * @return the largest
     */
    public static double max(double[] values) {
        return Arrays.stream(values).max().orElseThrow(() -> new IllegalArgumentException("no values"));
    }
}
