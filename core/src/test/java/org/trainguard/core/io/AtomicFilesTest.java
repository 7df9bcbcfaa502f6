package org.trainguard.core.io;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @Test
    void aFolderThatCannotBeFlushedIsReportedNotIgnored(@TempDir Path tmp) throws Exception {
        AtomicFiles.fsyncDirectory(tmp); // a real folder flushes
        Path gone = tmp.resolve("gone");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.fsyncDirectory(gone));
        assertTrue(e.getMessage().contains(gone.toString()), e.getMessage());
    }
}
