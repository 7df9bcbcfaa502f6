package org.trainguard.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/** DL4J listeners that note times, for the checkpoint benchmark. */
final class StepListeners {

    private StepListeners() {}

    /** A growable list of {@code long}s without boxing. */
    static final class Longs {
        private long[] values = new long[1024];
        private int size;

        void add(long v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        long[] toArray() {
            return Arrays.copyOf(values, size);
        }

        int size() {
            return size;
        }
    }

    /** Notes when each step's update is done (DL4J calls it at the end of every {@code fit}). */
    static final class StepClock extends BaseTrainingListener {
        final Longs done = new Longs();

        @Override
        public void iterationDone(Model model, int iteration, int epoch) {
            done.add(System.nanoTime());
        }
    }

    /**
     * Wraps another listener and times its {@code iterationDone}: for DL4J's
     * {@code CheckpointListener} that is the whole synchronous save.
     */
    static final class Timed extends BaseTrainingListener {
        private final TrainingListener inner;
        final Longs nanos = new Longs();

        Timed(TrainingListener inner) {
            this.inner = inner;
        }

        @Override
        public void iterationDone(Model model, int iteration, int epoch) {
            long t0 = System.nanoTime();
            inner.iterationDone(model, iteration, epoch);
            nanos.add(System.nanoTime() - t0);
        }

        @Override
        public void onEpochStart(Model model) {
            inner.onEpochStart(model);
        }

        @Override
        public void onEpochEnd(Model model) {
            inner.onEpochEnd(model);
        }

        @Override
        public void onForwardPass(Model model, List<INDArray> activations) {
            inner.onForwardPass(model, activations);
        }

        @Override
        public void onForwardPass(Model model, Map<String, INDArray> activations) {
            inner.onForwardPass(model, activations);
        }

        @Override
        public void onGradientCalculation(Model model) {
            inner.onGradientCalculation(model);
        }

        @Override
        public void onBackwardPass(Model model) {
            inner.onBackwardPass(model);
        }
    }
}
