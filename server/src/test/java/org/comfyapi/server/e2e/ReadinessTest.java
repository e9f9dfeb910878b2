package org.comfyapi.server.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** /ready tells whether ComfyUI answers over HTTP and the websocket, not just whether its process lives (issue 11, case 5). */
class ReadinessTest {

    @Test
    void aFrozenComfyIsNotReadyAndRequestsGet503WithRetryAfterThenItRecovers(@TempDir Path home) throws Exception {
        try (TestServer server = TestServer.start(home, Map.of("COMFY_UNAVAILABLE_WAIT_S", "1"))) {
            long comfy = comfyPid(server);
            signal("STOP", comfy);
            try {
                TestServer.await(() -> status(server, "/ready") == 503, Duration.ofSeconds(20), "not ready while frozen");
                assertThat(status(server, "/health")).isEqualTo(200);

                TestServer.Response response = server.post("/prompt", Graphs.body("frozen", Graphs.invert(9, 4, 4, "f")));
                assertThat(response.status()).isEqualTo(503);
                assertThat(response.headers().firstValueAsLong("Retry-After").orElse(0)).as("Retry-After").isPositive();
                assertThat(response.json().path("location").asText()).isEqualTo("comfyui");
                assertThat(response.json().path("error").asText()).contains("COMFY_UNAVAILABLE_WAIT_S");
            } finally {
                signal("CONT", comfy);
            }
            TestServer.await(() -> status(server, "/ready") == 200, Duration.ofSeconds(20), "ready once it answers");
            assertThat(server.post("/prompt", Graphs.body("thawed", Graphs.invert(9, 4, 4, "t"))).status()).isEqualTo(200);
        }
    }

    @Test
    void withoutItsWebsocketComfyIsNotReadyAndRequestsGet503WithRetryAfterThenItRecovers(@TempDir Path home) throws Exception {
        try (TestServer server = TestServer.start(home, Map.of("COMFY_UNAVAILABLE_WAIT_S", "1"))) {
            assertThat(server.comfyPost("/__sim/refuse_websockets?on=true", "").status()).isEqualTo(200);
            try {
                TestServer.await(() -> status(server, "/ready") == 503, Duration.ofSeconds(20), "not ready without the websocket");
                assertThat(status(server, "/health")).isEqualTo(200);
                assertThat(server.comfyGet("/queue").status()).as("ComfyUI's HTTP still answers").isEqualTo(200);

                TestServer.Response response = server.post("/prompt", Graphs.body("no-socket", Graphs.invert(9, 4, 4, "w")));
                assertThat(response.status()).isEqualTo(503);
                assertThat(response.headers().firstValueAsLong("Retry-After").orElse(0)).as("Retry-After").isPositive();
                assertThat(response.json().path("location").asText()).isEqualTo("comfyui");
                assertThat(response.json().path("error").asText()).contains("websocket").contains("COMFY_UNAVAILABLE_WAIT_S");
                assertThat(server.comfyGet("/history").body()).as("nothing was queued at ComfyUI").doesNotContain("no-socket");
            } finally {
                server.comfyPost("/__sim/refuse_websockets?on=false", "");
            }
            TestServer.await(() -> status(server, "/ready") == 200, Duration.ofSeconds(20), "ready once the websocket is back");
            assertThat(server.post("/prompt", Graphs.body("socket-back", Graphs.invert(9, 4, 4, "b"))).status()).isEqualTo(200);
        }
    }

    private static void signal(String name, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(pid)).inheritIO().start();
        assertThat(kill.waitFor()).as("kill -" + name).isZero();
    }

    static long comfyPid(TestServer server) {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().orElse("").contains("--port " + server.comfyPort))
                .findFirst().orElseThrow().pid();
    }

    private static int status(TestServer server, String path) {
        try {
            return server.get(path).status();
        } catch (Exception e) {
            return -1;
        }
    }
}
