package org.trainguard.watchdog.notify;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.SourceDataLine;
import javax.sound.sampled.UnsupportedAudioFileException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays a sound per event on the default audio output: the built-in {@link Tones}, or one WAV file for every
 * event. A machine without sound (a headless server, a container, a runtime without {@code java.desktop}) gets a
 * log line instead.
 */
final class SoundNotifier extends BackgroundNotifier {

    private static final Logger LOG = LoggerFactory.getLogger(SoundNotifier.class);
    /** Long enough for the last tone to finish before the watchdog exits. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(3);

    /** Samples and their format. */
    private record Sound(AudioFormat format, byte[] samples) {}

    private final Optional<Path> soundFile;
    private final String runName;
    /** The file's samples once read; empty until then or when it cannot be read. Used only on the worker. */
    private Optional<Sound> fileSound = Optional.empty();

    private boolean fileTried;

    SoundNotifier(Optional<Path> soundFile, String runName) {
        super("sound", CLOSE_WAIT);
        this.soundFile = soundFile;
        this.runName = runName;
    }

    @Override
    Runnable prepare(Event event) {
        return () -> play(event);
    }

    private void play(Event event) {
        String text = event.text(runName);
        try {
            Sound sound = soundFor(event.kind());
            SourceDataLine line = AudioSystem.getSourceDataLine(sound.format());
            try {
                line.open(sound.format());
                line.start();
                int frame = Math.max(1, sound.format().getFrameSize());
                line.write(sound.samples(), 0, sound.samples().length - sound.samples().length % frame);
                line.drain();
            } finally {
                line.close();
            }
            LOG.debug("played the {} sound; {}", event.kind().wireName(), text);
        } catch (LineUnavailableException | IllegalArgumentException | SecurityException | LinkageError none) {
            // IllegalArgumentException: no mixer offers such a line; LinkageError: no java.desktop or no native
            // sound library in this runtime. Either way there is nobody to hear it.
            LOG.info("no audio device; {}", text);
        } catch (RuntimeException other) {
            LOG.warn("could not play a sound ({}); {}", other, text);
        }
    }

    private Sound soundFor(EventKind kind) {
        if (soundFile.isPresent() && !fileTried) {
            fileTried = true;
            fileSound = read(soundFile.get());
        }
        return fileSound.orElseGet(() -> new Sound(Tones.FORMAT, Tones.pcm(kind)));
    }

    private static Optional<Sound> read(Path file) {
        try (AudioInputStream in = AudioSystem.getAudioInputStream(file.toFile())) {
            AudioFormat format = in.getFormat();
            boolean pcm = format.getEncoding().equals(AudioFormat.Encoding.PCM_SIGNED)
                    || format.getEncoding().equals(AudioFormat.Encoding.PCM_UNSIGNED);
            if (pcm) {
                return Optional.of(new Sound(format, in.readAllBytes()));
            }
            // Compressed WAV (mu-law, a-law, ADPCM) is decoded to 16-bit samples that every sound card takes.
            AudioFormat decoded = new AudioFormat(format.getSampleRate(), 16, format.getChannels(), true, false);
            try (AudioInputStream converted = AudioSystem.getAudioInputStream(decoded, in)) {
                return Optional.of(new Sound(decoded, converted.readAllBytes()));
            }
        } catch (UnsupportedAudioFileException | IOException | IllegalArgumentException unreadable) {
            LOG.warn("cannot read sound file {}: {}; playing the built-in tones instead", file, unreadable.toString());
            return Optional.empty();
        }
    }
}
