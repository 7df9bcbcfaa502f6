package org.trainguard.cli;

import java.nio.file.Path;
import org.trainguard.config.ConfigLoader;
import org.trainguard.config.TrainguardConfig;
import picocli.CommandLine.Option;

/** The {@code --config FILE} option of every command that works on one run (a picocli mixin). */
public final class ConfigOption {

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The run's YAML configuration.")
    private Path config;

    /** @return the config file as given */
    public Path path() {
        return config;
    }

    /** @return the config file's absolute, normalized path */
    public Path absolute() {
        return config.toAbsolutePath().normalize();
    }

    /**
     * Loads and checks the configuration.
     *
     * @return the configuration
     * @throws org.trainguard.config.ConfigException naming the file, line, key and value when it is not usable
     */
    public TrainguardConfig load() {
        return ConfigLoader.load(config);
    }
}
