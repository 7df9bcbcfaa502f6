package org.trainguard.core.lock;

import java.nio.file.Path;

/**
 * A second process for {@link RunLockTest}: takes and releases the run lock of a folder {@code N} times, as
 * trainers starting one after another would, and prints {@code held K}: how many attempts found it held.
 */
final class RunLockRaceMain {

    private RunLockRaceMain() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int attempts = Integer.parseInt(args[1]);
        int held = 0;
        System.out.println("started");
        System.out.flush();
        for (int i = 0; i < attempts; i++) {
            try (RunLock lock = RunLock.acquire(dir, "")) {
                // taken and released at once
            } catch (RunLock.LockHeldException e) {
                held++;
            }
        }
        System.out.println("held " + held);
    }
}
