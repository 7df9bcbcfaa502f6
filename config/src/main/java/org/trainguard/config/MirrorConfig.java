package org.trainguard.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where committed checkpoints are copied as a second, verified copy ({@code checkpoint.mirror}): a folder
 * (another disk, a NAS mount) or an S3-compatible bucket. Exactly one of the two is set.
 *
 * <p>Credentials for a bucket come only from the environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY,
 * or AWS_PROFILE and {@code ~/.aws/credentials}); the configuration never holds them.
 *
 * @param path the mirror folder, when mirroring to a folder
 * @param s3   the bucket, when mirroring to S3
 */
public record MirrorConfig(Optional<Path> path, Optional<S3> s3) {

    static final String SECTION = "checkpoint.mirror";
    /** {@code checkpoint.mirror.path}. */
    public static final Key<Path> PATH = Key.path(SECTION, "path").documented("");
    /** {@code checkpoint.mirror.s3}. */
    public static final Key<Void> S3_SECTION = Key.section(SECTION, "s3");

    static final Keys KEYS = Keys.of(SECTION, PATH, S3_SECTION);

    /** Keys that would carry a credential; each is refused with a message saying where credentials go. */
    static final Set<String> CREDENTIAL_KEYS = Set.of(
            "access_key",
            "access_key_id",
            "aws_access_key_id",
            "secret_key",
            "secret_access_key",
            "aws_secret_access_key",
            "session_token",
            "aws_session_token",
            "password",
            "credentials");

    /** Checks that exactly one target is set. */
    public MirrorConfig {
        Checks.notNull(PATH.path(), path);
        Checks.notNull(S3_SECTION.path(), s3);
        if (path.isPresent() == s3.isPresent()) {
            throw new ConfigException(
                    "checkpoint.mirror",
                    "checkpoint.mirror needs exactly one of path or s3, found "
                            + (path.isPresent() ? "both" : "neither"));
        }
    }

    /**
     * A mirror folder.
     *
     * @param folder the folder, absolute
     * @return the mirror settings
     */
    public static MirrorConfig folder(Path folder) {
        return new MirrorConfig(Optional.of(folder), Optional.empty());
    }

    /**
     * An S3-compatible bucket.
     *
     * @param endpoint the service's URL (http or https); empty for AWS itself
     * @param bucket   the bucket name
     * @param prefix   the key prefix the run's files go under, without a leading or trailing slash; may be empty
     * @param region   the signing region
     */
    public record S3(Optional<URI> endpoint, String bucket, String prefix, String region) {

        static final String SECTION = "checkpoint.mirror.s3";
        /** {@code checkpoint.mirror.s3.endpoint}: AWS itself by default. */
        public static final Key<String> ENDPOINT =
                Key.text(SECTION, "endpoint", null).typed("URL").documented("AWS");
        /** {@code checkpoint.mirror.s3.bucket}. */
        public static final Key<String> BUCKET =
                Key.text(SECTION, "bucket", "").checked(Checks::notBlank).documented("");
        /** {@code checkpoint.mirror.s3.prefix}. */
        public static final Key<String> PREFIX = Key.text(SECTION, "prefix", "");
        /** {@code checkpoint.mirror.s3.region}. */
        public static final Key<String> REGION =
                Key.text(SECTION, "region", "us-east-1").checked(Checks::notBlank);

        static final Keys KEYS = Keys.of(SECTION, ENDPOINT, BUCKET, PREFIX, REGION);

        /** Checks the bucket, prefix and endpoint; errors name the key and the value. */
        public S3 {
            Checks.notNull(ENDPOINT.path(), endpoint);
            BUCKET.check(bucket);
            REGION.check(region);
            prefix = prefix == null ? "" : prefix.strip();
            while (prefix.startsWith("/")) {
                prefix = prefix.substring(1);
            }
            while (prefix.endsWith("/")) {
                prefix = prefix.substring(0, prefix.length() - 1);
            }
            endpoint.ifPresent(uri -> {
                String scheme = uri.getScheme();
                if (!"http".equals(scheme) && !"https".equals(scheme) || uri.getHost() == null) {
                    throw new ConfigException(
                            "checkpoint.mirror.s3.endpoint",
                            "checkpoint.mirror.s3.endpoint must be an http or https URL, found "
                                    + Checks.quote(uri.toString()));
                }
                if (uri.getUserInfo() != null) {
                    throw new ConfigException(
                            "checkpoint.mirror.s3.endpoint",
                            "checkpoint.mirror.s3.endpoint must not carry "
                                    + "credentials (user:password@); set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment");
                }
            });
        }
    }

    /** @return how the mirror is named in logs and {@code trainer status}: a folder path or {@code s3://bucket/prefix} */
    public String describe() {
        return path.map(Path::toString).orElseGet(() -> {
            S3 b = s3.orElseThrow();
            return "s3://" + b.bucket() + (b.prefix().isEmpty() ? "" : "/" + b.prefix())
                    + b.endpoint().map(e -> " at " + e).orElse("");
        });
    }

    /** {@code checkpoint.mirror} of a checkpoint section: empty when absent or {@code null}. */
    static Optional<MirrorConfig> read(YamlSection checkpoint) {
        if (checkpoint.present(CheckpointConfig.MIRROR.name()).isEmpty()) {
            return Optional.empty();
        }
        YamlSection mirror = checkpoint.section(KEYS.name(), withCredentialKeys(KEYS));
        refuseCredentials(mirror);
        Optional<S3> s3 = Optional.empty();
        if (mirror.present(S3_SECTION.name()).isPresent()) {
            YamlSection b = mirror.section(S3.KEYS.name(), withCredentialKeys(S3.KEYS));
            refuseCredentials(b);
            Optional<URI> endpoint = b.optional(S3.ENDPOINT).map(text -> {
                try {
                    return new URI(text.strip());
                } catch (URISyntaxException e) {
                    throw new ConfigException(
                            S3.ENDPOINT.path(),
                            S3.ENDPOINT.path() + " is not a URL (" + e.getReason() + "), found " + Checks.quote(text));
                }
            });
            s3 = Optional.of(new S3(endpoint, b.get(S3.BUCKET), b.get(S3.PREFIX), b.get(S3.REGION)));
        }
        return Optional.of(new MirrorConfig(mirror.optional(PATH), s3));
    }

    private static Set<String> withCredentialKeys(Keys keys) {
        Set<String> all = new LinkedHashSet<>(keys.names());
        all.addAll(CREDENTIAL_KEYS);
        return all;
    }

    /** A credential in the file is refused by its key alone: the value is never echoed, logged or kept. */
    private static void refuseCredentials(YamlSection section) {
        for (String name : CREDENTIAL_KEYS) {
            if (section.has(name)) {
                throw new ConfigException(
                        section.key(name),
                        section.key(name) + " is not read from the configuration: "
                                + "credentials come only from the environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or "
                                + "AWS_PROFILE with ~/.aws/credentials); remove the key from the file");
            }
        }
    }

    Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        path.ifPresent(p -> PATH.put(map, p));
        s3.ifPresent(b -> {
            Map<String, Object> s = new LinkedHashMap<>();
            S3.ENDPOINT.put(s, b.endpoint().map(URI::toString).orElse(null));
            S3.BUCKET.put(s, b.bucket());
            S3.PREFIX.put(s, b.prefix());
            S3.REGION.put(s, b.region());
            map.put(S3_SECTION.name(), s);
        });
        return map;
    }
}
