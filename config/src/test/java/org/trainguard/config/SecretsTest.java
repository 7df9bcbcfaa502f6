package org.trainguard.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The webhook URL is a secret: what a configuration writes or prints never holds it. */
class SecretsTest {

    private static final String HOOK = "https://hooks.example.com/services/T0KEN/S3CRET?key=K3Y";

    @TempDir
    Path dir;

    @Test
    void theResolvedConfigurationShowsTheWebhookRedacted() throws Exception {
        Files.writeString(dir.resolve("train.jsonl"), "{\"text\": \"a\", \"label\": \"ALLOW\"}\n");
        Files.writeString(
                dir.resolve("train.yaml"), "data:\n  train: train.jsonl\nwatchdog:\n  webhook: " + HOOK + "\n");
        TrainguardConfig c = ConfigLoader.load(dir.resolve("train.yaml"));
        assertEquals(Optional.of(URI.create(HOOK)), c.watchdog().webhook(), "the watchdog still gets the real URL");
        for (String written : new String[] {c.toYaml(), c.toMap().toString()}) {
            for (String secret : new String[] {"T0KEN", "S3CRET", "K3Y"}) {
                assertFalse(written.contains(secret), written);
            }
        }
        assertEquals(
                "https://hooks.example.com/...",
                ((java.util.Map<?, ?>) c.toMap().get("watchdog")).get("webhook"));
    }

    @Test
    void aConfigurationBuiltInCodeWithAnotherWebhookHasAnotherFingerprint() {
        TrainguardConfig base = TrainguardConfig.defaults(dir);
        WatchdogConfig w = base.watchdog();
        TrainguardConfig one = withHook(base, w, "https://hooks.example.com/services/ONE");
        TrainguardConfig two = withHook(base, w, "https://hooks.example.com/services/TWO");
        assertEquals(one.toYaml(), two.toYaml(), "both redact to the same text");
        assertNotEquals(one.sha256(), two.sha256(), "yet they are different configurations");
    }

    private static TrainguardConfig withHook(TrainguardConfig c, WatchdogConfig w, String hook) {
        WatchdogConfig hooked = new WatchdogConfig(
                w.checkInterval(),
                w.hangTimeout(),
                w.stopTimeout(),
                w.backoffInitial(),
                w.backoffMax(),
                w.crashLoopFailures(),
                w.crashLoopWindow(),
                Optional.of(URI.create(hook)),
                w.audio(),
                w.sound(),
                w.logFile(),
                w.javaOpts());
        return TrainguardConfig.of(
                c.labels(), c.model(), c.data(), c.training(), c.checkpoint(), c.session(), c.eval(), c.loss(), hooked);
    }

    @Test
    void redactionKeepsSchemeHostAndPortOnly() {
        assertEquals("http://127.0.0.1:9/...", Secrets.redact(URI.create("http://user:pw@127.0.0.1:9/a/b?c=d#e")));
        assertEquals("http:...", Secrets.redact("http://exa mple/T0KEN"));
    }
}
