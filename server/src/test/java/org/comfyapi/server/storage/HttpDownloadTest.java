package org.comfyapi.server.storage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(30)
class HttpDownloadTest {
    private static final byte[] PNG = bytes(300_000, 1);

    @TempDir Path dir;
    private FileServer server;
    private RemoteFiles files;
    private Path destination;

    @BeforeEach
    void setUp() throws Exception {
        server = new FileServer();
        files = remoteFiles(Map.of());
        destination = dir.resolve("download.tmp");
    }

    @AfterEach
    void tearDown() {
        files.close();
        server.close();
    }

    static byte[] bytes(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    private RemoteFiles remoteFiles(Map<String, String> env) {
        if (files != null) files.close();
        files = new RemoteFiles(StorageSettings.fromEnv(env).withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(1500)));
        return files;
    }

    @Test
    void streamsTheBodyToTheDestinationWithItsMetadata() throws Exception {
        server.file("/images/cat.png", PNG, "image/png; charset=binary", "attachment; filename=\"orig-cat.png\"");
        DownloadResult result = files.download(server.url("/images/cat.png"), destination, Optional.empty());
        assertThat(result.size()).isEqualTo(PNG.length);
        assertThat(result.contentType()).contains("image/png");
        assertThat(result.filename()).contains("orig-cat.png");
        assertThat(Files.readAllBytes(destination)).isEqualTo(PNG);
    }

    @Test
    void overwritesAnExistingDestination() throws Exception {
        Files.writeString(destination, "x".repeat(1_000_000));
        server.file("/a.bin", PNG, null, null);
        files.download(server.url("/a.bin"), destination, Optional.empty());
        assertThat(Files.readAllBytes(destination)).isEqualTo(PNG);
    }

    @Test
    void extendedContentDispositionWins() {
        assertThat(ContentDisposition.filename("attachment; filename=\"fallback.bin\"; filename*=UTF-8''na%C3%AFve%20model.safetensors"))
                .contains("naïve model.safetensors");
        assertThat(ContentDisposition.filename("attachment; filename=../../etc/passwd")).contains("passwd");
        assertThat(ContentDisposition.filename("inline")).isEmpty();
    }

    @Test
    void bearerAuthReachesTheServer() throws Exception {
        server.route("/private.bin", exchange -> {
            boolean ok = "Bearer tok-123".equals(exchange.getRequestHeaders().getFirst("Authorization"));
            FileServer.send(exchange, ok ? 200 : 401, ok ? PNG : new byte[0], null);
        });
        files.download(server.url("/private.bin"), destination, Optional.of(new Auth.Bearer("tok-123")));
        assertThat(Files.readAllBytes(destination)).isEqualTo(PNG);
        assertThatThrownBy(() -> files.download(server.url("/private.bin"), destination, Optional.empty()))
                .isInstanceOf(DownloadException.class)
                .hasMessage("HTTP 401 from " + server.url("/private.bin"))
                .satisfies(e -> assertThat(((DownloadException) e).reason()).isEqualTo(DownloadException.Reason.DENIED));
    }

    @Test
    void basicAuthReachesTheServer() throws Exception {
        String expected = "Basic " + Base64.getEncoder().encodeToString("alice:s3cr:et".getBytes(StandardCharsets.UTF_8));
        server.route("/basic.bin", exchange -> {
            boolean ok = expected.equals(exchange.getRequestHeaders().getFirst("Authorization"));
            FileServer.send(exchange, ok ? 200 : 401, ok ? PNG : new byte[0], null);
        });
        files.download(server.url("/basic.bin"), destination, Optional.of(new Auth.Basic("alice", "s3cr:et")));
        assertThat(Files.readAllBytes(destination)).isEqualTo(PNG);
    }

