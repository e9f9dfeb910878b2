package org.comfyapi.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpHandler;
import org.comfyapi.server.storage.FileServer;
import org.comfyapi.server.storage.RawServer;
import org.comfyapi.server.storage.S3ProxyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.comfyapi.server.e2e.InputsEndToEndTest.assertInverted;
import static org.comfyapi.server.e2e.InputsEndToEndTest.encode;
import static org.comfyapi.server.e2e.InputsEndToEndTest.loadInvertSave;
import static org.comfyapi.server.e2e.InputsEndToEndTest.output;

/**
 * Inputs and models fetched from URLs (a loopback file server, s3proxy) through a real /prompt run:
 * caching, shared downloads, failures, credentials, POST /download.
 */
@Timeout(120)
class RemoteInputsEndToEndTest {
    private static final String BUCKET = "e2e-inputs";
    private static final String TOKEN = "bearer-secret-123";

    @TempDir
    static Path home;
    static TestServer server;
    static FileServer files;
    static S3Client s3;
    static WebhookReceiver events;

    @BeforeAll
    static void start() throws Exception {
        files = new FileServer();
        events = new WebhookReceiver();
        S3ProxyServer s3Server = S3ProxyServer.get();
        s3 = s3Server.client();
        s3Server.bucket(s3, BUCKET);
        Map<String, String> env = new HashMap<>(s3Server.awsEnv());
        env.putAll(Map.of(
                "HTTP_AUTH_HEADER_NAME", "X-Env-Key",
                "HTTP_AUTH_HEADER_VALUE", "env-secret",
                "SYSTEM_WEBHOOK_URL", events.url("/system"),
                "SYSTEM_WEBHOOK_EVENTS", "storage.file_downloaded"));
        server = TestServer.start(home, env);
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
        if (files != null) files.close();
        if (events != null) events.close();
        if (s3 != null) s3.close();
    }

    /** A fresh path on the file server serving a solid-colour PNG. */
    private static String servePng(int rgb) throws Exception {
        String path = "/img/" + UUID.randomUUID() + ".png";
        files.file(path, encode("png", rgb, 12, 10), "image/png", null);
        return path;
    }

    private static String url(String path) {
        return files.url(path).toString();
    }

    private static TestServer.Response prompt(String image) throws Exception {
        return server.post("/prompt", Graphs.body(loadInvertSave(image)));
    }

    private static TestServer.Response prompt(String image, String credentials) throws Exception {
        return server.post("/prompt", """
                {"prompt": %s, "credentials": %s}""".formatted(loadInvertSave(image), credentials));
    }

    private static Path cacheDir() {
        return home.resolve(".cache/comfyui-api/downloads");
    }

    private static List<Path> list(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    @Test
    void httpUrlImageReachesLoadImage() throws Exception {
        String path = servePng(0x336699);
        assertInverted(output(prompt(url(path))), 0x336699, 1);
        assertThat(files.count(path)).isEqualTo(1);
        List<WebhookReceiver.Received> downloaded = events.awaitCount(
                r -> r.body().contains("storage.file_downloaded") && r.body().contains(path), 1, Duration.ofSeconds(10));
        JsonNode data = downloaded.getFirst().json().path("data");
        assertThat(data.path("url").asText()).isEqualTo(url(path));
        assertThat(data.path("size").asLong()).isPositive();
        assertThat(data.path("local_path").asText()).startsWith(cacheDir().toString());
    }

    @Test
    void s3UrlImageReachesLoadImage() throws Exception {
        s3.putObject(b -> b.bucket(BUCKET).key("inputs/blue.png"), RequestBody.fromBytes(encode("png", 0x1020F0, 12, 10)));
        assertInverted(output(prompt("s3://" + BUCKET + "/inputs/blue.png")), 0x1020F0, 1);
    }

    @Test
    void missingS3ObjectIs400NamingTheInput() throws Exception {
        TestServer.Response response = prompt("s3://" + BUCKET + "/inputs/nothing-here.png");
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().path("location").asText()).isEqualTo("prompt.1.inputs.image");
        assertThat(response.json().path("error").asText()).contains("nothing-here.png");
    }

