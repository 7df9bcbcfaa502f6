package org.trainguard.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class TerminalTextTest {

    @Test
    void controlBytesAreShownNotObeyed() {
        assertEquals(
                "\\e]0;pwned\\u0007\\e[2J tab\\there", TerminalText.escape("\u001b]0;pwned\u0007\u001b[2J tab\there"));
        assertEquals("line\\nbreak\\r \\u009b \\u202e", TerminalText.escape("line\nbreak\r \u009b \u202e"));
    }

    @Test
    void ordinaryTextIsUnchanged() {
        String text = "how do I reset my password? パスワード C:\\path";
        assertSame(text, TerminalText.escape(text));
    }
}
