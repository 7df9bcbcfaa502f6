package org.trainguard.trainer.cli;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A payload for tests: deserializing it creates the file named in it, so a test can prove that a
 * reader never deserialized it.
 */
final class DeserializationProbe implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String marker;

    DeserializationProbe(Path marker) {
        this.marker = marker.toString();
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        Files.writeString(Path.of(marker), "deserialized");
    }
}
