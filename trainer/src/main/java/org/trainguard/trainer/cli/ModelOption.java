package org.trainguard.trainer.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --model DIR} option of {@code trainer predict} and {@code trainer serve} (a picocli mixin). */
final class ModelOption {

    @Option(
            names = "--model",
            required = true,
            paramLabel = "DIR",
            description = "A run's final/ folder, a folder made by `trainer export`, or a checkpoint folder.")
    Path dir;
}
