package org.trainguard.core.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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

    /** Keys that would carry a credential; each is refused with a message saying where credentials go. */
    static final Set<String> CREDENTIAL_KEYS = Set.of("access_key", "access_key_id", "aws_access_key_id", "secret_key",
            "secret_access_key", "aws_secret_access_key", "session_token", "aws_session_token", "password", "credentials");

    /** Checks that exactly one target is set. */
    public MirrorConfig {
        Checks.notNull("checkpoint.mirror.path", path);
        Checks.notNull("checkpoint.mirror.s3", s3);
        if (path.isPresent() == s3.isPresent()) {
            throw new ConfigException("checkpoint.mirror", "checkpoint.mirror needs exactly one of path or s3, found "
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

        /** Checks the bucket, prefix and endpoint; errors name the key and the value. */
        public S3 {
            Checks.notNull("checkpoint.mirror.s3.endpoint", endpoint);
            Checks.notBlank("checkpoint.mirror.s3.bucket", bucket);
            Checks.notBlank("checkpoint.mirror.s3.region", region);
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
                    throw new ConfigException("checkpoint.mirror.s3.endpoint",
                            "checkpoint.mirror.s3.endpoint must be an http or https URL, found " + Checks.quote(uri.toString()));
                }
                if (uri.getUserInfo() != null) {
                    throw new ConfigException("checkpoint.mirror.s3.endpoint", "checkpoint.mirror.s3.endpoint must not carry "
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

    Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        path.ifPresent(p -> map.put("path", p.toString()));
        s3.ifPresent(b -> {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("endpoint", b.endpoint().map(URI::toString).orElse(null));
            s.put("bucket", b.bucket());
            s.put("prefix", b.prefix());
            s.put("region", b.region());
            map.put("s3", s);
        });
        return map;
    }
}
