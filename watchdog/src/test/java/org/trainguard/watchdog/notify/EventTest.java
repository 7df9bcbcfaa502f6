package org.trainguard.watchdog.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EventTest {

    @Test
    void textIsOneSentenceWithRunStepAndReason() {
        Event failed = new Event(EventKind.FAILED, "four_class", 1458, "data error (exit code 3)");
        assertEquals("trainguard: run four_class failed at step 1458: data error (exit code 3)", failed.text("x"));

        Event restarted = new Event(EventKind.RESTARTED, "four_class", 2916, "");
        assertEquals("trainguard: run four_class was restarted at step 2916", restarted.text("x"));
    }

    @Test
    void aBlankRunTakesTheSettingsRunName() {
        assertEquals(
                "trainguard: run train_four_class completed at step 10",
                new Event(EventKind.COMPLETED, " ", 10, "").text("train_four_class"));
    }

    @Test
    void aLongReasonIsCutSoChatServicesAcceptTheMessage() {
        String text = new Event(EventKind.FAILED, "r", 1, "x".repeat(5000)).text("r");
        assertEquals(Event.MAX_TEXT, text.length());
        assertTrue(text.endsWith("..."));
    }

    @Test
    void aNegativeStepIsRefused() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new Event(EventKind.STARTED, "r", -1, ""));
        assertEquals("step must be >= 0, found -1", e.getMessage());
    }

    @Test
    void settingsRefuseAWebhookThatIsNotHttpWithoutShowingItsSecret() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new NotifierSettings(
                        false,
                        Optional.empty(),
                        Optional.of(URI.create("ftp://files.example.com/upload/SECRET")),
                        "r"));
        assertTrue(e.getMessage().contains("ftp://files.example.com/..."), e.getMessage());
        assertFalse(e.getMessage().contains("SECRET"), e.getMessage());
    }
}
