package org.trainguard.watchdog.notify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TonesTest {

    private static final List<EventKind> DISTINCT =
            List.of(EventKind.STARTED, EventKind.RESUMED, EventKind.COMPLETED, EventKind.FAILED);

    @Test
    void startedResumedCompletedAndFailedSoundDifferent() {
        for (EventKind a : DISTINCT) {
            for (EventKind b : DISTINCT) {
                if (a != b) {
                    assertFalse(Arrays.equals(Tones.pcm(a), Tones.pcm(b)), a + " sounds like " + b);
                }
            }
        }
    }

    @Test
    void resumedAndRestartedShareASound() {
        assertArrayEquals(Tones.pcm(EventKind.RESUMED), Tones.pcm(EventKind.RESTARTED));
    }

    @Test
    void everyToneLastsAFewHundredMillisecondsAndIsAudibleWithoutClipping() {
        float bytesPerSecond = Tones.FORMAT.getSampleRate() * Tones.FORMAT.getFrameSize();
        for (EventKind kind : EventKind.values()) {
            byte[] pcm = Tones.pcm(kind);
            double seconds = pcm.length / bytesPerSecond;
            assertTrue(seconds >= 0.2 && seconds <= 1.0, kind + " lasts " + seconds + " s");
            int peak = 0;
            for (int i = 0; i < pcm.length; i += 2) {
                int sample = (short) ((pcm[i] & 0xFF) | (pcm[i + 1] << 8));
                peak = Math.max(peak, Math.abs(sample));
            }
            assertTrue(peak > Short.MAX_VALUE / 4, kind + " is too quiet: peak " + peak);
            assertTrue(peak < Short.MAX_VALUE, kind + " clips");
        }
    }

    @Test
    void aToneWrittenAsWavReadsBackWithTheSameSamples(@TempDir Path dir) throws Exception {
        Path wav = dir.resolve("failed.wav");
        Files.write(wav, Tones.wav(EventKind.FAILED));

        AudioFileFormat fileFormat = AudioSystem.getAudioFileFormat(new File(wav.toString()));
        assertEquals(AudioFileFormat.Type.WAVE, fileFormat.getType());
        try (AudioInputStream in = AudioSystem.getAudioInputStream(wav.toFile())) {
            assertTrue(in.getFormat().matches(Tones.FORMAT), "format " + in.getFormat());
            assertArrayEquals(Tones.pcm(EventKind.FAILED), in.readAllBytes());
        }
    }
}
