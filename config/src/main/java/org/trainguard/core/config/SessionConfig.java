package org.trainguard.core.config;

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

    /** Checks that both intervals are longer than zero. */
    public SessionConfig {
        Checks.positive("session.autosave_interval", autosaveInterval);
        Checks.positive("session.heartbeat_interval", heartbeatInterval);
    }

    /**
     * The documented defaults: autosave every 5 minutes, heartbeat every 10 seconds, keep the machine awake.
     *
     * @return the default session settings
     */
    public static SessionConfig defaults() {
        return new SessionConfig(Duration.ofMinutes(5), Duration.ofSeconds(10), true);
    }

    Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("autosave_interval", Durations.format(autosaveInterval));
        map.put("heartbeat_interval", Durations.format(heartbeatInterval));
        map.put("inhibit_sleep", inhibitSleep);
        return map;
    }
}
