package org.trainguard.trainer.cli;

import java.io.ObjectInputFilter;

/**
 * The second line of defence against Java deserialization: a JDK-wide filter that rejects every
 * class, array and reference any {@code ObjectInputStream} in the trainer would read. trainguard
 * reads models, checkpoints and caches through its own readers and never deserializes; neither do
 * the DL4J and ND4J paths it uses (training, checkpoints, evaluation, prediction), so nothing needs
 * an exception.
 */
final class SerialFilter {

    private SerialFilter() {}

    /**
     * Installs the filter for this JVM, unless one was already set (for example with
     * {@code -Djdk.serialFilter=...}, which then stays in charge).
     *
     * @return whether this call installed it
     */
    static boolean rejectAll() {
        if (ObjectInputFilter.Config.getSerialFilter() != null) {
            return false;
        }
        try {
            ObjectInputFilter.Config.setSerialFilter(info -> ObjectInputFilter.Status.REJECTED);
            return true;
        } catch (IllegalStateException e) {
            return false; // set by someone else in the meantime
        }
    }
}
