package org.trainguard.session;

/**
 * Derives every step's random seed from the run's seed and the step, so that dropout and any other
 * randomness of step k is the same in a resumed run as in an uninterrupted one.
 */
public final class StepRandom {

    private StepRandom() {}

    /**
     * @param seed the run's seed
     * @param step the step about to run (steps done before it)
     * @return the seed for that step
     */
    public static long seedFor(long seed, long step) {
        return mix(seed ^ mix(step + 0x9E3779B97F4A7C15L));
    }

    /**
     * @param seed the run's seed
     * @param epoch the epoch
     * @return the seed of that epoch's data order
     */
    public static long epochSeed(long seed, int epoch) {
        return mix(seed * 31 + epoch + 0x632BE59BD9B4E019L);
    }

    // SplitMix64's finalizer: a fixed, well-mixed function, the same on every JVM.
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
