package org.trainguard.watchdog.notify;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.Map;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

/**
 * The built-in sounds: a short sequence of sine notes per kind of event, so that a person in the room can tell a
 * started run from a finished or failed one without looking. Rising notes mean good news, falling and low notes
 * bad news. {@link EventKind#RESUMED} and {@link EventKind#RESTARTED} share a sound.
 */
public final class Tones {

    /** 22.05 kHz, 16-bit signed little-endian mono: enough for beeps, playable by every sound card. */
    public static final AudioFormat FORMAT = new AudioFormat(22_050f, 16, 1, true, false);

    private static final double C4 = 261.63;
    private static final double G4 = 392.00;
    private static final double A4 = 440.00;
    private static final double C5 = 523.25;
    private static final double E5 = 659.25;
    private static final double G5 = 783.99;
    private static final double C6 = 1046.50;
    private static final double REST = 0;
    /** Fade in and out over this long so notes start and stop without a click. */
    private static final double FADE_SECONDS = 0.008;

    private static final double LOUDNESS = 0.5;

    /** Each tune as {frequency in Hz, length in ms} pairs; a frequency of 0 is a rest. */
    private static final Map<EventKind, double[][]> TUNES = new EnumMap<>(Map.of(
            EventKind.STARTED, new double[][] {{C5, 140}, {G5, 200}},
            EventKind.RESUMED, new double[][] {{E5, 110}, {REST, 60}, {E5, 110}, {G5, 180}},
            EventKind.RESTARTED, new double[][] {{E5, 110}, {REST, 60}, {E5, 110}, {G5, 180}},
            EventKind.HUNG, new double[][] {{A4, 120}, {REST, 80}, {A4, 120}, {REST, 80}, {A4, 120}},
            EventKind.COMPLETED, new double[][] {{C5, 120}, {E5, 120}, {G5, 120}, {C6, 320}},
            EventKind.FAILED, new double[][] {{G4, 260}, {C4, 420}},
            EventKind.STOPPED, new double[][] {{G5, 150}, {C5, 250}}));

    private Tones() {}

    /**
     * The audio format of {@link #pcm}.
     *
     * @return {@link #FORMAT}
     */
    public static AudioFormat format() {
        return FORMAT;
    }

    /**
     * The sound for a kind of event as raw samples.
     *
     * @param kind the event
     * @return 16-bit little-endian mono samples at 22.05 kHz ({@link #FORMAT}), a few hundred milliseconds long
     */
    public static byte[] pcm(EventKind kind) {
        double[][] tune = TUNES.get(kind);
        float rate = FORMAT.getSampleRate();
        int total = 0;
        for (double[] note : tune) {
            total += samples(note[1], rate);
        }
        byte[] out = new byte[total * 2];
        int at = 0;
        for (double[] note : tune) {
            int count = samples(note[1], rate);
            int fade = Math.min(count / 2, (int) Math.round(FADE_SECONDS * rate));
            for (int i = 0; i < count; i++) {
                double envelope = Math.min(1.0, Math.min(i, count - 1 - i) / (double) Math.max(1, fade));
                double value = note[0] == REST ? 0 : LOUDNESS * envelope * Math.sin(2 * Math.PI * note[0] * i / rate);
                short sample = (short) Math.round(value * Short.MAX_VALUE);
                out[at++] = (byte) sample;
                out[at++] = (byte) (sample >> 8);
            }
        }
        return out;
    }

    /**
     * The sound for a kind of event as the bytes of a WAV file, for example to try a sound or to start from one
     * when making a {@code --sound} file.
     *
     * @param kind the event
     * @return a complete RIFF/WAVE file
     */
    public static byte[] wav(EventKind kind) {
        byte[] pcm = pcm(kind);
        AudioInputStream stream =
                new AudioInputStream(new ByteArrayInputStream(pcm), FORMAT, pcm.length / FORMAT.getFrameSize());
        ByteArrayOutputStream out = new ByteArrayOutputStream(pcm.length + 64);
        try {
            AudioSystem.write(stream, AudioFileFormat.Type.WAVE, out);
        } catch (IOException impossible) {
            // Writing to memory cannot fail; WAVE output of PCM is supported by every Java runtime.
            throw new UncheckedIOException(impossible);
        }
        return out.toByteArray();
    }

    private static int samples(double millis, float rate) {
        return (int) Math.round(millis / 1000.0 * rate);
    }
}
