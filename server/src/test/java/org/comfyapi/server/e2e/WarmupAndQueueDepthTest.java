package org.comfyapi.server.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class WarmupAndQueueDepthTest {

    @Test
    void probesAreNotOkUntilTheWarmupHasRun(@TempDir Path home) throws Exception {
        Path warmup = Files.writeString(home.resolve("warmup.json"), Graphs.fault("slow", 1500, 4));
        int port = Simulator.freePort();
        // its own thread: the common pool (one thread on two cores) also completes the JDK's websocket handshake
        CompletableFuture<TestServer> starting = CompletableFuture.supplyAsync(() -> {
            try {
                return TestServer.start(home, Map.of("WARMUP_PROMPT_FILE", warmup.toString(),
                        "PORT", String.valueOf(port)));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, Thread::startVirtualThread);
        HttpClient http = HttpClient.newHttpClient();
        TestServer.await(() -> status(http, port, "/health") == 500, Duration.ofSeconds(60), "listening, not healthy");
        assertThat(status(http, port, "/ready")).isEqualTo(503);
        try (TestServer server = starting.get()) {
            assertThat(server.get("/health").status()).isEqualTo(200);
            assertThat(server.get("/ready").status()).isEqualTo(200);
            try (Stream<Path> files = Files.walk(home.resolve("output"))) {
                assertThat(files.filter(Files::isRegularFile)).as("warmup outputs are deleted").isEmpty();
            }
        }
    }

    @Test
    void readinessFollowsMaxQueueDepth(@TempDir Path home) throws Exception {
        try (TestServer server = TestServer.start(home, Map.of("MAX_QUEUE_DEPTH", "1"))) {
            assertThat(server.get("/ready").status()).isEqualTo(200);
            CompletableFuture<TestServer.Response> hanging = server.postAsync("/prompt",
                    Graphs.body("deep-1", Graphs.fault("hang", 0, 1)));
            server.awaitComfyRunning();
            TestServer.await(() -> status(server, "/ready") == 503, Duration.ofSeconds(10), "queue full");
            assertThat(server.get("/ready").json().path("status").asText()).isEqualTo("not ready");
            server.post("/interrupt", "{\"id\": \"deep-1\"}");
            assertThat(hanging.get().status()).isEqualTo(500);
            TestServer.await(() -> status(server, "/ready") == 200, Duration.ofSeconds(10), "queue drained");
        }
    }

    private static int status(TestServer server, String path) {
        try {
            return server.get(path).status();
        } catch (Exception e) {
            return -1;
        }
    }

    private static int status(HttpClient http, int port, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }
}
