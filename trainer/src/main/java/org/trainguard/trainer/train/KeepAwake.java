package org.trainguard.trainer.train;

import java.nio.file.Path;
import java.util.Optional;
import org.trainguard.config.TrainguardConfig;
import org.trainguard.session.SleepInhibitor;

/** While a run trains the machine must not sleep ({@code session.inhibit_sleep}): a request to stay awake, released by closing it. */
final class KeepAwake implements AutoCloseable {

    private final Optional<SleepInhibitor> inhibitor;

    private KeepAwake(Optional<SleepInhibitor> inhibitor) {
        this.inhibitor = inhibitor;
    }

    /**
     * @param config the run's configuration
     * @param outputDir the run's output folder, named in the request
     * @return the request, which asks for nothing when {@code session.inhibit_sleep} is off
     */
    static KeepAwake during(TrainguardConfig config, Path outputDir) {
        if (!config.session().inhibitSleep()) {
            return new KeepAwake(Optional.empty());
        }
        return new KeepAwake(SleepInhibitor.acquire("trainguard training run in " + outputDir));
    }

    @Override
    public void close() {
        inhibitor.ifPresent(SleepInhibitor::close);
    }
}
