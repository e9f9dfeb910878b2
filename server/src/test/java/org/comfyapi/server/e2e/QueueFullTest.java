package org.comfyapi.server.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** QUEUE_FULL=reject turns new jobs away while ComfyUI's queue is at MAX_QUEUE_DEPTH (SPEC 10.2). */
class QueueFullTest {

    @Test
    void aJobWhileTheQueueIsFullGets503WithRetryAfterAndOneAfterItRuns(@TempDir Path home) throws Exception {
        try (TestServer server = TestServer.start(home, Map.of("MAX_QUEUE_DEPTH", "1", "QUEUE_FULL", "reject"))) {
            CompletableFuture<TestServer.Response> hanging = server.postAsync("/prompt",
                    Graphs.body("full-1", Graphs.fault("hang", 0, 1)));
            server.awaitComfyRunning();
            TestServer.await(() -> status(server) == 503, Duration.ofSeconds(10), "the queue counted as full");

            TestServer.Response rejected = server.post("/prompt", Graphs.body("full-2", Graphs.invert(9, 4, 4, "q")));
            assertThat(rejected.status()).isEqualTo(503);
            assertThat(rejected.json().path("location").asText()).isEqualTo("queue");
            assertThat(rejected.headers().firstValueAsLong("Retry-After").orElse(0)).isPositive();

            server.post("/interrupt", "{\"id\": \"full-1\"}");
            assertThat(hanging.get().status()).isEqualTo(500);
            TestServer.await(() -> status(server) == 200, Duration.ofSeconds(10), "the queue drained");
            assertThat(server.post("/prompt", Graphs.body("full-3", Graphs.invert(9, 4, 4, "q"))).status()).isEqualTo(200);
        }
    }

    private static int status(TestServer server) {
        try {
            return server.get("/ready").status();
        } catch (Exception e) {
            return -1;
        }
    }
}