    @Test
    void userInfoInTheUrlBecomesBasicAuthAndLeavesTheUrl() throws Exception {
        String expected = "Basic " + Base64.getEncoder().encodeToString("bob:pa ss".getBytes(StandardCharsets.UTF_8));
        server.route("/userinfo.bin", exchange -> {
            boolean ok = expected.equals(exchange.getRequestHeaders().getFirst("Authorization"));
            FileServer.send(exchange, ok ? 200 : 401, ok ? PNG : new byte[0], null);
        });
        URI url = URI.create("http://bob:pa%20ss@127.0.0.1:" + server.port() + "/userinfo.bin");
        files.download(url, destination, Optional.empty());
        assertThat(Files.readAllBytes(destination)).isEqualTo(PNG);
        assertThat(server.last("/userinfo.bin").uri().toString()).isEqualTo("/userinfo.bin");
        URI wrong = URI.create("http://bob:wrong-password@127.0.0.1:" + server.port() + "/userinfo.bin");
        assertThatThrownBy(() -> files.download(wrong, destination, Optional.empty()))
                .hasMessageContaining("HTTP 401").hasMessageNotContaining("wrong-password");
    }

    @Test
    void headerAuthReachesTheServer() throws Exception {
        server.route("/header.bin", exchange -> {
            boolean ok = "k-42".equals(exchange.getRequestHeaders().getFirst("X-Api-Key"));
            FileServer.send(exchange, ok ? 200 : 403, ok ? PNG : new byte[0], null);
        });
        files.download(server.url("/header.bin"), destination, Optional.of(new Auth.Header("X-Api-Key", "k-42")));
        assertThat(Files.readAllBytes(destination)).isEqualTo(PNG);
    }

    @Test
    void queryAuthIsAppendedAndRedactedFromErrors() throws Exception {
        server.route("/query.bin", exchange -> {
            boolean ok = "v=1&api_code=q%2Fv+1".equals(exchange.getRequestURI().getRawQuery())
                    || "v=1&api_code=q%2Fv%201".equals(exchange.getRequestURI().getRawQuery());
            FileServer.send(exchange, ok ? 200 : 403, ok ? PNG : new byte[0], null);
        });
        files.download(server.url("/query.bin?v=1"), destination, Optional.of(new Auth.Query("api_code", "q/v 1")));
        assertThat(Files.readAllBytes(destination)).isEqualTo(PNG);
        assertThatThrownBy(() -> files.download(server.url("/query.bin?v=2"), destination, Optional.of(new Auth.Query("p", "hush"))))
                .hasMessage("HTTP 403 from " + server.url("/query.bin?v=2&p=REDACTED"));
    }

    @Test
    void envAuthHeaderIsSentAndRequestAuthWins() throws Exception {
        server.route("/env.bin", exchange -> {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            boolean ok = "Token env-secret".equals(auth) || "Bearer per-request".equals(auth);
            FileServer.send(exchange, ok ? 200 : 401, ok ? PNG : new byte[0], null);
        });
        RemoteFiles withEnv = remoteFiles(Map.of("HTTP_AUTH_HEADER_NAME", "Authorization", "HTTP_AUTH_HEADER_VALUE", "Token env-secret"));
        withEnv.download(server.url("/env.bin"), destination, Optional.empty());
        assertThat(server.last("/env.bin").header("Authorization")).isEqualTo("Token env-secret");
        withEnv.download(server.url("/env.bin"), destination, Optional.of(new Auth.Bearer("per-request")));
        assertThat(server.last("/env.bin").header("Authorization")).isEqualTo("Bearer per-request");
    }

    @Test
    void redirectsAreFollowedButCredentialsStayWithTheirOrigin() throws Exception {
        try (FileServer other = new FileServer()) {
            other.file("/moved.bin", PNG, "application/octet-stream", null);
            server.route("/same-origin", exchange -> {
                exchange.getResponseHeaders().set("Location", "/final.bin");
                FileServer.send(exchange, 302, new byte[0], null);
            });
            server.file("/final.bin", PNG, null, null);
            server.route("/elsewhere", exchange -> {
                exchange.getResponseHeaders().set("Location", other.url("/moved.bin").toString());
                FileServer.send(exchange, 307, new byte[0], null);
            });
            files.download(server.url("/same-origin"), destination, Optional.of(new Auth.Bearer("t")));
            assertThat(server.last("/final.bin").header("Authorization")).isEqualTo("Bearer t");
            files.download(server.url("/elsewhere"), destination, Optional.of(new Auth.Bearer("t")));
            assertThat(Files.readAllBytes(destination)).isEqualTo(PNG);
            assertThat(other.last("/moved.bin").header("Authorization")).isNull();
        }
    }

