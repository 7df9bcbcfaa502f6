package org.trainguard.watchdog.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs on whatever sound hardware the machine has: a machine without any (a CI container) must log
 * "no audio device; ..." for each event, one with a loudspeaker must play it. Neither may throw or block.
 */
class SoundNotifierTest {

    private static final String COMPLETED = "trainguard: run four_class completed at step 5000";

    /** The line logged for one event: played, or no device. */
    private static List<String> soundLines(LogCapture log) {
        return log.lines().stream()
                .filter(l -> l.equals("no audio device; " + COMPLETED)
                        || l.equals("played the completed sound; " + COMPLETED))
                .toList();
    }

    @Test
    void eachEventIsPlayedOrLoggedAsNoAudioDeviceWithoutBlocking() {
        try (LogCapture log = new LogCapture()) {
            Notifier notifier =
                    Notifier.create(new NotifierSettings(true, Optional.empty(), Optional.empty(), "four_class"));
            long start = System.nanoTime();
            notifier.notify(new Event(EventKind.COMPLETED, "four_class", 5000, ""));
            long notifyMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            notifier.close();

            assertTrue(notifyMillis < 100, "notify took " + notifyMillis + " ms");
            assertEquals(1, soundLines(log).size(), log.text());
        }
    }

    @Test
    void aWavFileIsUsedInsteadOfTheTones(@TempDir Path dir) throws Exception {
        Path wav = dir.resolve("bell.wav");
        Files.write(wav, Tones.wav(EventKind.STARTED));
        try (LogCapture log = new LogCapture()) {
            try (Notifier notifier =
                    Notifier.create(new NotifierSettings(true, Optional.of(wav), Optional.empty(), "four_class"))) {
                notifier.notify(new Event(EventKind.COMPLETED, "four_class", 5000, ""));
            }
            assertFalse(log.text().contains("cannot read sound file"), log.text());
            assertEquals(1, soundLines(log).size(), log.text());
        }
    }

    @Test
    void aSoundFileThatIsNotAudioFallsBackToTheTonesWithOneWarning(@TempDir Path dir) throws Exception {
        Path notWav = dir.resolve("notes.wav");
        Files.writeString(notWav, "this is text, not sound");
        try (LogCapture log = new LogCapture()) {
            try (Notifier notifier =
                    Notifier.create(new NotifierSettings(true, Optional.of(notWav), Optional.empty(), "four_class"))) {
                notifier.notify(new Event(EventKind.COMPLETED, "four_class", 5000, ""));
                notifier.notify(new Event(EventKind.COMPLETED, "four_class", 5000, ""));
            }
            assertEquals(
                    1,
                    log.lines().stream()
                            .filter(l -> l.startsWith("cannot read sound file " + notWav))
                            .count(),
                    log.text());
            assertEquals(2, soundLines(log).size(), log.text());
        }
    }

    @Test
    void withoutAudioOrWebhookNothingHappensAndNothingFails() {
        try (LogCapture log = new LogCapture()) {
            try (Notifier notifier = Notifier.create(NotifierSettings.silent("four_class"))) {
                notifier.notify(new Event(EventKind.FAILED, "four_class", 1, "x"));
            }
            assertEquals(List.of(), log.lines());
        }
    }
}
