package org.trainguard.examples.library;

import java.util.SplittableRandom;

/**
 * Synthetic data for the example: points in {@value #DIMENSIONS} dimensions drawn around
 * {@value #CLASSES} class centres, with enough noise that the clouds overlap a little. The same
 * seed always gives the same points, so a run can be repeated, interrupted and resumed.
 */
public final class PointClouds {

    /** Coordinates per point. */
    public static final int DIMENSIONS = 10;
    /** Number of classes. */
    public static final int CLASSES = 3;
    /** The seed of the class centres; the training and held-out points share them. */
    public static final long CENTRES_SEED = 20261124L;

    // centres lie in [-2, 2] on every axis and points spread around them with unit deviation: the
    // clouds overlap enough that held-out accuracy tops out near 0.93 rather than a trivial 1.0
    private static final double CENTRE_RANGE = 2.0;
    private static final double SPREAD = 1.0;

    private PointClouds() {}

    /**
     * Draws labelled points, classes in turn so that every class gets its share.
     *
     * @param count how many points
     * @param seed the seed of the noise; use different seeds for training and held-out points
     * @return the points
     */
    public static PointSet sample(int count, long seed) {
        if (count <= 0) {
            throw new IllegalArgumentException("count must be > 0, found " + count);
        }
        double[][] centres = centres();
        SplittableRandom random = new SplittableRandom(seed);
        float[][] features = new float[count][DIMENSIONS];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            int label = i % CLASSES;
            labels[i] = label;
            for (int d = 0; d < DIMENSIONS; d++) {
                features[i][d] = (float) (centres[label][d] + SPREAD * gaussian(random));
            }
        }
        return new PointSet(features, labels, CLASSES);
    }

    private static double[][] centres() {
        SplittableRandom random = new SplittableRandom(CENTRES_SEED);
        double[][] c = new double[CLASSES][DIMENSIONS];
        for (double[] centre : c) {
            for (int d = 0; d < DIMENSIONS; d++) {
                centre[d] = random.nextDouble(-CENTRE_RANGE, CENTRE_RANGE);
            }
        }
        return c;
    }

    // Box-Muller: SplittableRandom has no nextGaussian on Java 17
    private static double gaussian(SplittableRandom random) {
        double u = 1.0 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2.0 * Math.PI * v);
    }
}
