package org.trainguard.bench;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.LoggerFactory;

/** The product's logging as the benchmarks need it: quiet, and the checkpoint commits noted. */
final class Logs {

    /** The logger whose "checkpoint ... committed" line marks a checkpoint on disk. */
    static final String WRITER_LOGGER = "org.trainguard.session.CheckpointWriter";

    private Logs() {}

    /** @param quiet true: only warnings and errors from trainguard; false: its usual INFO lines */
    static void quiet(boolean quiet) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
            ctx.getLogger("org.trainguard").setLevel(quiet ? Level.WARN : Level.INFO);
        }
    }

    /**
     * Notes when each checkpoint is committed, from the writer's own log line (logged on the
     * writer thread right after the atomic rename), without printing it.
     */
    static final class Commits extends AppenderBase<ILoggingEvent> implements AutoCloseable {
        private final Map<Long, Long> nanos = new ConcurrentHashMap<>();
        private final Map<Long, Long> reportedWriteMillis = new ConcurrentHashMap<>();
        private final Logger logger;
        private final Level previousLevel;
        private final boolean previousAdditive;

        private Commits(Logger logger) {
            this.logger = logger;
            this.previousLevel = logger.getLevel();
            this.previousAdditive = logger.isAdditive();
        }

        /**
         * @return a listener attached to the writer's logger until closed
         * @throws BenchmarkException when logging is not Logback, so the line cannot be seen
         */
        static Commits attach() {
            if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
                throw new BenchmarkException(
                        "the checkpoint benchmark reads the checkpoint writer's log line and needs Logback as the SLF4J "
                                + "binding, found "
                                + LoggerFactory.getILoggerFactory().getClass().getName());
            }
            Logger logger = ctx.getLogger(WRITER_LOGGER);
            Commits c = new Commits(logger);
            c.setContext(ctx);
            c.setName("bench-commits");
            c.start();
            boolean verbose =
                    !ctx.getLogger("org.trainguard").getEffectiveLevel().isGreaterOrEqual(Level.WARN);
            logger.setLevel(Level.INFO);
            logger.setAdditive(verbose);
            logger.addAppender(c);
            return c;
        }

        @Override
        protected void append(ILoggingEvent e) {
            Object[] args = e.getArgumentArray();
            String pattern = e.getMessage();
            if (pattern == null || !pattern.startsWith("checkpoint {} committed") || args == null || args.length < 2) {
                return;
            }
            String name = String.valueOf(args[0]);
            int dash = name.lastIndexOf('-');
            try {
                long step = Long.parseLong(name.substring(dash + 1));
                nanos.putIfAbsent(step, System.nanoTime());
                reportedWriteMillis.putIfAbsent(step, Long.parseLong(String.valueOf(args[1])));
            } catch (NumberFormatException ignored) {
                // another line that starts the same way; not a commit
            }
        }

        /** @return step to {@link System#nanoTime()} of its commit */
        Map<Long, Long> nanos() {
            return nanos;
        }

        /** @return step to the write time the writer itself logged, in ms */
        Map<Long, Long> reportedWriteMillis() {
            return reportedWriteMillis;
        }

        @Override
        public void close() {
            logger.detachAppender(this);
            logger.setLevel(previousLevel);
            logger.setAdditive(previousAdditive);
            stop();
        }
    }
}
