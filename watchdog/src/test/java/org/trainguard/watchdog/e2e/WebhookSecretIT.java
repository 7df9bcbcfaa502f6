package org.trainguard.watchdog.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhook URL is a secret: after a whole supervised run (checkpoints, {@code final/}, session, logs, metrics,
 * report) and a config error about it, no file of the run and no line printed holds it.
 */
class WebhookSecretIT {

    /** Port 9 (discard) refuses connections here: every post fails and is logged, which is what the test wants. */
    private static final String HOOK = "http://127.0.0.1:9/services/T0KEN-7f3a/S3CRET?key=K3Y-91";

    private static final List<String> SECRETS = List.of("T0KEN-7f3a", "S3CRET", "K3Y-91");

    @TempDir
    Path dir;

    @Test
    void noFileOfASupervisedRunHoldsTheWebhookUrl() throws Exception {
        String yaml = RealRun.standardConfig() + "watchdog:\n  webhook: \"" + HOOK + "\"\n";
        try (RealRun run = RealRun.create(dir, yaml)) {
            Process watchdog = run.watchdogRun("--check-interval", "1s");
            assertEquals(0, run.awaitExit(watchdog, RealRun.PATIENCE), run.output(watchdog));
            assertTrue(Files.isDirectory(run.out.resolve("final")), "the run completed");
            assertTrue(Files.isDirectory(run.out.resolve("checkpoints")), "checkpoints were written");
            assertTrue(
                    run.log().contains("webhook http://127.0.0.1:9/..."),
                    "the log names the webhook redacted:\n" + run.log());
            List<String> leaks = leaks(dir, run.output(watchdog));
            assertEquals(List.of(), leaks);
        }
    }

    @Test
    void aConfigErrorAboutTheWebhookDoesNotPrintIt() throws Exception {
        String yaml = RealRun.standardConfig()
                + "watchdog:\n  webhook: \"ftp://127.0.0.1/services/T0KEN-7f3a/S3CRET?key=K3Y-91\"\n";
        try (RealRun run = RealRun.create(dir, yaml)) {
            Process watchdog = run.watchdogRun();
            assertEquals(2, run.awaitExit(watchdog, RealRun.PATIENCE), run.output(watchdog));
            assertTrue(
                    run.output(watchdog)
                            .contains("watchdog.webhook must be an http or https URL, found \"ftp://127.0.0.1/...\""),
                    run.output(watchdog));
            assertEquals(List.of(), leaks(dir, run.output(watchdog)));
        }
    }

    /** Every file under the folder (except the config, which the user wrote) and the console text that holds a secret. */
    private static List<String> leaks(Path root, String console) throws Exception {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                if (f.getFileName().toString().equals("train.yaml")) {
                    continue;
                }
                String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                for (String secret : SECRETS) {
                    if (text.contains(secret)) {
                        found.add(root.relativize(f) + " holds " + secret);
                    }
                }
                if (f.getFileName().toString().endsWith(".zip")) {
                    try (var zip = new java.util.zip.ZipFile(f.toFile())) {
                        for (var e : java.util.Collections.list(zip.entries())) {
                            String entry =
                                    new String(zip.getInputStream(e).readAllBytes(), StandardCharsets.ISO_8859_1);
                            SECRETS.stream()
                                    .filter(entry::contains)
                                    .forEach(s -> found.add(root.relativize(f) + "!" + e.getName() + " holds " + s));
                        }
                    }
                }
            }
        }
        SECRETS.stream().filter(console::contains).forEach(s -> found.add("the console output holds " + s));
        return found;
    }
}
