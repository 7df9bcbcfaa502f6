package org.trainguard.session;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * Multiplies a network's learning rate by a factor, in place: every layer's optimizer configuration gets its
 * original schedule wrapped in a {@link ScaledSchedule} (or its fixed rate scaled). DL4J's optimizers read the
 * rate from that configuration at every step, and the optimizer state is untouched.
 */
final class LearningRateScaler {

    /** What an optimizer configuration held before any scaling. */
    private record Original(double rate, ISchedule schedule) {}

    private final Map<IUpdater, Original> originals = new IdentityHashMap<>();

    /**
     * Sets the factor relative to the rates the network was built with (1 restores them).
     *
     * @param net the network
     * @param factor the factor
     * @return how many optimizer configurations were changed
     */
    int apply(NetworkAdapter net, double factor) {
        int changed = 0;
        for (IUpdater u : updaters(net)) {
            Original o = originals.computeIfAbsent(u, LearningRateScaler::original);
            if (o == null || !u.hasLearningRate()) {
                continue;
            }
            if (o.schedule() != null) {
                u.setLrAndSchedule(o.rate(), factor == 1.0 ? o.schedule() : new ScaledSchedule(o.schedule(), factor));
            } else {
                u.setLrAndSchedule(o.rate() * factor, null);
            }
            changed++;
        }
        return changed;
    }

    private static List<IUpdater> updaters(NetworkAdapter net) {
        List<IUpdater> out = new ArrayList<>();
        for (var layer : net.layerConfigurations()) {
            add(out, layer);
        }
        return out;
    }

    private static void add(List<IUpdater> out, Object layerConf) {
        if (layerConf instanceof BaseLayer bl) {
            for (IUpdater u : new IUpdater[] {bl.getIUpdater(), bl.getBiasUpdater()}) {
                if (u != null && out.stream().noneMatch(x -> x == u)) {
                    out.add(u);
                }
            }
        }
    }

    /** The rate and schedule of an optimizer configuration, by its getters (every ND4J and trainguard optimizer has them). */
    private static Original original(IUpdater u) {
        try {
            Method rate = u.getClass().getMethod("getLearningRate");
            Method schedule = u.getClass().getMethod("getLearningRateSchedule");
            ISchedule s = (ISchedule) schedule.invoke(u);
            if (s instanceof ScaledSchedule scaled) {
                s = scaled.getBase();
            }
            return new Original(((Number) rate.invoke(u)).doubleValue(), s);
        } catch (ReflectiveOperationException | ClassCastException e) {
            return null;
        }
    }
}
