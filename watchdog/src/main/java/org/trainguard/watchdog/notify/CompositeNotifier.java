package org.trainguard.watchdog.notify;

import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sends every event to each configured channel; closes them together so their waits overlap. */
final class CompositeNotifier implements Notifier {

    private static final Logger LOG = LoggerFactory.getLogger(CompositeNotifier.class);

    private final List<BackgroundNotifier> channels;

    CompositeNotifier(List<BackgroundNotifier> channels) {
        this.channels = List.copyOf(channels);
    }

    @Override
    public void notify(Event event) {
        for (BackgroundNotifier channel : channels) {
            try {
                channel.notify(event);
            } catch (RuntimeException unexpected) {
                // notify is documented never to throw; supervision goes on whatever a channel does.
                LOG.warn("notification of the {} event failed: {}", event.kind().wireName(), unexpected.toString());
            }
        }
    }

    @Override
    public void close() {
        Instant start = Instant.now();
        channels.forEach(BackgroundNotifier::beginClose);
        for (BackgroundNotifier channel : channels) {
            try {
                channel.awaitClose(start.plus(channel.closeWait()));
            } catch (RuntimeException unexpected) {
                LOG.warn("closing a notifier failed: {}", unexpected.toString());
            }
        }
    }

    /** @return the channels in use, for tests */
    List<BackgroundNotifier> channels() {
        return channels;
    }
}
