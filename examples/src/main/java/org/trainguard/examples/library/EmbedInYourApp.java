package org.trainguard.examples.library;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.deeplearning4j.nn.api.Model;
import org.trainguard.core.ExitCode;
import org.trainguard.core.lock.RunLock;
import org.trainguard.session.CheckpointWriteException;
import org.trainguard.session.DiskSpaceException;
import org.trainguard.session.NoGoodCheckpointException;
import org.trainguard.session.ResumableDataSetIterator;
import org.trainguard.session.ResumeRefusedException;
import org.trainguard.session.SessionOptions;
import org.trainguard.session.TrainingDivergedException;
import org.trainguard.session.TrainingHooks;
import org.trainguard.session.TrainingSessionManager;

/**
 * An application that already trains its own Deeplearning4j network, made crash-proof with a few
 * lines of trainguard: checkpoints every {@value #CHECKPOINT_EVERY_STEPS} steps, evaluation on
 * held-out points, an emergency checkpoint on SIGINT, SIGTERM or SIGHUP, and an exact resume when
 * it is started again on the same folder.
 *
 * <pre>
 * java -cp "$(cat examples/target/classpath.txt)" org.trainguard.examples.library.EmbedInYourApp \
 *     runs/points --epochs 20 [--graph] [--stop-at-step 100]
 * </pre>
 *
 * <p>The exit status follows trainguard's contract: 0 completed, 143 / 130 / 129 stopped by SIGTERM /
 * SIGINT / SIGHUP after the emergency checkpoint (run the same command again to resume), 2 a wrong
 * argument or a folder holding a run of another network, 5 another process trains in the folder.
 */
public final class EmbedInYourApp {

    /** Seed of the initial weights, of every epoch's shuffle and of each step's dropout. */
    public static final long SEED = 7;
    /** Training points. */
    public static final int TRAINING_POINTS = 600;
    /** Held-out points, for the evaluation hook. */
    public static final int HELD_OUT_POINTS = 300;
    /** Points per optimizer step: 19 steps an epoch. */
    public static final int BATCH_SIZE = 32;
    /** Steps between checkpoints (and between evaluations). */
    public static final int CHECKPOINT_EVERY_STEPS = 10;
    /** Epochs when the command line does not say. */
    public static final int DEFAULT_EPOCHS = 20;
    /** Output folder when the command line does not say. */
    public static final Path DEFAULT_OUTPUT_DIR = Path.of("runs", "points");

    // different noise seeds keep the held-out points apart from the training points
    private static final long TRAINING_POINTS_SEED = 1;
    private static final long HELD_OUT_POINTS_SEED = 2;

    private EmbedInYourApp() {}

    /**
     * What one call of {@link #run} did.
     *
     * @param networkType which network class was trained
     * @param outputDir the run's folder
     * @param completed whether every step of every epoch is done
     * @param steps optimizer steps done, across all resumes
     * @param startedAtStep the step this call resumed from; 0 for a fresh run
     * @param exitCode the exit status a program should end with (trainguard's contract)
     * @param reason how the run ended, in words
     * @param accuracy held-out accuracy of the network as it is now
     * @param network the trained network (restored from the checkpoint when resumed)
     */
    public record Result(
            NetworkType networkType,
            Path outputDir,
            boolean completed,
            long steps,
            long startedAtStep,
            int exitCode,
            String reason,
            double accuracy,
            Model network) {

        /** @return whether this call continued an earlier run from its checkpoint */
        public boolean resumed() {
            return startedAtStep > 0;
        }
    }

    /**
     * Trains the {@code MultiLayerNetwork} variant.
     *
     * @param outputDir the run's folder; a run there is resumed
     * @param epochs passes over the training points
     * @return what happened
     * @throws IOException when the folder cannot be written
     * @throws RunLock.LockHeldException when another process trains in the folder
     */
    public static Result run(Path outputDir, int epochs) throws IOException, RunLock.LockHeldException {
        return run(outputDir, epochs, NetworkType.MULTI_LAYER_NETWORK, OptionalLong.empty());
    }

    /**
     * Trains either variant.
     *
     * @param outputDir the run's folder; a run there is resumed
     * @param epochs passes over the training points
     * @param type which network class
     * @return what happened
     * @throws IOException when the folder cannot be written
     * @throws RunLock.LockHeldException when another process trains in the folder
     */
    public static Result run(Path outputDir, int epochs, NetworkType type)
            throws IOException, RunLock.LockHeldException {
        return run(outputDir, epochs, type, OptionalLong.empty());
    }

