package org.trainguard.trainer.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.HashSet;
import java.util.List;

/**
 * Runs the trainer's {@code main} and, as the JVM exits, tries to deserialize a plain HashSet:
 * prints REJECTED when the JDK-wide filter the trainer installs refused it.
 */
public final class SerialFilterCheck {

    private SerialFilterCheck() {}

    /**
     * @param args passed to the trainer
     * @throws IOException never in practice
     */
    public static void main(String[] args) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new HashSet<>(List.of("a", "b")));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                System.out.println("DESERIALIZED " + in.readObject());
            } catch (InvalidClassException e) {
                System.out.println("REJECTED " + e.getMessage());
            } catch (IOException | ClassNotFoundException e) {
                System.out.println("OTHER " + e);
            }
        }));
        TrainerCli.main(args);
    }
}
