package org.trainguard.examples.library;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.core.lock.RunLock;
import org.trainguard.core.run.SessionState;
import org.trainguard.core.run.SessionStatus;
import org.trainguard.core.run.SessionStore;

class WrapANetworkTest {

    @Test
    void theDocumentedProgramClosesItsSessionBeforeReturningTheExitCode(@TempDir Path tmp) throws Exception {
        assertEquals(0, WrapANetwork.train(tmp, 2));
        SessionState s = new SessionStore(tmp).read().state().orElseThrow();
        assertEquals(SessionStatus.COMPLETED, s.status());
        assertEquals(16, s.step(), "256 points in batches of 32, two epochs");
        // closed: the lock is free for the next start (a System.exit inside the try block would leave it to a dead
        // process)
        try (RunLock lock = RunLock.acquire(tmp, "")) {
            assertEquals(ProcessHandle.current().pid(), lock.info().pid());
        }
        // started again, it resumes at the end and trains no further
        assertEquals(0, WrapANetwork.train(tmp, 2));
        assertEquals(16, new SessionStore(tmp).read().state().orElseThrow().step());
    }
}
