package org.comfyapi.server.storage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Against s3proxy, a real S3 API server, with the real AWS SDK on both sides. */
@Timeout(60)
class S3StoreTest {
    private static final String BUCKET = "comfy-test";
    private static final long MB = 1024 * 1024;

    private static S3ProxyServer s3;
    private static S3Client admin;
    private static RemoteFiles files;

    @TempDir Path dir;

    @BeforeAll
    static void start() throws Exception {
        s3 = S3ProxyServer.get();
        admin = s3.client();
        s3.bucket(admin, BUCKET);
        files = new RemoteFiles(StorageSettings.fromEnv(s3.awsEnv())
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(10))
                .withMultipart(5 * MB, 5 * MB));
    }

    @AfterAll
    static void stop() {
        if (files != null) files.close();
        if (admin != null) admin.close();
    }

    @Test
    void downloadsAnObjectWithItsMetadata() throws Exception {
        byte[] body = HttpDownloadTest.bytes(700_000, 7);
        admin.putObject(b -> b.bucket(BUCKET).key("models/a b.safetensors").contentType("application/octet-stream")
                .contentDisposition("attachment; filename=\"real-name.safetensors\""), RequestBody.fromBytes(body));
        Path destination = dir.resolve("dl.tmp");
        DownloadResult result = files.download(URI.create("s3://" + BUCKET + "/models/a%20b.safetensors"), destination, Optional.empty());
        assertThat(result.size()).isEqualTo(body.length);
        assertThat(result.contentType()).contains("application/octet-stream");
        assertThat(result.filename()).contains("real-name.safetensors");
        assertThat(Files.readAllBytes(destination)).isEqualTo(body);
    }

    @Test
    void missingObjectIsAClearError() throws Exception {
        Path destination = dir.resolve("missing.tmp");
        Files.writeString(destination, "stale");
        assertThatThrownBy(() -> files.download(URI.create("s3://" + BUCKET + "/nope/missing.png"), destination, Optional.empty()))
                .isInstanceOf(DownloadException.class)
                .hasMessage("S3 object not found: s3://" + BUCKET + "/nope/missing.png")
                .satisfies(e -> assertThat(((DownloadException) e).reason()).isEqualTo(DownloadException.Reason.NOT_FOUND));
        assertThat(destination).doesNotExist();
    }

    @Test
    void missingBucketIsAClearError() {
        assertThatThrownBy(() -> files.download(URI.create("s3://no-such-bucket-x/k.png"), dir.resolve("x"), Optional.empty()))
                .isInstanceOf(DownloadException.class)
                .hasMessage("S3 bucket not found: no-such-bucket-x");
    }

    @Test
    void smallUploadIsOnePutObject() throws Exception {
        byte[] body = HttpDownloadTest.bytes(123_456, 3);
        Path file = Files.write(dir.resolve("ComfyUI_00001_.png"), body);
        String url = files.upload(file, "req1_ComfyUI_00001_.png", new UploadTarget.S3(BUCKET, "outputs/", false), Optional.empty());
        assertThat(url).isEqualTo("s3://" + BUCKET + "/outputs/req1_ComfyUI_00001_.png");
        var head = admin.headObject(b -> b.bucket(BUCKET).key("outputs/req1_ComfyUI_00001_.png"));
        assertThat(head.contentType()).isEqualTo("image/png");
        assertThat(admin.getObjectAsBytes(b -> b.bucket(BUCKET).key("outputs/req1_ComfyUI_00001_.png")).asByteArray()).isEqualTo(body);
    }

    @Test
    void largeUploadGoesInParts() throws Exception {
        byte[] body = HttpDownloadTest.bytes((int) (20 * MB + 12_345), 4);
        Path file = Files.write(dir.resolve("video.mp4"), body);
        String url = files.upload(file, new UploadTarget.S3(BUCKET, "big/", false));
        assertThat(url).isEqualTo("s3://" + BUCKET + "/big/video.mp4");
        var head = admin.headObject(b -> b.bucket(BUCKET).key("big/video.mp4"));
        assertThat(head.contentLength()).isEqualTo(body.length);
        assertThat(head.eTag()).endsWith("-5\"");
        Path back = dir.resolve("back.tmp");
        files.download(URI.create(url), back, Optional.empty());
        assertThat(Files.mismatch(file, back)).isEqualTo(-1);
        assertThat(admin.listMultipartUploads(b -> b.bucket(BUCKET)).uploads()).isEmpty();
    }

    @Test
    void requestCredentialsCarryTheirOwnEndpointAndRegion() throws Exception {
        byte[] body = HttpDownloadTest.bytes(10_000, 5);
        admin.putObject(b -> b.bucket(BUCKET).key("own/creds.bin"), RequestBody.fromBytes(body));
        // no AWS variables at all: everything comes from the request's s3 credentials
        try (RemoteFiles bare = new RemoteFiles(StorageSettings.fromEnv(Map.of()).withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(10)))) {
            Auth keys = new Auth.S3Keys(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY, Optional.empty(),
                    Optional.of("eu-central-1"), Optional.of(s3.endpoint));
            Path destination = dir.resolve("own.tmp");
            bare.download(URI.create("s3://" + BUCKET + "/own/creds.bin"), destination, Optional.of(keys));
            assertThat(Files.readAllBytes(destination)).isEqualTo(body);
            String url = bare.upload(destination, "uploaded.bin", new UploadTarget.S3(BUCKET, "own/", false), Optional.of(keys));
            assertThat(admin.getObjectAsBytes(b -> b.bucket(BUCKET).key("own/uploaded.bin")).asByteArray()).isEqualTo(body);
            assertThat(url).isEqualTo("s3://" + BUCKET + "/own/uploaded.bin");

            Auth wrong = new Auth.S3Keys(S3ProxyServer.ACCESS_KEY, "wrong-secret-value", Optional.empty(),
                    Optional.of("eu-central-1"), Optional.of(s3.endpoint));
            assertThatThrownBy(() -> bare.download(URI.create("s3://" + BUCKET + "/own/creds.bin"), destination, Optional.of(wrong)))
                    .isInstanceOf(DownloadException.class)
                    .hasMessageStartingWith("access denied to s3://" + BUCKET + "/own/creds.bin")
                    .hasMessageNotContaining("wrong-secret-value");
            Path upload = Files.write(dir.resolve("x.bin"), body);
            assertThatThrownBy(() -> bare.upload(upload, "x.bin", new UploadTarget.S3(BUCKET, "own/", false), Optional.of(wrong)))
                    .isInstanceOf(UploadException.class)
                    .hasMessageStartingWith("access denied to s3://" + BUCKET + "/own/x.bin")
                    .hasMessageNotContaining("wrong-secret-value");
        }
    }

    @Test
    void unreachableEndpointIsAClearError() throws Exception {
        int port = ChildServers.freePort();
        Auth keys = new Auth.S3Keys("a", "b", Optional.empty(), Optional.empty(), Optional.of("http://127.0.0.1:" + port));
        assertThatThrownBy(() -> files.download(URI.create("s3://" + BUCKET + "/k"), dir.resolve("u"), Optional.of(keys)))
                .isInstanceOf(DownloadException.class)
                .hasMessage("connection refused: 127.0.0.1:" + port + " (for s3://" + BUCKET + "/k)");
    }

    @Test
    void cutOffObjectBodyIsAClearError() throws Exception {
        try (RawServer raw = new RawServer(socket -> {
            var out = socket.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 200000\r\n"
                    + "ETag: \"abc\"\r\n\r\n").getBytes());
            out.write(new byte[70_000]);
            out.flush();
        })) {
            Auth keys = new Auth.S3Keys("a", "b", Optional.empty(), Optional.empty(), Optional.of(raw.url("").toString()));
            Path destination = dir.resolve("cut.tmp");
            assertThatThrownBy(() -> files.download(URI.create("s3://bucket/cut.bin"), destination, Optional.of(keys)))
                    .isInstanceOf(DownloadException.class)
                    .hasMessageStartingWith("download cut off after ")
                    .hasMessageContaining("of 200000 bytes from s3://bucket/cut.bin");
            assertThat(destination).doesNotExist();
        }
    }

    @Test
    void stalledObjectBodyTimesOut() throws Exception {
        try (RawServer raw = RawServer.stalled(200_000, 1000);
             RemoteFiles quick = new RemoteFiles(StorageSettings.fromEnv(Map.of())
                     .withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(700)))) {
            Auth keys = new Auth.S3Keys("a", "b", Optional.empty(), Optional.empty(), Optional.of(raw.url("").toString()));
            assertThatThrownBy(() -> quick.download(URI.create("s3://bucket/stall.bin"), dir.resolve("stall.tmp"), Optional.of(keys)))
                    .isInstanceOf(DownloadException.class)
                    .hasMessageContaining("timed out")
                    .satisfies(e -> assertThat(((DownloadException) e).reason()).isEqualTo(DownloadException.Reason.TIMEOUT));
        }
    }

    @Test
    void aSecondUploadToTheSameKeyAbortsTheFirstMultipartUpload() throws Exception {
        Path older = Files.write(dir.resolve("older.bin"), HttpDownloadTest.bytes((int) (20 * MB), 51));
        byte[] newer = HttpDownloadTest.bytes(100_000, 52);
        Path newerFile = Files.write(dir.resolve("newer.bin"), newer);
        UploadTarget target = new UploadTarget.S3(BUCKET, "race/", false);
        try (TestProxy slow = new TestProxy(); RemoteFiles proxied = new RemoteFiles(StorageSettings.fromEnv(Map.of(
                        "AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY,
                        "AWS_ENDPOINT_URL", s3.endpoint, "HTTP_PROXY", slow.address()))
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(10)).withMultipart(5 * MB, 5 * MB));
             var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            slow.delayMillis = 300;
            var first = executor.submit(() -> proxied.upload(older, "out.bin", target, Optional.empty()));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (slow.forwarded.stream().noneMatch(u -> String.valueOf(u.getQuery()).contains("partNumber=1"))) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                Thread.sleep(20);
            }
            String url = proxied.upload(newerFile, "out.bin", target, Optional.empty());
            assertThat(url).isEqualTo("s3://" + BUCKET + "/race/out.bin");
            assertThatThrownBy(first::get).cause()
                    .isInstanceOf(UploadException.class)
                    .hasMessage("upload to s3://" + BUCKET + "/race/out.bin was superseded by a newer upload to the same URL");
        }
        assertThat(admin.getObjectAsBytes(b -> b.bucket(BUCKET).key("race/out.bin")).asByteArray()).isEqualTo(newer);
        assertThat(admin.listMultipartUploads(b -> b.bucket(BUCKET)).uploads()).isEmpty();
    }
}
