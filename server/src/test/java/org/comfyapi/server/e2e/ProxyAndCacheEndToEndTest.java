package org.comfyapi.server.e2e;

import org.comfyapi.server.storage.FileServer;
import org.comfyapi.server.storage.TestProxy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.comfyapi.server.e2e.InputsEndToEndTest.assertInverted;
import static org.comfyapi.server.e2e.InputsEndToEndTest.encode;
import static org.comfyapi.server.e2e.InputsEndToEndTest.loadInvertSave;
import static org.comfyapi.server.e2e.InputsEndToEndTest.output;

/** HTTP_PROXY and NO_PROXY for downloads and webhooks, and the LRU limit of the download cache. */
@Timeout(120)
class ProxyAndCacheEndToEndTest {
    /** About 3.2 KB: two of the 2,000-byte files below do not fit. */
    private static final String CACHE_GB = "0.000003";

    @TempDir
    static Path home;
    static TestServer server;
    static FileServer files;
    static TestProxy proxy;
    static WebhookReceiver receiver;

    @BeforeAll
    static void start() throws Exception {
        files = new FileServer();
        proxy = new TestProxy();
        receiver = new WebhookReceiver();
        server = TestServer.start(home, Map.of(
                "HTTP_PROXY", proxy.address(),
                "NO_PROXY", "localhost",
                "LRU_CACHE_SIZE_GB", CACHE_GB,
                "SYSTEM_WEBHOOK_URL", receiver.url("/system"),
                "SYSTEM_WEBHOOK_EVENTS", "storage.file_deleted"));
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
        if (files != null) files.close();
        if (proxy != null) proxy.close();
        if (receiver != null) receiver.close();
    }

    private static boolean proxied(String path) {
        return proxy.forwarded.stream().anyMatch(uri -> uri.getPath().equals(path));
    }

    @Test
    void downloadsGoThroughTheProxyExceptForNoProxyHosts() throws Exception {
        String viaProxy = "/img/" + UUID.randomUUID() + ".png";
        String direct = "/img/" + UUID.randomUUID() + ".png";
        files.file(viaProxy, encode("png", 0x112233, 12, 10), "image/png", null);
        files.file(direct, encode("png", 0x332211, 12, 10), "image/png", null);

        assertInverted(output(server.post("/prompt", Graphs.body(loadInvertSave(files.url(viaProxy).toString())))),
                0x112233, 1);
        assertThat(proxied(viaProxy)).isTrue();

        String localhost = "http://localhost:" + files.port() + direct;
        assertInverted(output(server.post("/prompt", Graphs.body(loadInvertSave(localhost)))), 0x332211, 1);
        assertThat(files.count(direct)).isEqualTo(1);
        assertThat(proxied(direct)).isFalse();
    }

    @Test
    void webhooksGoThroughTheProxy() throws Exception {
        String hook = receiver.url("/proxied-hook");
        TestServer.Response accepted = server.post("/prompt", """
                {"prompt": %s, "webhook_v2": "%s"}""".formatted(Graphs.invert(0x445566, 8, 8, "px"), hook));
        assertThat(accepted.status()).isEqualTo(202);
        receiver.awaitCount(r -> r.path().equals("/proxied-hook"), 1, Duration.ofSeconds(30));
        assertThat(proxied("/proxied-hook")).isTrue();
    }

    private static List<Path> cached() throws Exception {
        Path dir = home.resolve(".cache/comfyui-api/downloads");
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    private static TestServer.Response download(String path, String filename) throws Exception {
        return server.downloadCheckpoint(URI.create("http://localhost:" + files.port() + path), filename);
    }

    @Test
    void leastRecentlyUsedFilesAreEvictedAndFetchedAgain() throws Exception {
        String first = "/blob/" + UUID.randomUUID() + ".bin";
        String second = "/blob/" + UUID.randomUUID() + ".bin";
        files.file(first, new byte[2000], "application/octet-stream", null);
        files.file(second, new byte[2000], "application/octet-stream", null);

        assertThat(download(first, "first.bin").status()).isEqualTo(200);
        assertThat(download(second, "second.bin").status()).isEqualTo(200);
        assertThat(cached()).hasSize(1);
        String firstUrl = "http://localhost:" + files.port() + first;
        var deleted = receiver.awaitCount(r -> r.path().equals("/system") && r.body().contains(first), 1,
                Duration.ofSeconds(20)).getFirst().json();
        assertThat(deleted.path("event").asText()).isEqualTo("storage.file_deleted");
        assertThat(deleted.path("data").path("url").asText()).isEqualTo(firstUrl);
        assertThat(deleted.path("data").path("size").asLong()).isEqualTo(2000);

        assertThat(download(second, "second-again.bin").status()).isEqualTo(200);
        assertThat(files.count(second)).isEqualTo(1);

        assertThat(download(first, "first-again.bin").status()).isEqualTo(200);
        assertThat(files.count(first)).isEqualTo(2);
        assertThat(home.resolve("models/checkpoints/first.bin")).hasSize(2000);
    }
}
