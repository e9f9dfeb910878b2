package org.comfyapi.server.storage;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * s3proxy (an S3 API over an in-memory jclouds blobstore) as a child JVM, shared by every test in
 * the run. Its jar is copied into target/s3proxy by the build (maven-dependency-plugin).
 */
public final class S3ProxyServer {
    public static final String ACCESS_KEY = "test-access-key";
    public static final String SECRET_KEY = "test-secret-key-never-logged";

    private static S3ProxyServer instance;

    public final String endpoint;

    private S3ProxyServer(String endpoint) {
        this.endpoint = endpoint;
    }

    /** An SDK client with the server's keys, for tests to create buckets and read what was uploaded. */
    public S3Client client() {
        return S3Client.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(URI.create(endpoint))
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }

    /** The environment that points the server's S3 client at this server, with its keys. */
    public Map<String, String> awsEnv() {
        return Map.of("AWS_ACCESS_KEY_ID", ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", SECRET_KEY,
                "AWS_REGION", "us-east-1", "AWS_ENDPOINT_URL", endpoint);
    }

    /** Creates {@code bucket} unless it exists. */
    public void bucket(S3Client client, String bucket) {
        if (client.listBuckets().buckets().stream().noneMatch(b -> b.name().equals(bucket))) {
            client.createBucket(b -> b.bucket(bucket));
        }
    }

    public static synchronized S3ProxyServer get() throws IOException, InterruptedException {
        if (instance != null) return instance;
        Path jar = Path.of(System.getProperty("s3proxy.jar", "target/s3proxy/s3proxy.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run the tests through Maven, which copies it there");
        }
        Path dir = jar.getParent();
        int port = ChildServers.freePort();
        String endpoint = "http://127.0.0.1:" + port;
        Path properties = dir.resolve("s3proxy-" + port + ".properties");
        Files.writeString(properties, String.join("\n",
                "s3proxy.endpoint=" + endpoint,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS_KEY,
                "s3proxy.credential=" + SECRET_KEY,
                "jclouds.provider=transient-nio2",
                "jclouds.identity=unused",
                "jclouds.credential=unused",
                ""));
        String java = ProcessHandle.current().info().command().orElse("java");
        ChildServers.start(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString(),
                        "--properties", properties.toString()),
                dir, dir.resolve("s3proxy-" + port + ".log"), port, Duration.ofSeconds(60));
        instance = new S3ProxyServer(endpoint);
        return instance;
    }
}
