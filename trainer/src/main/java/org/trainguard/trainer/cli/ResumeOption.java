package org.trainguard.trainer.cli;

import picocli.CommandLine.Option;

/** The {@code --resume} option of {@code trainer} and {@code trainer train} (a picocli mixin). */
final class ResumeOption {

    @Option(
            names = "--resume",
            paramLabel = "auto|never|PATH",
            defaultValue = "auto",
            description = "auto: continue from the newest checkpoint that verifies (default); never: start over, "
                    + "archiving an earlier run; PATH: continue from that checkpoint folder.")
    String resume;
}
