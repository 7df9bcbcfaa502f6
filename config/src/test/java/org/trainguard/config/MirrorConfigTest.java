package org.trainguard.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code checkpoint.mirror}: a folder or a bucket, and never a credential. */
class MirrorConfigTest {

    private static final String DATA = "data: {train: train.jsonl}\n";

    @TempDir
    Path dir;

    private TrainguardConfig parse(String checkpoint) throws Exception {
        java.nio.file.Files.writeString(dir.resolve("train.jsonl"), "{\"text\": \"hi\", \"label\": \"ALLOW\"}\n");
        return ConfigLoader.parse(DATA + "checkpoint:\n" + checkpoint, dir);
    }

    @Test
    void aFolderResolvesAgainstTheConfigFile() throws Exception {
        TrainguardConfig c = parse("  mirror: {path: nas/run1}\n");
        assertEquals(
                Optional.of(dir.resolve("nas/run1").toAbsolutePath().normalize()),
                c.checkpoint().mirror().orElseThrow().path());
        assertTrue(c.toYaml().contains("mirror"), c.toYaml());
    }

    @Test
    void aBucketTakesEndpointBucketPrefixAndRegion() throws Exception {
        TrainguardConfig c =
                parse("  mirror:\n    s3: {endpoint: 'http://127.0.0.1:9000', bucket: runs, prefix: /team/run1/}\n");
        MirrorConfig.S3 s3 = c.checkpoint().mirror().orElseThrow().s3().orElseThrow();
        assertEquals(Optional.of(URI.create("http://127.0.0.1:9000")), s3.endpoint());
        assertEquals("runs", s3.bucket());
        assertEquals("team/run1", s3.prefix());
        assertEquals("us-east-1", s3.region());
        assertEquals(
                "s3://runs/team/run1 at http://127.0.0.1:9000",
                c.checkpoint().mirror().orElseThrow().describe());
    }

    @Test
    void noMirrorLeavesTheCanonicalConfigUnchanged() throws Exception {
        TrainguardConfig c = parse("  keep_last: 2\n");
        assertEquals(Optional.empty(), c.checkpoint().mirror());
        assertFalse(c.toYaml().contains("mirror"), "configurations without a mirror keep their hash");
    }

    @Test
    void aCredentialInTheFileIsAnErrorNamingTheKeyButNotTheValue() {
        for (String key :
                new String[] {"secret_access_key", "access_key_id", "aws_secret_access_key", "session_token"}) {
            ConfigException e = assertThrows(
                    ConfigException.class,
                    () -> parse("  mirror:\n    s3: {bucket: runs, " + key + ": Sup3rSecretValue}\n"));
            assertEquals("checkpoint.mirror.s3." + key, e.key());
            assertTrue(
                    e.getMessage().contains("checkpoint.mirror.s3." + key + " is not read from the configuration"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("AWS_SECRET_ACCESS_KEY"), e.getMessage());
            assertFalse(e.getMessage().contains("Sup3rSecretValue"), e.getMessage());
        }
        ConfigException e =
                assertThrows(ConfigException.class, () -> parse("  mirror: {path: nas, password: Sup3rSecretValue}\n"));
        assertEquals("checkpoint.mirror.password", e.key());
        assertFalse(e.getMessage().contains("Sup3rSecretValue"), e.getMessage());
    }

    @Test
    void exactlyOneTargetAndAUsableEndpoint() {
        assertEquals(
                "checkpoint.mirror needs exactly one of path or s3, found both",
                assertThrows(ConfigException.class, () -> parse("  mirror: {path: nas, s3: {bucket: runs}}\n"))
                        .problem());
        assertEquals(
                "checkpoint.mirror needs exactly one of path or s3, found neither",
                assertThrows(ConfigException.class, () -> parse("  mirror: {}\n"))
                        .problem());
        assertEquals(
                "checkpoint.mirror.s3.bucket must not be blank, found \"\"",
                assertThrows(ConfigException.class, () -> parse("  mirror: {s3: {prefix: x}}\n"))
                        .problem());
        ConfigException userInfo = assertThrows(
                ConfigException.class,
                () -> parse("  mirror: {s3: {bucket: b, endpoint: 'http://id:Sup3rSecretValue@127.0.0.1:9000'}}\n"));
        assertFalse(userInfo.getMessage().contains("Sup3rSecretValue"), userInfo.getMessage());
        assertTrue(
                assertThrows(ConfigException.class, () -> parse("  mirror: {s3: {bucket: b, endpoint: 'ftp://x'}}\n"))
                        .problem()
                        .startsWith("checkpoint.mirror.s3.endpoint must be an http or https URL"));
    }
}
