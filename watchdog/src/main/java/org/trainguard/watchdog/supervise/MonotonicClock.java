package org.trainguard.watchdog.supervise;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock for measuring waits and silences: the wall time at creation plus the progress of
 * {@link System#nanoTime()}, so that a clock adjustment (NTP, daylight saving, a user setting the time) neither
 * fakes a hang nor shortens a back-off. Never use it for timestamps that people read.
 */
final class MonotonicClock extends Clock {

    private final Instant origin = Instant.now();
    private final long originNanos = System.nanoTime();

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        // Measuring durations does not depend on a zone; the same clock serves every zone.
        return this;
    }

    @Override
    public Instant instant() {
        return origin.plusNanos(System.nanoTime() - originNanos);
    }
}
