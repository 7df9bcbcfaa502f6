package org.trainguard.watchdog.supervise;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the watchdog was asked to stop, and by what: a signal, the JVM going down, or the stop file that
 * {@code watchdog stop} writes where signals cannot reach (Windows).
 */
final class StopRequests {

    private static final Logger LOG = LoggerFactory.getLogger("watchdog");

    private final AtomicReference<String> source = new AtomicReference<>();
    private final Path file;

    /** @param outputDir the run's folder, which holds the stop file */
    StopRequests(Path outputDir) {
        this.file = outputDir.resolve(Supervisor.STOP_FILE);
    }

    /**
     * @param from what asked, for the log
     * @return whether this is the first request
     */
    boolean request(String from) {
        return source.compareAndSet(null, from);
    }

    /** @return whether a stop was asked for, by a request or by the stop file */
    boolean requested() {
        if (source.get() != null) {
            return true;
        }
        if (Files.exists(file)) {
            source.compareAndSet(null, "watchdog stop");
            return true;
        }
        return false;
    }

    /** @return what asked; {@code watchdog stop} writes the stop file and also sends SIGTERM: it names the command, not its signal */
    String source() {
        return Files.exists(file)
                ? "watchdog stop"
                : Optional.ofNullable(source.get()).orElse("a stop request");
    }

    /** Removes the stop file, so that the next {@code watchdog run} is not stopped by an old request. */
    void clearFile() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("cannot remove {}: {}", file, e.toString());
        }
    }
}