    @Test
    void notFoundAndServerErrorsNameTheStatusAndUrl() throws Exception {
        server.route("/boom", exchange -> FileServer.send(exchange, 500, "oops".getBytes(), "text/plain"));
        Files.writeString(destination, "stale");
        assertThatThrownBy(() -> files.download(server.url("/missing.png"), destination, Optional.empty()))
                .isInstanceOf(DownloadException.class)
                .hasMessage("HTTP 404 from " + server.url("/missing.png"))
                .satisfies(e -> assertThat(((DownloadException) e).reason()).isEqualTo(DownloadException.Reason.NOT_FOUND))
                .satisfies(e -> assertThat(((DownloadException) e).status()).isEqualTo(404));
        assertThat(destination).doesNotExist();
        assertThatThrownBy(() -> files.download(server.url("/boom"), destination, Optional.empty()))
                .hasMessage("HTTP 500 from " + server.url("/boom"));
    }

    @Test
    void refusedConnection() throws Exception {
        int port = ChildServers.freePort();
        assertThatThrownBy(() -> files.download(URI.create("http://127.0.0.1:" + port + "/x"), destination, Optional.empty()))
                .isInstanceOf(DownloadException.class)
                .hasMessage("connection refused: 127.0.0.1:" + port)
                .satisfies(e -> assertThat(((DownloadException) e).reason()).isEqualTo(DownloadException.Reason.UNREACHABLE));
    }

    @Test
    void unknownHost() {
        assertThatThrownBy(() -> files.download(URI.create("https://no-such-host.invalid/model.bin"), destination, Optional.empty()))
                .isInstanceOf(DownloadException.class)
                .hasMessage("unknown host: no-such-host.invalid");
    }

    @Test
    void unsupportedScheme() {
        assertThatThrownBy(() -> files.download(URI.create("ftp://h/x"), destination, Optional.empty()))
                .hasMessageContaining("unsupported URL scheme \"ftp\"");
    }

    @Test
    void bodyCutOffMidwayLeavesNoFile() throws Exception {
        try (RawServer raw = RawServer.cutOff("image/png", 100_000, 40_000)) {
            assertThatThrownBy(() -> files.download(raw.url("/cut.png"), destination, Optional.empty()))
                    .isInstanceOf(DownloadException.class)
                    .hasMessageStartingWith("download cut off after ")
                    .hasMessageContaining("of 100000 bytes from " + raw.url("/cut.png"))
                    .satisfies(e -> assertThat(((DownloadException) e).reason()).isEqualTo(DownloadException.Reason.CUT_OFF));
            assertThat(destination).doesNotExist();
        }
    }

