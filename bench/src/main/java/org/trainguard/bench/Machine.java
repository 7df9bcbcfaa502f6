package org.trainguard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What the benchmarks ran on, printed above every table: a timing means little without the cores,
 * the Java version, the ND4J backend and how busy the machine was.
 */
public final class Machine {

    private Machine() {}

    /** @return e.g. {@code 2 cores, Java 17.0.12 (Debian), Linux 6.1 amd64, ND4J CpuBackend} */
    public static String describe() {
        return Runtime.getRuntime().availableProcessors() + " cores, Java " + System.getProperty("java.version") + " ("
                + System.getProperty("java.vendor") + "), " + System.getProperty("os.name") + " "
                + System.getProperty("os.version")
                + " " + System.getProperty("os.arch") + ", ND4J "
                + Nd4j.getBackend().getClass().getSimpleName()
                + ", max heap " + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB";
    }

    /**
     * The 1, 5 and 15 minute load averages, where the system publishes them: on a machine whose
     * cores are shared, a load above the core count means the timings were taken under contention.
     *
     * @return e.g. {@code 1.93 1.71 1.52}, when {@code /proc/loadavg} is readable
     */
    public static Optional<String> loadAverage() {
        Path file = Path.of("/proc/loadavg");
        try {
            String[] parts = Files.readString(file).trim().split("\\s+");
            return parts.length >= 3 ? Optional.of(parts[0] + " " + parts[1] + " " + parts[2]) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** @return {@code load average 1.93 1.71 1.52 (1/5/15 min)}, or a note that it is unknown */
    public static String loadLine() {
        return loadAverage().map(l -> "load average " + l + " (1/5/15 min)").orElse("load average unknown");
    }

    /**
     * @param seconds a duration
     * @return {@code 0.84 s} or {@code 12.3 s} or {@code 2m05s}
     */
    public static String seconds(double seconds) {
        if (seconds < 10) {
            return String.format(Locale.ROOT, "%.2f s", seconds);
        }
        if (seconds < 120) {
            return String.format(Locale.ROOT, "%.1f s", seconds);
        }
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }

    /**
     * @param nanos a duration in nanoseconds
     * @return milliseconds with enough digits to tell small values apart, e.g. {@code 0.42 ms}, {@code 7412 ms}
     */
    public static String millis(double nanos) {
        double ms = nanos / 1e6;
        if (ms < 10) {
            return String.format(Locale.ROOT, "%.2f ms", ms);
        }
        if (ms < 100) {
            return String.format(Locale.ROOT, "%.1f ms", ms);
        }
        return String.format(Locale.ROOT, "%.0f ms", ms);
    }
}
