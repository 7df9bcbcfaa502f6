package org.trainguard.session;

import java.io.PrintStream;
import java.util.Locale;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A DL4J {@link org.deeplearning4j.optimize.api.TrainingListener} that measures each step (loss,
 * throughput, ETA) and shows progress: a live bar on a terminal, one plain line every
 * {@code logEverySteps} steps otherwise. The {@link TrainingSessionManager} reads its figures to
 * decide when to checkpoint, evaluate, autosave and beat the heartbeat.
 */
public final class ProgressCallback extends BaseTrainingListener {

    private static final Logger LOG = LoggerFactory.getLogger(ProgressCallback.class);
    private static final double SMOOTHING = 0.05;

    private final long logEverySteps;
    private final PrintStream terminal;
    private long step;
    private long totalSteps;
    private int epoch;
    private int totalEpochs;
    private double loss = Double.NaN;
    private double score = Double.NaN;
    private double regularization;
    private double learningRate = Double.NaN;
    private double secondsPerStep = Double.NaN;
    private double samplesPerStep = Double.NaN;
    private long lastNanos;
    private long lastDrawNanos;

    /**
     * @param logEverySteps a plain progress line every this many steps
     * @param terminal where to draw the live bar, or null to log lines instead
     */
    public ProgressCallback(long logEverySteps, PrintStream terminal) {
        this.logEverySteps = logEverySteps;
        this.terminal = terminal;
    }

    /**
     * Sets where the run stands (after a resume, and at the start of each epoch).
     *
     * @param step steps done
     * @param totalSteps steps of the run
     * @param epoch current epoch
     * @param totalEpochs epochs of the run
     */
    public void position(long step, long totalSteps, int epoch, int totalEpochs) {
        this.step = step;
        this.totalSteps = totalSteps;
        this.epoch = epoch;
        this.totalEpochs = totalEpochs;
        this.lastNanos = 0;
    }

    /** @param lr the learning rate of the step that just ran */
    public void learningRate(double lr) {
        this.learningRate = lr;
    }

    @Override
    public void iterationDone(Model model, int iteration, int ep) {
        long now = System.nanoTime();
        step++;
        score = model.score();
        loss = score - regularization;
        regularization = 0;
        int batch = Math.max(1, model.batchSize());
        if (lastNanos != 0) {
            double dt = (now - lastNanos) / 1e9;
            secondsPerStep = Double.isNaN(secondsPerStep) ? dt : secondsPerStep + SMOOTHING * (dt - secondsPerStep);
        }
        samplesPerStep = Double.isNaN(samplesPerStep) ? batch : samplesPerStep + SMOOTHING * (batch - samplesPerStep);
        lastNanos = now;
        if (terminal instanceof LiveBar live) {
            if (now - lastDrawNanos > 200_000_000L || step == totalSteps) {
                lastDrawNanos = now;
                live.show(bar(live.columns()));
                if (step == totalSteps) {
                    live.finish();
                }
            }
        } else if (terminal != null) {
            if (now - lastDrawNanos > 200_000_000L || step == totalSteps) {
                lastDrawNanos = now;
                terminal.print(
                        "\r" + bar(LiveBar.DEFAULT_COLUMNS) + (step == totalSteps ? System.lineSeparator() : ""));
                terminal.flush();
            }
        } else if (step % logEverySteps == 0 || step == totalSteps) {
            LOG.info("{}", line());
        }
    }

    /** Ends the live bar's line before other output. */
    public void breakLine() {
        // a LiveBar keeps other output above the bar by itself
        if (terminal != null && !(terminal instanceof LiveBar) && lastDrawNanos != 0) {
            terminal.print(System.lineSeparator());
            terminal.flush();
            lastDrawNanos = 0;
        }
    }

    /**
     * Records the regularization term (weight decay, L1, L2) of the parameters the step's score was
     * computed with. DL4J calls this after the forward and backward pass and before the update; read
     * after the update instead, the term belongs to other parameters and the difference, which follows
     * the learning rate, was shown as loss.
     */
    @Override
    public void onGradientCalculation(Model model) {
        if (model instanceof MultiLayerNetwork mln) {
            regularization = mln.calcRegularizationScore(true);
        } else if (model instanceof ComputationGraph cg) {
            regularization = cg.calcRegularizationScore(true);
        }
    }

