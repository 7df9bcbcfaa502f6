package org.trainguard.trainer.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.FileSize;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;
import org.trainguard.core.io.RunFiles;
import org.trainguard.core.io.UnusablePathException;
import org.trainguard.core.run.RunLayout;

/** Logging set up at run time: verbosity, and the rotated log file in the run's output folder. */
final class LogSetup {

    private LogSetup() {}

    /** @param verbose whether to log at DEBUG */
    static void verbosity(boolean verbose) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
            ctx.getLogger("org.trainguard").setLevel(verbose ? Level.DEBUG : Level.INFO);
        }
    }

    /**
     * Adds {@code <outputDir>/logs/trainer.log}, rotated at 10 MB with 5 old files kept.
     *
     * @param outputDir the run's output folder
     * @throws UnusablePathException when the log file is a symbolic link or a folder
     */
    static void fileLog(Path outputDir) throws UnusablePathException {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
            return;
        }
        Path file = outputDir.resolve(RunLayout.LOGS).resolve("trainer.log");
        RunFiles.requireNoLink(file, "the trainer log");
        PatternLayoutEncoder enc = new PatternLayoutEncoder();
        enc.setContext(ctx);
        enc.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{0} - %msg%n");
        enc.start();
        RollingFileAppender<ILoggingEvent> app = new RollingFileAppender<>();
        app.setContext(ctx);
        app.setName("FILE");
        app.setFile(file.toString());
        FixedWindowRollingPolicy roll = new FixedWindowRollingPolicy();
        roll.setContext(ctx);
        roll.setParent(app);
        roll.setFileNamePattern(file.toString().replace("trainer.log", "trainer.%i.log"));
        roll.setMinIndex(1);
        roll.setMaxIndex(5);
        roll.start();
        SizeBasedTriggeringPolicy<ILoggingEvent> trigger = new SizeBasedTriggeringPolicy<>();
        trigger.setContext(ctx);
        trigger.setMaxFileSize(FileSize.valueOf("10MB"));
        trigger.start();
        app.setRollingPolicy(roll);
        app.setTriggeringPolicy(trigger);
        app.setEncoder(enc);
        app.start();
        Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(app);
    }
}
