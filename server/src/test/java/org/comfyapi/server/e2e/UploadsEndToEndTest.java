package org.comfyapi.server.e2e;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import org.comfyapi.server.storage.AzuriteServer;
import org.comfyapi.server.storage.FakeHub;
import org.comfyapi.server.storage.FileServer;
import org.comfyapi.server.storage.S3ProxyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import com.azure.core.util.BinaryData;

import static org.assertj.core.api.Assertions.assertThat;

/** Outputs uploaded to S3 (s3proxy), Azure (Azurite), a loopback Hugging Face Hub and an HTTP PUT receiver, synchronously and in the background. */
@Timeout(180)
class UploadsEndToEndTest {
    private static final String BUCKET = "e2e-outputs";
    private static final String CONTAINER = "e2e-outputs";

    @TempDir
    static Path home;
    static TestServer server;
    static S3Client s3;
    static BlobContainerClient azure;
    static FileServer puts;
    static FakeHub hub;
    static WebhookReceiver receiver;
    static final Map<String, byte[]> putBodies = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        S3ProxyServer s3Server = S3ProxyServer.get();
        s3 = s3Server.client();
        s3Server.bucket(s3, BUCKET);
        AzuriteServer azurite = AzuriteServer.get();
        BlobServiceClient blobs = new BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient();
        azure = blobs.getBlobContainerClient(CONTAINER);
        if (!azure.exists()) azure.create();
        puts = new FileServer();
        hub = new FakeHub("hf_e2e_token", Long.MAX_VALUE, 1);
        receiver = new WebhookReceiver();
        Map<String, String> env = new HashMap<>(s3Server.awsEnv());
        env.putAll(Map.of(
                "AZURE_STORAGE_CONNECTION_STRING", azurite.connectionString(),
                "HTTP_AUTH_HEADER_NAME", "X-Upload-Key",
                "HTTP_AUTH_HEADER_VALUE", "upload-secret",
                "SYSTEM_WEBHOOK_URL", receiver.url("/system"),
                "SYSTEM_WEBHOOK_EVENTS", "storage.file_uploaded",
                "HF_ENDPOINT", hub.endpoint(),
                "HF_TOKEN", "hf_e2e_token"));
        server = TestServer.start(home, env);
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
        if (s3 != null) s3.close();
        if (puts != null) puts.close();
        if (hub != null) hub.close();
        if (receiver != null) receiver.close();
    }

    private static String id() {
        return "up-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static TestServer.Response post(String id, String graph, String extra) throws Exception {
        return server.post("/prompt", """
                {"id": "%s", "prompt": %s, %s}""".formatted(id, graph, extra));
    }

    private static void assertInvertedPng(byte[] png, int rgb, int width) throws Exception {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image.getWidth()).isEqualTo(width);
        InputsEndToEndTest.assertInverted(image, rgb, 1);
    }

    private static byte[] s3Object(String key) {
        return s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asByteArray();
    }

    @Test
    void s3SyncAnswersWithTheUploadedUrls() throws Exception {
        String id = id();
        Map<String, Double> before = PrometheusText.scrape(server);
        TestServer.Response response = post(id, Graphs.invert(0x336699, 16, 8, "s3"),
                "\"s3\": {\"bucket\": \"" + BUCKET + "\", \"prefix\": \"sync/\"}");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(PrometheusText.delta(before, PrometheusText.scrape(server), "comfyui_api_uploads_total{outcome=\"success\"}"))
                .as("uploads counted").isGreaterThanOrEqualTo(1);
        String name = response.json().path("filenames").get(0).asText();
        assertThat(response.json().path("images").get(0).asText()).isEqualTo("s3://" + BUCKET + "/sync/" + name);
        JsonNode stats = response.json().path("stats");
        assertThat(stats.path("upload_time").isIntegralNumber()).as("upload_time in %s", stats).isTrue();
        assertThat(stats.path("upload_time").asLong()).isBetween(0L, stats.path("total_time").asLong());
        assertInvertedPng(s3Object("sync/" + name), 0x336699, 16);
        assertThat(receiver.awaitCount(r -> r.body().contains("storage.file_uploaded") && r.body().contains(name), 1,
                Duration.ofSeconds(10)).getFirst().json().path("data").path("url").asText())
                .isEqualTo("s3://" + BUCKET + "/sync/" + name);
    }

    @Test
    void s3AsyncAnswers202AndUploadsThenSignalsWebhookV2WithUrls() throws Exception {
        String id = id();
        String hook = receiver.url("/s3-async-" + id);
        TestServer.Response response = post(id, Graphs.invert(0x102030, 8, 8, "s3a"),
                "\"s3\": {\"bucket\": \"" + BUCKET + "\", \"prefix\": \"async/\", \"async\": true}, \"webhook_v2\": \"" + hook + "\"");
        assertThat(response.status()).as(response.body()).isEqualTo(202);
        assertThat(response.json().path("status").asText()).isEqualTo("ok");
        assertThat(response.json().path("id").asText()).isEqualTo(id);
        JsonNode complete = receiver.awaitCount(r -> r.path().equals("/s3-async-" + id), 1, Duration.ofSeconds(30))
                .getFirst().json();
        assertThat(complete.path("type").asText()).isEqualTo("prompt.complete");
        String name = complete.path("filenames").get(0).asText();
        assertThat(complete.path("images").get(0).asText()).isEqualTo("s3://" + BUCKET + "/async/" + name);
        assertInvertedPng(s3Object("async/" + name), 0x102030, 8);
    }

    @Test
    void s3AsyncWithoutWebhookUploadsInTheBackground() throws Exception {
        String id = id();
        TestServer.Response response = post(id, Graphs.invert(0x405060, 8, 8, "bg"),
                "\"s3\": {\"bucket\": \"" + BUCKET + "\", \"prefix\": \"bg/\", \"async\": true}");
        assertThat(response.status()).isEqualTo(202);
        String key = "bg/" + id + "_bg_00001_.png";
        TestServer.await(() -> s3.listObjectsV2(b -> b.bucket(BUCKET).prefix(key)).keyCount() > 0,
                Duration.ofSeconds(30), "the background upload");
        assertInvertedPng(s3Object(key), 0x405060, 8);
    }

    @Test
    void azureSyncAndAsync() throws Exception {
        String id = id();
        TestServer.Response sync = post(id, Graphs.invert(0x223344, 8, 8, "az"),
                "\"azure_blob_upload\": {\"container\": \"" + CONTAINER + "\", \"blob_prefix\": \"sync/\"}");
        assertThat(sync.status()).as(sync.body()).isEqualTo(200);
        String name = sync.json().path("filenames").get(0).asText();
        assertThat(sync.json().path("images").get(0).asText())
                .isEqualTo(AzuriteServer.get().blobEndpoint + "/" + CONTAINER + "/sync/" + name);
        assertInvertedPng(azure.getBlobClient("sync/" + name).downloadContent().toBytes(), 0x223344, 8);

        String asyncId = id();
        TestServer.Response async = post(asyncId, Graphs.invert(0x556677, 8, 8, "az"),
                "\"azure_blob_upload\": {\"container\": \"" + CONTAINER + "\", \"blob_prefix\": \"async/\", \"async\": true}");
        assertThat(async.status()).isEqualTo(202);
        String blob = "async/" + asyncId + "_az_00001_.png";
        TestServer.await(() -> azure.getBlobClient(blob).exists(), Duration.ofSeconds(30), "the Azure upload");
        assertInvertedPng(azure.getBlobClient(blob).downloadContent().toBytes(), 0x556677, 8);
    }

    @Test
    void anAzureBlobUrlIsAnInputToo() throws Exception {
        byte[] png = InputsEndToEndTest.encode("png", 0x6080A0, 10, 6);
        var blob = azure.getBlobClient("inputs/" + id() + ".png");
        blob.upload(BinaryData.fromBytes(png));
        TestServer.Response response = server.post("/prompt", Graphs.body(InputsEndToEndTest.loadInvertSave(blob.getBlobUrl())));
        BufferedImage image = InputsEndToEndTest.output(response);
        assertThat(image.getWidth()).isEqualTo(10);
        InputsEndToEndTest.assertInverted(image, 0x6080A0, 1);
    }

    @Test
    void httpUploadPutsEachFileWithTheConfiguredHeader() throws Exception {
        String id = id();
        String prefix = "/put/" + id + "/";
        String name = id + "_hp_00001_.png";
        puts.route(prefix + name, exchange -> {
            byte[] body = FileServer.readBody(exchange);
            if (!"PUT".equals(exchange.getRequestMethod()) || !"upload-secret".equals(exchange.getRequestHeaders().getFirst("X-Upload-Key"))) {
                FileServer.send(exchange, 403, new byte[0], null);
                return;
            }
            putBodies.put(exchange.getRequestURI().getPath(), body);
            FileServer.send(exchange, 201, new byte[0], null);
        });
        TestServer.Response response = post(id, Graphs.invert(0x778899, 8, 8, "hp"),
                "\"http_upload\": {\"url_prefix\": \"" + puts.url(prefix) + "\"}");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.json().path("images").get(0).asText()).isEqualTo(puts.url(prefix + name).toString());
        assertThat(response.body()).doesNotContain("upload-secret");
        assertInvertedPng(putBodies.get(prefix + name), 0x778899, 8);
    }

    @Test
    void hfUploadCommitsEachImageToTheHubSyncAndAsync() throws Exception {
        String id = id();
        TestServer.Response sync = post(id, Graphs.invert(0x2468AC, 8, 8, "hf"),
                "\"hf_upload\": {\"repo\": \"me/renders\", \"directory\": \"sync\"}");
        assertThat(sync.status()).as(sync.body()).isEqualTo(200);
        String name = sync.json().path("filenames").get(0).asText();
        assertThat(sync.json().path("images").get(0).asText())
                .isEqualTo(hub.endpoint() + "/me/renders/resolve/main/sync/" + name);
        assertThat(sync.body()).doesNotContain("hf_e2e_token");
        assertInvertedPng(hub.file("model", "me/renders", "main", "sync/" + name), 0x2468AC, 8);

        String asyncId = id();
        TestServer.Response async = post(asyncId, Graphs.invert(0x13579B, 8, 8, "hfa"),
                "\"hf_upload\": {\"repo\": \"me/set\", \"repo_type\": \"dataset\", \"revision\": \"dev\", \"async\": true}");
        assertThat(async.status()).as(async.body()).isEqualTo(202);
        String file = asyncId + "_hfa_00001_.png";
        TestServer.await(() -> hub.file("dataset", "me/set", "dev", file) != null, Duration.ofSeconds(30), "the Hub commit");
        assertInvertedPng(hub.file("dataset", "me/set", "dev", file), 0x13579B, 8);
    }

    @Test
    void failedSyncUploadIs502NamingTheTarget() throws Exception {
        TestServer.Response response = post(id(), Graphs.invert(0x101010, 8, 8, "nob"),
                "\"s3\": {\"bucket\": \"no-such-bucket-here\", \"prefix\": \"x/\"}");
        assertThat(response.status()).isEqualTo(502);
        assertThat(response.json().path("location").asText()).isEqualTo("s3");
        assertThat(response.json().path("error").asText()).startsWith("Failed to upload outputs");
    }

    @Test
    void aRefusedHubCommitIs502NamingHfUpload() throws Exception {
        TestServer.Response response = post(id(), Graphs.invert(0x202020, 8, 8, "hfd"), "\"hf_upload\": {\"repo\": \"denied/repo\"}");
        assertThat(response.status()).as(response.body()).isEqualTo(502);
        assertThat(response.json().path("location").asText()).isEqualTo("hf_upload");
        assertThat(response.json().path("error").asText()).contains("HTTP 403").contains("rights to create a commit");
        assertThat(response.body()).doesNotContain("hf_e2e_token");
    }

    @Test
    void badUploadTargetsAre400BeforeAnythingRuns() throws Exception {
        Map<String, String> cases = Map.of(
                "\"s3\": {\"prefix\": \"x/\"}", "s3.bucket",
                "\"http_upload\": {\"url_prefix\": \"ftp://x/\"}", "http_upload.url_prefix",
                "\"s3\": {\"bucket\": \"b\"}, \"azure_blob_upload\": {\"container\": \"c\"}", "azure_blob_upload",
                "\"hf_upload\": {\"repo\": \"a/b\", \"repo_type\": \"modelz\"}", "hf_upload.repo_type");
        for (var c : cases.entrySet()) {
            TestServer.Response response = post(id(), Graphs.invert(0, 8, 8, "bad"), c.getKey());
            assertThat(response.status()).as(c.getKey()).isEqualTo(400);
            assertThat(response.json().path("location").asText()).as(c.getKey()).isEqualTo(c.getValue());
        }
    }

    /** Frames in a WebP file, counted from its RIFF chunks (one ANMF per frame; a still image has none). */
    static int webpFrames(byte[] webp) {
        assertThat(new String(webp, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RIFF");
        assertThat(new String(webp, 8, 4, StandardCharsets.US_ASCII)).isEqualTo("WEBP");
        ByteBuffer buffer = ByteBuffer.wrap(webp).order(ByteOrder.LITTLE_ENDIAN);
        int frames = 0;
        int at = 12;
        while (at + 8 <= webp.length) {
            String fourcc = new String(webp, at, 4, StandardCharsets.US_ASCII);
            int size = buffer.getInt(at + 4);
            if (fourcc.equals("ANMF")) frames++;
            at += 8 + size + (size & 1);
        }
        return frames;
    }

    @Test
    void animatedWebpKeepsEveryFrameWhenConvertedAndUploaded() throws Exception {
        // a sampled batch: three different frames (identical frames would be merged by the WebP encoder)
        String graph = Graphs.txt2img(11, 64, 64, "anim")
                .replace("\"batch_size\": 1", "\"batch_size\": 3")
                .replace("\"class_type\": \"SaveImage\", \"inputs\": {\"filename_prefix\": \"anim\", \"images\": [\"8\", 0]}",
                        "\"class_type\": \"SaveAnimatedWEBP\", \"inputs\": {\"images\": [\"8\", 0], \"filename_prefix\": \"anim\", "
                                + "\"fps\": 6.0, \"lossless\": true, \"quality\": 80, \"method\": \"default\"}");
        assertThat(graph).contains("SaveAnimatedWEBP").contains("\"batch_size\": 3");
        String id = id();
        TestServer.Response response = post(id, graph,
                "\"convert_output\": {\"format\": \"webp\", \"options\": {\"quality\": 70}}, "
                        + "\"s3\": {\"bucket\": \"" + BUCKET + "\", \"prefix\": \"anim/\"}");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        String name = response.json().path("filenames").get(0).asText();
        assertThat(name).endsWith(".webp");
        assertThat(webpFrames(s3Object("anim/" + name))).isEqualTo(3);
        assertThat(Files.list(home.resolve("output")).filter(p -> p.getFileName().toString().startsWith(id)).toList())
                .as("outputs are deleted once delivered").isEmpty();
    }
}
