package org.trainguard.watchdog.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import org.junit.jupiter.api.Test;

class WebhookUrlsTest {

    @Test
    void aSlackUrlShowsOnlySchemeAndHost() {
        assertEquals(
                "https://hooks.slack.com/...",
                WebhookUrls.redact(URI.create("https://hooks.slack.com/services/T000/B000/XXXXSECRET")));
    }

    @Test
    void portIsKeptWhileUserInfoQueryAndFragmentGo() {
        assertEquals(
                "http://127.0.0.1:8080/...",
                WebhookUrls.redact(URI.create("http://bot:pa55@127.0.0.1:8080/hook?token=SECRET#x")));
    }

    @Test
    void anErrorMessageQuotingTheUrlIsScrubbed() {
        URI url = URI.create("https://discord.com/api/webhooks/123/SECRET?wait=true");
        assertEquals(
                "POST https://discord.com/... failed; path ... rejected",
                WebhookUrls.scrub("POST " + url + " failed; path /api/webhooks/123/SECRET rejected", url));
        assertEquals("", WebhookUrls.scrub(null, url));
    }
}
