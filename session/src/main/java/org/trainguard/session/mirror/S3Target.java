package org.trainguard.session.mirror;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.trainguard.config.MirrorConfig;
import org.trainguard.core.mirror.MirrorTarget;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A mirror in an S3-compatible bucket. Credentials come from the SDK's default chain (AWS_ACCESS_KEY_ID and
 * AWS_SECRET_ACCESS_KEY, AWS_PROFILE and {@code ~/.aws/credentials}, a container or instance role), never from the
 * configuration. With an endpoint (MinIO, Ceph, a NAS's S3 service) keys are addressed path-style, and checksums
 * are sent only where the service requires them, which S3-compatible servers accept.
 */
public final class S3Target implements MirrorTarget {

    private final MirrorConfig.S3 bucket;
    private final S3Client client;

    /**
     * @param bucket where the run's files go
     */
    public S3Target(MirrorConfig.S3 bucket) {
        this.bucket = bucket;
        S3ClientBuilder b = S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .region(Region.of(bucket.region()))
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        bucket.endpoint().ifPresent(uri -> b.endpointOverride(uri).forcePathStyle(true));
        this.client = b.build();
    }

    @Override
    public String describe() {
        return "s3://" + bucket.bucket() + (bucket.prefix().isEmpty() ? "" : "/" + bucket.prefix())
                + bucket.endpoint().map(e -> " at " + e).orElse("");
    }

    @Override
    public void put(String key, Path source) throws IOException {
        try {
            client.putObject(r -> r.bucket(bucket.bucket()).key(full(key)), RequestBody.fromFile(source));
        } catch (SdkException e) {
            throw failed("copy " + key + " to", e);
        }
    }

    @Override
    public InputStream get(String key) throws IOException {
        try {
            return client.getObject(r -> r.bucket(bucket.bucket()).key(full(key)));
        } catch (NoSuchKeyException e) {
            throw new NoSuchFileException(describe() + "/" + key);
        } catch (SdkException e) {
            throw failed("read " + key + " from", e);
        }
    }

    @Override
    public List<String> list(String prefix) throws IOException {
        String base = bucket.prefix().isEmpty() ? "" : bucket.prefix() + "/";
        List<String> keys = new ArrayList<>();
        try {
            for (S3Object o : client.listObjectsV2Paginator(
                            r -> r.bucket(bucket.bucket()).prefix(base + prefix))
                    .contents()) {
                keys.add(o.key().substring(base.length()));
            }
        } catch (SdkException e) {
            throw failed("list " + prefix + " in", e);
        }
        return keys;
    }

    @Override
    public void delete(String key) throws IOException {
        try {
            client.deleteObject(r -> r.bucket(bucket.bucket()).key(full(key)));
        } catch (SdkException e) {
            throw failed("delete " + key + " from", e);
        }
    }

    @Override
    public void close() {
        client.close();
    }

    private String full(String key) {
        return bucket.prefix().isEmpty() ? key : bucket.prefix() + "/" + key;
    }

    private IOException failed(String what, SdkException e) {
        return new IOException("cannot " + what + " " + describe() + ": " + e.getMessage(), e);
    }
}
