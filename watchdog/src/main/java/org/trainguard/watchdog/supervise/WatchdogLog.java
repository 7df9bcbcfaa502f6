package org.trainguard.watchdog.supervise;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.FileSize;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;
import org.trainguard.core.io.RunFiles;

/**
 * The watchdog's log: every decision as one timestamped line with its level, on the console (the terminal, or
 * the journal under systemd) and in a file rotated by size, {@code watchdog.log} then {@code watchdog.log.1} (newest)
 * to {@code watchdog.log.5}, 10 MB each. Configured in code because the file's path comes from the run's config.
 */
public final class WatchdogLog {

    /** The line layout: ISO-8601 time with offset, level, logger, message. */
    public static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{0}: %msg%n";
    /** Rotate when the file passes this size. */
    public static final String MAX_FILE_SIZE = "10MB";
    /** Rotated files kept. */
    public static final int KEEP = 5;

    private WatchdogLog() {}

    /**
     * Sends all logging to the console and to {@code logFile}.
     *
     * @param logFile the log file; its folder is created
     * @param verbose whether to log debug lines too
     * @throws IOException when the folder cannot be created
     */
    public static void toConsoleAndFile(Path logFile, boolean verbose) throws IOException {
        Path file = logFile.toAbsolutePath();
        Files.createDirectories(file.getParent());
        RunFiles.requireNoLink(file, "the watchdog log");
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();

        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(ctx);
        console.setName("console");
        console.setEncoder(encoder(ctx));
        console.start();

        RollingFileAppender<ILoggingEvent> rolling = new RollingFileAppender<>();
        rolling.setContext(ctx);
        rolling.setName("file");
        rolling.setFile(file.toString());
        rolling.setAppend(true);
        rolling.setEncoder(encoder(ctx));
        FixedWindowRollingPolicy window = new FixedWindowRollingPolicy();
        window.setContext(ctx);
        window.setParent(rolling);
        window.setFileNamePattern(file + ".%i");
        window.setMinIndex(1);
        window.setMaxIndex(KEEP);
        window.start();
        SizeBasedTriggeringPolicy<ILoggingEvent> size = new SizeBasedTriggeringPolicy<>();
        size.setContext(ctx);
        size.setMaxFileSize(FileSize.valueOf(MAX_FILE_SIZE));
        size.start();
        rolling.setRollingPolicy(window);
        rolling.setTriggeringPolicy(size);
        rolling.start();

        Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(verbose ? Level.DEBUG : Level.INFO);
        root.addAppender(console);
        root.addAppender(rolling);
    }

    private static PatternLayoutEncoder encoder(LoggerContext ctx) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(ctx);
        encoder.setPattern(PATTERN);
        encoder.setCharset(StandardCharsets.UTF_8);
        encoder.start();
        return encoder;
    }
}