    /**
     * Trains either variant, optionally stopping after a given step as SIGTERM would: an
     * emergency checkpoint is written and the result says the run is not complete. Calling this
     * again on the same folder resumes.
     *
     * @param outputDir the run's folder; a run there is resumed
     * @param epochs passes over the training points
     * @param type which network class
     * @param stopAtStep stop right after this step (counted across resumes), to rehearse a preemption;
     *     a step the run has already passed is ignored
     * @return what happened
     * @throws IOException when the folder cannot be written
     * @throws RunLock.LockHeldException when another process trains in the folder
     * @throws ResumeRefusedException when the folder holds a run of another network or other points
     */
    public static Result run(Path outputDir, int epochs, NetworkType type, OptionalLong stopAtStep)
            throws IOException, RunLock.LockHeldException {
        // The application's own things: data, network, evaluation. Nothing trainguard-specific.
        PointSet training = PointClouds.sample(TRAINING_POINTS, TRAINING_POINTS_SEED);
        PointSet heldOut = PointClouds.sample(HELD_OUT_POINTS, HELD_OUT_POINTS_SEED);
        Model net = PointClassifiers.create(type, SEED);
        HeldOutAccuracy evaluation = new HeldOutAccuracy(net, heldOut);

        // The trainguard part: options, open (which resumes), fit, close.
        SessionOptions options = SessionOptions.builder(outputDir)
                .seed(SEED)
                .epochs(epochs)
                .checkpointEverySteps(CHECKPOINT_EVERY_STEPS)
                .evalEverySteps(CHECKPOINT_EVERY_STEPS)
                .logEverySteps(CHECKPOINT_EVERY_STEPS)
                .keepLast(3)
                .metric(HeldOutAccuracy.ACCURACY, true)
                // a resume onto other training points would be wrong: refuse it
                .fingerprint("training_points", training.fingerprint())
                .provenance("example", EmbedInYourApp.class.getName())
                .build();
        try (TrainingSessionManager session = TrainingSessionManager.open(net, options)) {
            long startedAtStep = session.step();
            ResumableDataSetIterator batches = new PointBatches(training, BATCH_SIZE, SEED);
            TrainingSessionManager.Outcome outcome = session.fit(
                    batches, stopAtStep.isPresent() ? stoppingAt(stopAtStep.getAsLong(), evaluation) : evaluation);
            double accuracy = evaluation.measure().get(HeldOutAccuracy.ACCURACY);
            return new Result(
                    type,
                    outputDir,
                    outcome.completed(),
                    outcome.step(),
                    startedAtStep,
                    outcome.exitCode(),
                    outcome.reason(),
                    accuracy,
                    net);
        }
    }

    /**
     * Rehearses a preemption: evaluates as {@code evaluation} does, and asks the session to stop once
     * the given step is done, so the session writes an emergency checkpoint there and returns.
     */
    private static TrainingHooks stoppingAt(long step, HeldOutAccuracy evaluation) {
        return new TrainingHooks() {
            @Override
            public Optional<Map<String, Double>> evaluate(EvalContext ctx) {
                return evaluation.evaluate(ctx);
            }

            @Override
            public void onStep(StepEvent e) {
                if (e.step() == step) {
                    e.requestStop();
                }
            }
        };
    }

    /**
     * The command line: {@code [OUTPUT_DIR] [--epochs N] [--graph] [--stop-at-step N]}.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.exit(launch(args, System.out, System.err));
    }

    /**
     * Runs the command line and returns its exit status instead of exiting.
     *
     * @param args the arguments
     * @param out where the summary goes
     * @param err where errors go
     * @return the exit status
     */
    public static int launch(String[] args, PrintStream out, PrintStream err) {
        Arguments a;
        try {
            a = Arguments.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("EmbedInYourApp: " + e.getMessage());
            err.println(Arguments.USAGE);
            return ExitCode.USAGE.code();
        }
        try {
            Result r = run(a.outputDir(), a.epochs(), a.networkType(), a.stopAtStep());
            out.printf(
                    "%s: %s; held-out accuracy %.3f%s%n",
                    r.networkType(),
                    r.reason(),
                    r.accuracy(),
                    r.resumed() ? "; resumed from step " + r.startedAtStep() : "");
            if (!r.completed()) {
                out.println("run the same command again to resume from step " + r.steps());
            }
            return r.exitCode();
        } catch (RunLock.LockHeldException
                | ResumeRefusedException
                | TrainingDivergedException
                | NoGoodCheckpointException
                | DiskSpaceException
                | CheckpointWriteException e) {
            // each says its exit code (ExitCode.of): locked 5, refused 2, diverged 4, no good checkpoint 6, disk 7,
            // write 1
            err.println("EmbedInYourApp: " + e.getMessage());
            return ExitCode.of(e).code();
        } catch (IOException e) {
            err.println("EmbedInYourApp: cannot write " + a.outputDir() + ": " + e.getMessage());
            return ExitCode.FAILURE.code();
        }
    }

    /**
     * The parsed command line.
     *
     * @param outputDir the run's folder
     * @param epochs passes over the training points
     * @param networkType which network class
     * @param stopAtStep an optional step after which to stop with an emergency checkpoint
     */
    record Arguments(Path outputDir, int epochs, NetworkType networkType, OptionalLong stopAtStep) {

        static final String USAGE = "usage: EmbedInYourApp [OUTPUT_DIR] [--epochs N] [--graph] [--stop-at-step N]";

        static Arguments parse(String[] args) {
            Path dir = DEFAULT_OUTPUT_DIR;
            boolean dirGiven = false;
            int epochs = DEFAULT_EPOCHS;
            NetworkType type = NetworkType.MULTI_LAYER_NETWORK;
            OptionalLong stop = OptionalLong.empty();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--epochs" -> epochs = (int) positive(arg, value(args, ++i, arg));
                    case "--graph" -> type = NetworkType.COMPUTATION_GRAPH;
                    case "--stop-at-step" -> stop = OptionalLong.of(positive(arg, value(args, ++i, arg)));
                    default -> {
                        if (arg.startsWith("-")) {
                            throw new IllegalArgumentException("unknown option " + arg);
                        }
                        if (dirGiven) {
                            throw new IllegalArgumentException("one output folder only, found " + dir + " and " + arg);
                        }
                        dir = Path.of(arg);
                        dirGiven = true;
                    }
                }
            }
            return new Arguments(dir, epochs, type, stop);
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }

        private static long positive(String option, String text) {
            long v;
            try {
                v = Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " must be a whole number, found " + text, e);
            }
            if (v <= 0 || (option.equals("--epochs") && v > Integer.MAX_VALUE)) {
                throw new IllegalArgumentException(option + " must be > 0, found " + text);
            }
            return v;
        }
    }
}
