package org.comfyapi.server.e2e;

import org.comfyapi.server.storage.FileServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What Prometheus and a browser see with metrics on (the default) and CORS_ALLOWED_ORIGINS set: counters
 * that move with real prompts, request ids, 405 with Allow, and CORS answers.
 */
class MetricsEndToEndTest {
    private static final String ORIGIN = "https://app.example";

    @TempDir
    static Path home;
    static TestServer server;
    static WebhookReceiver receiver;
    static FileServer files;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        receiver = new WebhookReceiver();
        files = new FileServer();
        server = TestServer.start(home, Map.of("CORS_ALLOWED_ORIGINS", ORIGIN + ", http://localhost:8080"));
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
        if (receiver != null) receiver.close();
        if (files != null) files.close();
    }

    @Test
    void countersMoveWithPromptsFailuresWebhooksAndConversions() throws Exception {
        Map<String, Double> before = scrape();

        assertThat(server.post("/prompt", Graphs.body(Graphs.invert(0x102030, 8, 8, "m"))).status()).isEqualTo(200);
        String converted = "{\"convert_output\": {\"format\": \"jpeg\"}, \"prompt\": "
                + Graphs.invert(0x405060, 8, 8, "m") + "}";
        assertThat(server.post("/prompt", converted).status()).isEqualTo(200);
        assertThat(server.post("/prompt", Graphs.body(Graphs.fault("error", 0, 0))).status()).isEqualTo(500);
        String async = "{\"webhook_v2\": \"" + receiver.url("/metrics-hook") + "\", \"prompt\": "
                + Graphs.invert(0x708090, 8, 8, "m") + "}";
        assertThat(server.post("/prompt", async).status()).isEqualTo(202);
        assertThat(receiver.awaitCount(r -> r.path().equals("/metrics-hook"), 1, Duration.ofSeconds(30))).hasSize(1);
        TestServer.await(() -> delta(before, scrapeQuietly(), "comfyui_api_jobs_total{outcome=\"success\"}") >= 3,
                Duration.ofSeconds(10), "the async job counted");

        Map<String, Double> after = scrape();
        assertThat(delta(before, after, "comfyui_api_http_requests_total{method=\"POST\",route=\"/prompt\",status=\"200\"}"))
                .isEqualTo(2);
        assertThat(delta(before, after, "comfyui_api_http_requests_total{method=\"POST\",route=\"/prompt\",status=\"500\"}"))
                .isEqualTo(1);
        assertThat(delta(before, after, "comfyui_api_http_requests_total{method=\"POST\",route=\"/prompt\",status=\"202\"}"))
                .isEqualTo(1);
        assertThat(delta(before, after, "comfyui_api_http_request_duration_seconds_count{method=\"POST\",route=\"/prompt\"}"))
                .isEqualTo(4);
        assertThat(delta(before, after, "comfyui_api_jobs_total{outcome=\"success\"}")).isEqualTo(3);
        assertThat(delta(before, after, "comfyui_api_jobs_total{outcome=\"failure\"}")).isEqualTo(1);
        assertThat(delta(before, after, "comfyui_api_job_duration_seconds_count{phase=\"queue\"}")).isEqualTo(4);
        assertThat(delta(before, after, "comfyui_api_job_duration_seconds_count{phase=\"execution\"}")).isEqualTo(3);
        assertThat(delta(before, after, "comfyui_api_job_duration_seconds_count{phase=\"delivery\"}")).isEqualTo(3);
        assertThat(delta(before, after, "comfyui_api_webhook_deliveries_total{outcome=\"success\"}")).isEqualTo(1);
        assertThat(delta(before, after, "comfyui_api_conversion_duration_seconds_count")).isEqualTo(1);
        assertThat(after.get("comfyui_api_jobs_in_flight")).isZero();
        assertThat(after.get("comfyui_api_comfy_queue_depth")).isZero();
        assertThat(after).containsKeys("comfyui_api_comfy_restarts_total", "comfyui_api_download_cache_hits_total",
                "comfyui_api_downloads_total{outcome=\"failure\"}", "comfyui_api_uploads_total{outcome=\"success\"}",
                "comfyui_api_http_request_duration_seconds_bucket{method=\"POST\",route=\"/prompt\",le=\"0.1\"}",
                "jvm_memory_used_bytes{area=\"heap\",id=\"G1 Eden Space\"}", "process_cpu_usage", "jvm_threads_live_threads");
    }

    @Test
    void downloadsAndCacheHitsAreCounted() throws Exception {
        String path = "/blob/" + UUID.randomUUID() + ".bin";
        files.file(path, new byte[100], "application/octet-stream", null);
        Map<String, Double> before = scrape();

        assertThat(download(path, "counted.bin").status()).isEqualTo(200);
        assertThat(download(path, "counted-again.bin").status()).isEqualTo(200);
        assertThat(download("/blob/" + UUID.randomUUID() + ".missing", "never.bin").status()).isGreaterThanOrEqualTo(400);

        Map<String, Double> after = scrape();
        assertThat(delta(before, after, "comfyui_api_downloads_total{outcome=\"success\"}")).isEqualTo(1);
        assertThat(delta(before, after, "comfyui_api_downloads_total{outcome=\"failure\"}")).isEqualTo(1);
        assertThat(delta(before, after, "comfyui_api_download_cache_hits_total")).isEqualTo(1);
    }

    private static TestServer.Response download(String path, String filename) throws Exception {
        return server.downloadCheckpoint(URI.create("http://localhost:" + files.port() + path), filename);
    }

    @Test
    void routesAreTemplatesAndUnknownPathsShareOneLabel() throws Exception {
        assertThat(server.get("/no/such/path/" + System.nanoTime()).status()).isEqualTo(404);
        assertThat(server.post("/workflow/nothing/here", "{}").status()).isEqualTo(404);

        Map<String, Double> after = scrape();
        assertThat(after).containsKey("comfyui_api_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"}");
        assertThat(after).containsKey("comfyui_api_http_requests_total{method=\"POST\",route=\"/workflow/<path>\",status=\"404\"}");
        assertThat(after.keySet()).noneMatch(key -> key.contains("/no/such/path"));
    }

    @Test
    void theRequestIdIsEchoedOrMadeUp() throws Exception {
        HttpResponse<String> given = send(request("/health").header("X-Request-Id", "trace-42.a_b").GET());
        HttpResponse<String> none = send(request("/health").GET());
        HttpResponse<String> bad = send(request("/health").header("X-Request-Id", "x".repeat(200)).GET());
        HttpResponse<String> odd = send(request("/health").header("X-Request-Id", "a b\"<script>").GET());

        assertThat(given.headers().firstValue("X-Request-Id")).hasValue("trace-42.a_b");
        assertThat(none.headers().firstValue("X-Request-Id").orElseThrow()).matches("[0-9a-f-]{36}");
        assertThat(bad.headers().firstValue("X-Request-Id").orElseThrow()).matches("[0-9a-f-]{36}");
        assertThat(odd.headers().firstValue("X-Request-Id").orElseThrow()).matches("[0-9a-f-]{36}");
    }

    @Test
    void aKnownRouteWithTheWrongMethodIs405WithAllow() throws Exception {
        HttpResponse<String> getPrompt = send(request("/prompt").GET());
        HttpResponse<String> postHealth = send(request("/health").POST(HttpRequest.BodyPublishers.ofString("{}")));

        assertThat(getPrompt.statusCode()).isEqualTo(405);
        assertThat(getPrompt.headers().firstValue("Allow").orElseThrow()).contains("POST").doesNotContain("GET");
        assertThat(TestServer.JSON.readTree(getPrompt.body()).get("location").asText()).isEqualTo("method");
        assertThat(TestServer.JSON.readTree(getPrompt.body()).get("error").asText()).contains("GET /prompt");
        assertThat(postHealth.statusCode()).isEqualTo(405);
        assertThat(postHealth.headers().firstValue("Allow").orElseThrow()).contains("GET").doesNotContain("POST");
    }

    @Test
    void aPreflightFromAnAllowedOriginIsAnswered() throws Exception {
        HttpResponse<String> preflight = send(request("/prompt").method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", ORIGIN).header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type"));

        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ORIGIN);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods").orElseThrow()).contains("POST");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers")).hasValue("content-type");
    }

    @Test
    void aSimpleRequestFromAnAllowedOriginMayBeReadAndOthersMayNot() throws Exception {
        HttpResponse<String> allowed = send(request("/health").header("Origin", ORIGIN).GET());
        HttpResponse<String> other = send(request("/health").header("Origin", "https://evil.example").GET());
        HttpResponse<String> otherPreflight = send(request("/prompt")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.example").header("Access-Control-Request-Method", "POST"));

        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ORIGIN);
        assertThat(allowed.headers().firstValue("Access-Control-Expose-Headers").orElseThrow()).contains("X-Request-Id");
        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(otherPreflight.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(otherPreflight.headers().firstValue("Access-Control-Allow-Methods")).isEmpty();
    }

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(server.uri(path)).timeout(Duration.ofSeconds(30));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static double delta(Map<String, Double> before, Map<String, Double> after, String series) {
        return PrometheusText.delta(before, after, series);
    }

    private static Map<String, Double> scrapeQuietly() {
        try {
            return scrape();
        } catch (Exception | AssertionError e) {
            return Map.of();
        }
    }

    private static Map<String, Double> scrape() throws Exception {
        HttpResponse<String> response = send(request("/metrics").GET());
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
        return PrometheusText.scrape(server);
    }
}
