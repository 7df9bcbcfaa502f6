package org.trainguard.watchdog.install;

/**
 * The outcome of one prerequisite check before an install.
 *
 * @param passed  whether the install may go on as far as this check goes
 * @param message what was checked and what was found, one sentence
 */
record Check(boolean passed, String message) {

    static Check ok(String message) {
        return new Check(true, message);
    }

    static Check failed(String message) {
        return new Check(false, message);
    }
}