    /**
     * @return the last step's data loss: DL4J's score less the regularization term it includes (weight
     *     decay adds a large part that hides progress); NaN before the first step
     */
    public double loss() {
        return loss;
    }

    /** @return the last step's score as DL4J reports it (loss plus regularization); NaN or infinite when diverged */
    public double score() {
        return score;
    }

    /** @return steps done, as counted by this listener */
    public long step() {
        return step;
    }

    /** @return recent steps per second, 0 before two steps ran */
    public double stepsPerSecond() {
        return Double.isNaN(secondsPerStep) || secondsPerStep <= 0 ? 0 : 1 / secondsPerStep;
    }

    /** @return recent training examples per second */
    public double samplesPerSecond() {
        return stepsPerSecond() * (Double.isNaN(samplesPerStep) ? 0 : samplesPerStep);
    }

    /** @return expected seconds to the end, NaN while unknown */
    public double etaSeconds() {
        double sps = stepsPerSecond();
        return sps == 0 ? Double.NaN : (totalSteps - step) / sps;
    }

    /** @return the figures as a {@link TrainingHooks.Progress} */
    public TrainingHooks.Progress progress() {
        return new TrainingHooks.Progress(
                step, totalSteps, epoch, totalEpochs, loss(), learningRate, samplesPerSecond(), etaSeconds());
    }

    private String line() {
        return String.format(
                Locale.ROOT,
                "step %d/%d epoch %d/%d loss %.4f lr %.3g %.0f samples/s eta %s",
                step,
                totalSteps,
                epoch + 1,
                totalEpochs,
                loss(),
                learningRate,
                samplesPerSecond(),
                formatSeconds(etaSeconds()));
    }

    /**
     * The live bar, fitted into {@code columns - 1} characters (a line as wide as the terminal wraps on
     * some terminals): the bar itself shrinks first, then the least needed figures are left out.
     */
    String bar(int columns) {
        double frac = totalSteps == 0 ? 0 : Math.min(1, (double) step / totalSteps);
        String[] parts = {
            String.format(Locale.ROOT, "%3.0f%%", frac * 100),
            step + "/" + totalSteps,
            "epoch " + (epoch + 1) + "/" + totalEpochs,
            String.format(Locale.ROOT, "loss %.4f", loss()),
            String.format(Locale.ROOT, "%.0f samples/s", samplesPerSecond()),
            "ETA " + formatSeconds(etaSeconds()),
        };
        // what goes first when the line is too narrow: samples/s, then the percentage, then the epoch
        int[][] keep = {{0, 1, 2, 3, 4, 5}, {0, 1, 2, 3, 5}, {1, 2, 3, 5}, {1, 3, 5}, {1, 3}};
        int room = columns - 1;
        String[] tails = new String[keep.length];
        for (int j = 0; j < keep.length; j++) {
            StringBuilder tail = new StringBuilder();
            for (int i : keep[j]) {
                tail.append(tail.length() == 0 ? "" : " ").append(parts[i]);
            }
            tails[j] = tail.toString();
            int width = Math.min(30, room - tails[j].length() - 3);
            if (width >= 10) {
                return meter(frac, width) + " " + tails[j];
            }
        }
        for (String tail : tails) {
            if (tail.length() <= room) {
                return tail;
            }
        }
        return tails[tails.length - 1].substring(0, room);
    }

    private static String meter(double frac, int width) {
        int filled = (int) Math.round(frac * width);
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < width; i++) {
            sb.append(i < filled ? '=' : (i == filled ? '>' : ' '));
        }
        return sb.append(']').toString();
    }

    /**
     * @param seconds a duration in seconds
     * @return it as {@code 1h02m03s}, {@code 4m05s} or {@code 6s}; {@code ?} when unknown
     */
    public static String formatSeconds(double seconds) {
        if (Double.isNaN(seconds) || Double.isInfinite(seconds) || seconds < 0) {
            return "?";
        }
        long s = Math.round(seconds);
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%dh%02dm%02ds", s / 3600, (s % 3600) / 60, s % 60);
        }
        if (s >= 60) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return s + "s";
    }
}