    @Test
    void unreachableAndFailingUrlsAre400NamingTheCause() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        files.route("/broken.png", exchange -> FileServer.send(exchange, 500, "boom".getBytes(), "text/plain"));
        Map<String, String> cases = Map.of(
                url("/missing.png"), "404",
                url("/broken.png"), "500",
                "http://127.0.0.1:" + closedPort + "/x.png", "127.0.0.1:" + closedPort,
                "http://no-such-host.invalid/x.png", "no-such-host.invalid");
        for (var c : cases.entrySet()) {
            TestServer.Response response = prompt(c.getKey());
            assertThat(response.status()).as(c.getKey()).isEqualTo(400);
            assertThat(response.json().path("location").asText()).isEqualTo("prompt.1.inputs.image");
            assertThat(response.json().path("error").asText()).as(c.getKey()).contains(c.getValue());
        }
    }

    @Test
    void asyncRequestWhoseInputFailsSendsPromptFailed() throws Exception {
        String hook = events.url("/failed-input");
        TestServer.Response accepted = server.post("/prompt", """
                {"prompt": %s, "webhook_v2": "%s"}""".formatted(loadInvertSave(url("/gone.png")), hook));
        assertThat(accepted.status()).isEqualTo(202);
        JsonNode failed = events.awaitCount(r -> r.path().equals("/failed-input"), 1, Duration.ofSeconds(30))
                .getFirst().json();
        assertThat(failed.path("type").asText()).isEqualTo("prompt.failed");
        assertThat(failed.path("id").asText()).isEqualTo(accepted.json().path("id").asText());
        assertThat(failed.path("error").asText()).contains("/gone.png").contains("404");
    }

    @Test
    void modelUrlInCheckpointLoaderIsDownloadedAndListed() throws Exception {
        String name = "dl-" + UUID.randomUUID().toString().substring(0, 8) + ".safetensors";
        files.file("/models/" + name, "fake weights".getBytes(), "application/octet-stream", null);
        String graph = Graphs.txt2img(7, 64, 64, "model").replace("sd15.safetensors", url("/models/" + name));
        TestServer.Response response = server.post("/prompt", Graphs.body(graph));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.json().path("prompt").path("4").path("inputs").path("ckpt_name").asText()).isEqualTo(name);
        assertThat(home.resolve("models/checkpoints/" + name)).hasContent("fake weights");
        assertThat(server.get("/models").json().path("checkpoints").toString()).contains(name);
    }

    @Test
    void concurrentRequestsForOneUrlShareOneDownload() throws Exception {
        String path = "/slow/" + UUID.randomUUID() + ".png";
        byte[] png = encode("png", 0x445566, 12, 10);
        files.route(path, exchange -> {
            try {
                Thread.sleep(400); // a slow origin, so that both requests find the download in flight
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            FileServer.send(exchange, 200, png, "image/png");
        });
        CompletableFuture<TestServer.Response> first = server.postAsync("/prompt", Graphs.body(loadInvertSave(url(path))));
        CompletableFuture<TestServer.Response> second = server.postAsync("/prompt", Graphs.body(loadInvertSave(url(path))));
        assertInverted(output(first.get()), 0x445566, 1);
        assertInverted(output(second.get()), 0x445566, 1);
        assertThat(files.count(path)).isEqualTo(1);
    }

    @Test
    void cachedUrlIsNotFetchedAgain() throws Exception {
        String path = servePng(0x102030);
        assertInverted(output(prompt(url(path))), 0x102030, 1);
        assertInverted(output(prompt(url(path))), 0x102030, 1);
        assertThat(files.count(path)).isEqualTo(1);
    }

    @Test
    void cutOffDownloadIs400AndLeavesNoFile() throws Exception {
        List<Path> cacheBefore = list(cacheDir());
        List<Path> inputsBefore = list(home.resolve("input"));
        try (RawServer raw = RawServer.cutOff("image/png", 100_000, 40_000)) {
            TestServer.Response response = prompt(raw.url("/cut.png").toString());
            assertThat(response.status()).isEqualTo(400);
            assertThat(response.json().path("location").asText()).isEqualTo("prompt.1.inputs.image");
            assertThat(response.json().path("error").asText()).contains("cut off");
        }
        assertThat(list(cacheDir())).containsExactlyInAnyOrderElementsOf(cacheBefore);
        assertThat(list(home.resolve("input"))).containsExactlyInAnyOrderElementsOf(inputsBefore);
    }

    /** Serves a PNG only to requests that pass {@code allowed}; 401 otherwise. */
    private static String guardedPng(int rgb, Predicate<FileServer.Seen> allowed) throws Exception {
        String path = "/secure/" + UUID.randomUUID() + ".png";
        byte[] png = encode("png", rgb, 12, 10);
        HttpHandler handler = exchange -> {
            FileServer.Seen seen = files.last(exchange.getRequestURI().getPath());
            if (allowed.test(seen)) FileServer.send(exchange, 200, png, "image/png");
            else FileServer.send(exchange, 401, "denied".getBytes(), "text/plain");
        };
        files.route(path, handler);
        return path;
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes());
    }

    @Test
    void everyHttpCredentialTypeReachesTheServerThatDemandsIt() throws Exception {
        String pattern = "http://127.0.0.1:*/secure/**";
        record Case(String auth, Predicate<FileServer.Seen> allowed) {
        }
        List<Case> cases = List.of(
                new Case("{\"type\": \"bearer\", \"token\": \"" + TOKEN + "\"}",
                        s -> ("Bearer " + TOKEN).equals(s.header("Authorization"))),
                new Case("{\"type\": \"basic\", \"username\": \"ann\", \"password\": \"pw-secret\"}",
                        s -> basic("ann", "pw-secret").equals(s.header("Authorization"))),
                new Case("{\"type\": \"header\", \"header_name\": \"X-Api-Key\", \"header_value\": \"hdr-secret\"}",
                        s -> "hdr-secret".equals(s.header("X-Api-Key"))),
                new Case("{\"type\": \"query\", \"query_param\": \"sig\", \"query_value\": \"q-secret\"}",
                        s -> String.valueOf(s.uri().getQuery()).contains("sig=q-secret")));
        int rgb = 0x203040;
        for (Case c : cases) {
            String path = guardedPng(rgb, c.allowed());
            TestServer.Response denied = prompt(url(path));
            assertThat(denied.status()).as(c.auth()).isEqualTo(400);
            assertThat(denied.json().path("error").asText()).contains("401");
            String credentials = "[{\"url_pattern\": \"" + pattern + "\", \"auth\": " + c.auth() + "}]";
            TestServer.Response ok = prompt(url(path), credentials);
            assertInverted(output(ok), rgb, 1);
            assertThat(ok.body()).doesNotContain("secret");
        }
    }

    @Test
    void firstMatchingCredentialWins() throws Exception {
        String path = guardedPng(0x304050, s -> ("Bearer " + TOKEN).equals(s.header("Authorization")));
        String credentials = """
                [{"url_pattern": "http://127.0.0.1:*/secure/*.png", "auth": {"type": "bearer", "token": "%s"}},
                 {"url_pattern": "**", "auth": {"type": "bearer", "token": "wrong"}}]""".formatted(TOKEN);
        assertInverted(output(prompt(url(path), credentials)), 0x304050, 1);
    }

    @Test
    void environmentHeaderAndUrlUserInfoAuthenticate() throws Exception {
        String envPath = guardedPng(0x405060, s -> "env-secret".equals(s.header("X-Env-Key")));
        assertInverted(output(prompt(url(envPath))), 0x405060, 1);
        String basicPath = guardedPng(0x506070, s -> basic("joe", "pw").equals(s.header("Authorization")));
        String withUser = url(basicPath).replace("http://", "http://joe:pw@");
        TestServer.Response response = prompt(withUser);
        assertInverted(output(response), 0x506070, 1);
    }

    @Test
    void s3CredentialsInTheRequestOverrideTheEnvironment() throws Exception {
        s3.putObject(b -> b.bucket(BUCKET).key("inputs/keyed.png"), RequestBody.fromBytes(encode("png", 0x607080, 12, 10)));
        String image = "s3://" + BUCKET + "/inputs/keyed.png";
        String wrong = """
                [{"url_pattern": "s3://%s/**", "auth": {"type": "s3", "access_key_id": "nobody",
                  "secret_access_key": "wrong-secret-key", "region": "us-east-1", "endpoint": "%s"}}]"""
                .formatted(BUCKET, S3ProxyServer.get().endpoint);
        TestServer.Response denied = prompt(image, wrong);
        assertThat(denied.status()).isEqualTo(400);
        assertThat(denied.body()).doesNotContain("wrong-secret-key");
        String right = wrong.replace("nobody", S3ProxyServer.ACCESS_KEY).replace("wrong-secret-key", S3ProxyServer.SECRET_KEY);
        assertInverted(output(prompt(image, right)), 0x607080, 1);
    }

    @Test
    void downloadEndpointStartsOrWaits() throws Exception {
        String name = "lora-" + UUID.randomUUID().toString().substring(0, 8) + ".safetensors";
        files.file("/models/" + name, "lora weights".getBytes(), "application/octet-stream", null);
        Files.createDirectories(home.resolve("models/loras"));

        TestServer.Response started = server.post("/download", """
                {"url": "%s", "model_type": "loras"}""".formatted(url("/models/" + name)));
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        assertThat(started.json().path("status").asText()).isEqualTo("started");
        assertThat(started.json().path("filename").asText()).isEqualTo(name);
        TestServer.await(() -> Files.exists(home.resolve("models/loras/" + name)), Duration.ofSeconds(20), "the lora");

        TestServer.Response waited = server.post("/download", """
                {"url": "%s", "model_type": "loras", "filename": "renamed.safetensors", "wait": true}"""
                .formatted(url("/models/" + name)));
        assertThat(waited.status()).as(waited.body()).isEqualTo(200);
        assertThat(waited.json().path("status").asText()).isEqualTo("completed");
        assertThat(waited.json().path("size").asLong()).isEqualTo("lora weights".length());
        assertThat(waited.json().path("duration").isNumber()).isTrue();
        assertThat(home.resolve("models/loras/renamed.safetensors")).hasContent("lora weights");
        assertThat(files.count("/models/" + name)).isEqualTo(1);
    }

    @Test
    void downloadEndpointRefusesBadRequests() throws Exception {
        files.file("/models/ok.bin", "x".getBytes(), "application/octet-stream", null);
        String ok = url("/models/ok.bin");
        Map<String, String> cases = Map.of(
                "{\"url\": \"" + ok + "\", \"model_type\": \"checkpoints\", \"filename\": \"../escape.bin\"}", "filename",
                "{\"url\": \"" + ok + "\", \"model_type\": \"checkpoints\", \"filename\": \"/etc/passwd\"}", "filename",
                "{\"url\": \"" + ok + "\", \"model_type\": \"checkpoints\", \"filename\": \"sub/dir.bin\"}", "filename",
                "{\"url\": \"" + ok + "\", \"model_type\": \"no_such_models\"}", "model_type",
                "{\"url\": \"ftp://example.com/x\", \"model_type\": \"checkpoints\"}", "url",
                "{\"model_type\": \"checkpoints\"}", "url",
                "{\"url\": \"" + url("/models/absent.bin") + "\", \"model_type\": \"checkpoints\", \"wait\": true}", "url");
        for (var c : cases.entrySet()) {
            TestServer.Response response = server.post("/download", c.getKey());
            assertThat(response.status()).as(c.getKey()).isEqualTo(400);
            assertThat(response.json().path("location").asText()).as(c.getKey()).isEqualTo(c.getValue());
            assertThat(response.json().path("error").asText()).isNotBlank();
        }
        assertThat(home.resolve("escape.bin")).doesNotExist();
        assertThat(home.resolve("models/escape.bin")).doesNotExist();
    }
}
