package org.trainguard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class ExitCodeTest {

    @Test
    void noGoodCheckpointIsSixAndNeverRestarted() {
        ExitCode six = ExitCode.of(6).orElseThrow();
        assertEquals(ExitCode.NO_GOOD_CHECKPOINT, six);
        assertFalse(six.restartable(), "a restart would start the run again from step 0");
    }
}
