package org.trainguard.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How often the session file {@code training_session.json} is refreshed ({@code session}).
 *
 * @param autosaveInterval time between full rewrites of the session state, &gt; 0
 * @param heartbeatInterval time between liveness updates the watchdog reads to detect a hang, &gt; 0
 * @param inhibitSleep whether to ask the operating system not to sleep or suspend while the run trains
 */
public record SessionConfig(Duration autosaveInterval, Duration heartbeatInterval, boolean inhibitSleep) {

    static final String SECTION = "session";
    /** {@code session.autosave_interval}. */
    public static final Key<Duration> AUTOSAVE_INTERVAL =
            Key.duration(SECTION, "autosave_interval", Duration.ofMinutes(5)).checked(Checks::positive);
    /** {@code session.heartbeat_interval}. */
    public static final Key<Duration> HEARTBEAT_INTERVAL =
            Key.duration(SECTION, "heartbeat_interval", Duration.ofSeconds(10)).checked(Checks::positive);
    /** {@code session.inhibit_sleep}. */
    public static final Key<Boolean> INHIBIT_SLEEP = Key.bool(SECTION, "inhibit_sleep", true);

    static final Keys KEYS = Keys.of(SECTION, AUTOSAVE_INTERVAL, HEARTBEAT_INTERVAL, INHIBIT_SLEEP);

    /** Checks that both intervals are longer than zero. */
    public SessionConfig {
        AUTOSAVE_INTERVAL.check(autosaveInterval);
        HEARTBEAT_INTERVAL.check(heartbeatInterval);
    }

    /**
     * The documented defaults: autosave every 5 minutes, heartbeat every 10 seconds, keep the machine awake.
     *
     * @return the default session settings
     */
    public static SessionConfig defaults() {
        return new SessionConfig(AUTOSAVE_INTERVAL.fallback(), HEARTBEAT_INTERVAL.fallback(), INHIBIT_SLEEP.fallback());
    }

    static SessionConfig read(YamlSection section) {
        return new SessionConfig(
                section.get(AUTOSAVE_INTERVAL), section.get(HEARTBEAT_INTERVAL), section.get(INHIBIT_SLEEP));
    }

    Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        AUTOSAVE_INTERVAL.put(map, autosaveInterval);
        HEARTBEAT_INTERVAL.put(map, heartbeatInterval);
        INHIBIT_SLEEP.put(map, inhibitSleep);
        return map;
    }
}
