package org.trainguard.cli;

import picocli.CommandLine.Option;

/** The {@code -v}/{@code --verbose} option (a picocli mixin). */
public final class VerboseOption {

    @Option(
            names = {"-v", "--verbose"},
            description = "More logging: debug lines too.")
    private boolean verbose;

    /** @return whether more logging was asked for */
    public boolean on() {
        return verbose;
    }
}
