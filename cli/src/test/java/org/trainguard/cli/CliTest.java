package org.trainguard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.trainguard.config.ConfigException;
import org.trainguard.core.ExitCode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class CliTest {

    /** A data problem, as the trainer's reader reports one. */
    static final class BadRecord extends RuntimeException implements ExitCode.Source {
        private static final long serialVersionUID = 1L;

        BadRecord() {
            super("train.jsonl:3: unknown label \"MAYBE\"");
        }

        @Override
        public ExitCode exitCode() {
            return ExitCode.DATA;
        }
    }

    @Command(name = "fails")
    static final class Fails implements Callable<Integer> {
        private final RuntimeException failure;

        @Mixin
        ConfigOption config;

        @Mixin
        VerboseOption verbose;

        Fails(RuntimeException failure) {
            this.failure = failure;
        }

        @Override
        public Integer call() {
            throw failure;
        }
    }

    private record Outcome(int code, String err) {}

    private static Outcome run(RuntimeException failure, Set<ExitCode> reported, int unexpected, String... args) {
        CommandLine cl = Cli.commandLine(new Fails(failure), reported, unexpected);
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args.length == 0 ? new String[] {"--config", "train.yaml"} : args);
        return new Outcome(code, err.toString());
    }

    @Test
    void aFailureTheProgramExpectsIsOneLineWithItsCode() {
        Outcome config = run(
                new ConfigException("training.batch_size", "training.batch_size must be > 0, found -3"),
                EnumSet.allOf(ExitCode.class),
                1);
        assertEquals(
                new Outcome(2, "error: training.batch_size must be > 0, found -3" + System.lineSeparator()), config);
        Outcome data = run(new BadRecord(), EnumSet.allOf(ExitCode.class), 1);
        assertEquals(
                new Outcome(3, "data error: train.jsonl:3: unknown label \"MAYBE\"" + System.lineSeparator()), data);
    }

    @Test
    void anythingElseIsUnexpectedWithItsStackTrace() {
        Outcome bug = run(new IllegalStateException("boom"), EnumSet.allOf(ExitCode.class), 1);
        assertEquals(1, bug.code());
        assertTrue(bug.err().startsWith("unexpected failure: java.lang.IllegalStateException: boom"), bug.err());
        assertTrue(bug.err().contains("\tat "), bug.err());
        Outcome notReported = run(new BadRecord(), EnumSet.of(ExitCode.USAGE), 70);
        assertEquals(70, notReported.code());
        assertTrue(notReported.err().startsWith("unexpected failure: "), notReported.err());
    }

    @Test
    void aBadCommandLineIsAUsageError() {
        Outcome missing = run(new IllegalStateException("not reached"), EnumSet.of(ExitCode.USAGE), 70, "-v");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("Missing required option: '--config=FILE'"), missing.err());
    }

    @Test
    void theExitCodeOfAnExceptionIsWhatItSays() {
        assertEquals(ExitCode.USAGE, ExitCode.of(new ConfigException("labels", "labels must name at least 2 labels")));
        assertEquals(ExitCode.DATA, ExitCode.of(new BadRecord()));
        assertEquals(ExitCode.FAILURE, ExitCode.of(new IllegalStateException()));
    }
}
