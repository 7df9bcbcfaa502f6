package org.trainguard.core.lock;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A second process for {@link RecordFileLockTest}: {@code hold FILE} takes the lock, prints {@code locked} and
 * keeps it until its standard input closes (or it is killed); {@code try FILE} tries once, prints
 * {@code acquired} or {@code held}, and exits, releasing what it took.
 */
final class LockHolderMain {

    /** What the test processes write into the lock file. */
    record Note(long pid, String label, Instant at) {}

    private LockHolderMain() {}

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Path file = Path.of(args[1]);
        Note me = new Note(ProcessHandle.current().pid(), "child " + mode, Instant.now());
        RecordFileLock.Attempt<Note> attempt = RecordFileLock.tryAcquire(file, Note.class, me);
        if (!(attempt instanceof RecordFileLock.Acquired<Note> acquired)) {
            System.out.println("held");
            return;
        }
        RecordFileLock<Note> lock = acquired.lock();
        try {
            if (mode.equals("try")) {
                System.out.println("acquired");
                return;
            }
            System.out.println("locked");
            System.out.flush();
            while (System.in.read() != -1) {
                // hold the lock until the test closes our input or kills us
            }
        } finally {
            lock.close();
        }
    }
}
