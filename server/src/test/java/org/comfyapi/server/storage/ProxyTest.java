package org.comfyapi.server.storage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** HTTP_PROXY / NO_PROXY against a real forward proxy on loopback. */
@Timeout(30)
class ProxyTest {
    private static final byte[] BODY = HttpDownloadTest.bytes(50_000, 9);

    @TempDir Path dir;
    private FileServer server;
    private TestProxy proxy;

    @BeforeEach
    void setUp() throws Exception {
        server = new FileServer();
        server.file("/via.bin", BODY, "application/octet-stream", null);
        proxy = new TestProxy();
    }

    @AfterEach
    void tearDown() {
        proxy.close();
        server.close();
    }

    private RemoteFiles files(Map<String, String> env) {
        return new RemoteFiles(StorageSettings.fromEnv(env).withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5)));
    }

    @Test
    void downloadsGoThroughHttpProxy() throws Exception {
        try (RemoteFiles files = files(Map.of("HTTP_PROXY", proxy.address()))) {
            Path destination = dir.resolve("a.tmp");
            files.download(server.url("/via.bin"), destination, Optional.of(new Auth.Bearer("through-proxy")));
            assertThat(Files.readAllBytes(destination)).isEqualTo(BODY);
            assertThat(proxy.forwarded).containsExactly(server.url("/via.bin"));
            assertThat(server.last("/via.bin").header("Authorization")).isEqualTo("Bearer through-proxy");
        }
    }

    @Test
    void lowerCaseVariableWins() throws Exception {
        int dead = ChildServers.freePort();
        try (RemoteFiles files = files(Map.of("HTTP_PROXY", "http://127.0.0.1:" + dead, "http_proxy", proxy.address()))) {
            files.download(server.url("/via.bin"), dir.resolve("b.tmp"), Optional.empty());
            assertThat(proxy.forwarded).hasSize(1);
        }
    }

    @Test
    void noProxyBypassesTheProxy() throws Exception {
        try (RemoteFiles files = files(Map.of("HTTP_PROXY", proxy.address(), "NO_PROXY", "example.com,127.0.0.1"))) {
            Path destination = dir.resolve("c.tmp");
            files.download(server.url("/via.bin"), destination, Optional.empty());
            assertThat(Files.readAllBytes(destination)).isEqualTo(BODY);
            assertThat(proxy.forwarded).isEmpty();
        }
        try (RemoteFiles files = files(Map.of("HTTP_PROXY", proxy.address(), "NO_PROXY", "127.0.0.1:" + server.port()))) {
            files.download(server.url("/via.bin"), dir.resolve("d.tmp"), Optional.empty());
            assertThat(proxy.forwarded).isEmpty();
        }
    }

    @Test
    void uploadsGoThroughHttpProxy() throws Exception {
        server.route("/put/x.png", exchange -> {
            FileServer.readBody(exchange);
            FileServer.send(exchange, 200, new byte[0], null);
        });
        try (RemoteFiles files = files(Map.of("http_proxy", proxy.address()))) {
            Path file = Files.writeString(dir.resolve("x.png"), "png");
            files.upload(file, new UploadTarget.HttpPut(server.url("/put/").toString(), false));
            assertThat(proxy.forwarded).containsExactly(server.url("/put/x.png"));
        }
    }

    @Test
    void deadProxyIsNamedInTheError() throws Exception {
        int dead = ChildServers.freePort();
        try (RemoteFiles files = files(Map.of("HTTP_PROXY", "http://127.0.0.1:" + dead))) {
            assertThatThrownBy(() -> files.download(server.url("/via.bin"), dir.resolve("e.tmp"), Optional.empty()))
                    .isInstanceOf(DownloadException.class)
                    .hasMessage("connection refused: 127.0.0.1:" + dead + " (proxy for 127.0.0.1)");
        }
    }

    @Test
    void s3RequestsGoThroughTheProxyToo() throws Exception {
        S3ProxyServer s3 = S3ProxyServer.get();
        Auth keys = new Auth.S3Keys(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY, Optional.empty(), Optional.empty(),
                Optional.of(s3.endpoint));
        try (RemoteFiles files = files(Map.of("HTTP_PROXY", proxy.address()))) {
            assertThatThrownBy(() -> files.download(URI.create("s3://proxied-bucket/k"), dir.resolve("f.tmp"), Optional.of(keys)))
                    .isInstanceOf(DownloadException.class);
            assertThat(proxy.forwarded).isNotEmpty().allSatisfy(uri -> assertThat(uri.toString()).startsWith(s3.endpoint));
        }
    }
}