    @Test
    void connectionResetMidwayLeavesNoFile() throws Exception {
        try (RawServer raw = new RawServer(socket -> {
            OutputStream out = socket.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes());
            out.write("4000\r\n".getBytes());
            out.write(new byte[0x4000]);
            out.write("\r\n".getBytes());
            out.flush();
            socket.setSoLinger(true, 0);
        })) {
            assertThatThrownBy(() -> files.download(raw.url("/reset.bin"), destination, Optional.empty()))
                    .isInstanceOf(DownloadException.class)
                    .hasMessageStartingWith("download cut off after ");
            assertThat(destination).doesNotExist();
        }
    }

    @Test
    void stalledBodyTimesOut() throws Exception {
        try (RawServer raw = RawServer.stalled(100_000, 1000)) {
            assertThatThrownBy(() -> files.download(raw.url("/stall.bin"), destination, Optional.empty()))
                    .isInstanceOf(DownloadException.class)
                    .hasMessageContaining("timed out: no data for")
                    .satisfies(e -> assertThat(((DownloadException) e).reason()).isEqualTo(DownloadException.Reason.TIMEOUT));
            assertThat(destination).doesNotExist();
        }
    }

    @Test
    void silentServerTimesOutBeforeHeaders() throws Exception {
        try (RawServer raw = new RawServer(socket -> Thread.sleep(10_000))) {
            assertThatThrownBy(() -> files.download(raw.url("/silent"), destination, Optional.empty()))
                    .isInstanceOf(DownloadException.class)
                    .hasMessage("timed out waiting for a response from 127.0.0.1:" + raw.url("/").getPort());
        }
    }

    @Test
    void huggingFaceUrlsAreRecognised() {
        StorageSettings none = StorageSettings.fromEnv(Map.of());
        assertThat(HuggingFaceStore.isHuggingFace(URI.create("https://huggingface.co/org/repo/resolve/main/x.safetensors"), none)).isTrue();
        assertThat(HuggingFaceStore.isHuggingFace(URI.create("https://huggingface.co.evil.net/x"), none)).isFalse();
        assertThat(RemoteFiles.isRemote("S3://b/k")).isTrue();
        assertThat(RemoteFiles.isRemote("image.png")).isFalse();
    }

    @Test
    void envHeaderIsNotSentToHuggingFaceOrCrossOrigin() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("HTTP_AUTH_HEADER_NAME", "X-Env");
        env.put("HTTP_AUTH_HEADER_VALUE", "env");
        try (FileServer other = new FileServer()) {
            other.file("/x.bin", PNG, null, null);
            server.route("/hop", exchange -> {
                exchange.getResponseHeaders().set("Location", other.url("/x.bin").toString());
                FileServer.send(exchange, 302, new byte[0], null);
            });
            remoteFiles(env).download(server.url("/hop"), destination, Optional.empty());
            assertThat(server.last("/hop").header("X-Env")).isEqualTo("env");
            assertThat(other.last("/x.bin").header("X-Env")).isNull();
        }
    }

    @Test
    void interruptingTheCallerStopsTheDownload() throws Exception {
        CountDownLatch stalled = new CountDownLatch(1);
        try (RawServer raw = new RawServer(socket -> {
            OutputStream out = socket.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[1000]);
            out.flush();
            stalled.countDown();
            Thread.sleep(10_000);
        })) {
            var failure = new AtomicReference<Throwable>();
            Thread worker = Thread.ofVirtual().start(() -> {
                try {
                    files.download(raw.url("/slow.bin"), destination, Optional.empty());
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            assertThat(stalled.await(10, TimeUnit.SECONDS)).as("the download reached the stalled body").isTrue();
            worker.interrupt();
            assertThat(worker.join(Duration.ofSeconds(5))).as("stopped long before the 10 s stall ends").isTrue();
            assertThat(failure.get()).isInstanceOf(DownloadException.class)
                    .satisfies(e -> assertThat(((DownloadException) e).reason()).isEqualTo(DownloadException.Reason.INTERRUPTED));
            assertThat(destination).doesNotExist();
        }
    }

    @Test
    void huggingFaceGetsHfTokenNotTheEnvHeader() throws Exception {
        server.route("/org/repo/resolve/main/model.safetensors", exchange -> {
            boolean ok = "Bearer hf_secret".equals(exchange.getRequestHeaders().getFirst("Authorization"));
            FileServer.send(exchange, ok ? 200 : 401, ok ? PNG : new byte[0], null);
        });
        String mirror = "http://127.0.0.1:" + server.port();
        URI url = server.url("/org/repo/resolve/main/model.safetensors");
        remoteFiles(Map.of("HF_ENDPOINT", mirror, "HF_TOKEN", "hf_secret", "HTTP_AUTH_HEADER_NAME", "X-Env",
                "HTTP_AUTH_HEADER_VALUE", "env")).download(url, destination, Optional.empty());
        assertThat(Files.readAllBytes(destination)).isEqualTo(PNG);
        assertThat(server.last(url.getPath()).header("X-Env")).isNull();
        assertThatThrownBy(() -> remoteFiles(Map.of("HF_ENDPOINT", mirror)).download(url, destination, Optional.empty()))
                .hasMessage("HTTP 401 from " + url + " (HF_TOKEN is not set)");
    }
}
