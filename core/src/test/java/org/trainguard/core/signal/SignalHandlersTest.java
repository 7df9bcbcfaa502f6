package org.trainguard.core.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.slf4j.LoggerFactory;
import org.trainguard.testing.Processes;
import org.trainguard.testing.Waits;

@DisabledOnOs(OS.WINDOWS)
class SignalHandlersTest {

    @Test
    void aRealSignalReachesTheCallbackUntilTheHandlersAreClosed() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        long self = ProcessHandle.current().pid();
        // WINCH is harmless (ignored by default); NOSUCH is a signal no platform has and is skipped.
        try (SignalHandlers handlers = SignalHandlers.install(
                "test handler", List.of("NOSUCH", "WINCH"), received::add, LoggerFactory.getLogger("test"))) {
            Processes.signal("WINCH", self);
            Waits.waitFor(() -> !received.isEmpty(), "the WINCH handler");
            assertEquals(List.of("WINCH"), received);
        }
        Processes.signal("WINCH", self);
        Thread.sleep(300);
        assertEquals(List.of("WINCH"), received, "closed handlers see no more signals");
    }
}
