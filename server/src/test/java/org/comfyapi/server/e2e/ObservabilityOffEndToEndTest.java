package org.comfyapi.server.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** With METRICS_ENABLED=false and no CORS_ALLOWED_ORIGINS (the default): no /metrics, no CORS headers. */
class ObservabilityOffEndToEndTest {
    @TempDir
    static Path home;
    static TestServer server;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(home, Map.of("METRICS_ENABLED", "false"));
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    @Test
    void metricsAreOffWhenDisabled() throws Exception {
        assertThat(server.get("/metrics").status()).isEqualTo(404);
        assertThat(server.post("/prompt", Graphs.body(Graphs.invert(0x102030, 8, 8, "off"))).status()).isEqualTo(200);
    }

    @Test
    void corsIsOffByDefault() throws Exception {
        HttpResponse<String> preflight = send(HttpRequest.newBuilder(server.uri("/prompt"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://app.example").header("Access-Control-Request-Method", "POST"));
        HttpResponse<String> simple = send(HttpRequest.newBuilder(server.uri("/health"))
                .header("Origin", "https://app.example").GET());

        assertThat(preflight.statusCode()).isEqualTo(405);
        assertThat(preflight.headers().firstValue("Allow")).hasValue("POST");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(simple.statusCode()).isEqualTo(200);
        assertThat(simple.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(simple.headers().firstValue("X-Request-Id")).isPresent();
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
