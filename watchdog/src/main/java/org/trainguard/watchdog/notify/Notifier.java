package org.trainguard.watchdog.notify;

import java.util.ArrayList;
import java.util.List;

/**
 * Tells a person what happened to a supervised run: a sound in the room and a message in a chat channel.
 *
 * <p>Supervision must never wait for a loudspeaker or a slow web server, so {@link #notify(Event)} only queues the
 * work for background threads and returns at once; delivery problems are logged, never thrown. {@link #close()}
 * gives queued notifications a bounded time (about 10 s) to go out, so the last "failed" or "completed" message of
 * a watchdog that is exiting still arrives.
 *
 * <pre>{@code
 * try (Notifier notifier = Notifier.create(settings)) {
 *     notifier.notify(new Event(EventKind.STARTED, "four_class", 0, ""));
 *     ...
 * }
 * }</pre>
 */
public interface Notifier extends AutoCloseable {

    /**
     * Queues an event for every configured channel and returns without waiting for any of them. Never throws.
     *
     * @param event what happened
     */
    void notify(Event event);

    /**
     * Waits (at most about 10 s) for queued notifications, then stops the background threads. Later events are
     * dropped with a log line. Never throws.
     */
    @Override
    void close();

    /**
     * The notifier for the given settings: sound when {@link NotifierSettings#audio()} is set, a webhook when one
     * is given, nothing when neither.
     *
     * @param settings what to use
     * @return a notifier that must be closed
     */
    static Notifier create(NotifierSettings settings) {
        List<BackgroundNotifier> channels = new ArrayList<>();
        if (settings.audio()) {
            channels.add(new SoundNotifier(settings.sound(), settings.runName()));
        }
        settings.webhook().ifPresent(url -> channels.add(new WebhookNotifier(url, settings.runName())));
        return new CompositeNotifier(channels);
    }
}
