package org.comfyapi.server.prompt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import org.comfyapi.server.json.Json;
import org.comfyapi.server.webhook.WebhookSender;
import org.comfyapi.server.webhook.WebhookSigner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The webhooks of an asynchronous request, as a receiver on loopback gets them. */
class WebhookDeliveryTest {
    private record Hit(String path, Map<String, String> headers, JsonNode body) {
    }

    private final BlockingQueue<Hit> hits = new LinkedBlockingQueue<>();
    private HttpServer receiver;
    private HttpClient http;
    @TempDir
    Path dir;

    @BeforeEach
    void start() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            Map<String, String> headers = new HashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v.getFirst()));
            hits.add(new Hit(exchange.getRequestURI().getPath(), headers,
                    Json.MAPPER.readTree(exchange.getRequestBody().readAllBytes())));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        http = HttpClient.newHttpClient();
    }

    @AfterEach
    void stop() {
        receiver.stop(0);
        http.close();
    }

    private WebhookDelivery delivery() {
        WebhookSigner signer = WebhookSigner.fromSecret(Optional.of(
                "whsec_" + Base64.getEncoder().encodeToString("a-test-secret-of-32-bytes-length".getBytes())));
        return new WebhookDelivery(new WebhookSender(http, signer, 0, Duration.ofMillis(10)),
                new ResultJsonWriter(), dir.resolve("spool"));
    }

    private PromptRequest request(String... fields) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("id", "req-1");
        body.putObject("prompt").putObject("1").put("class_type", "SaveImage").putObject("inputs");
        for (int i = 0; i < fields.length; i += 2) body.put(fields[i], url(fields[i + 1]));
        return PromptRequest.parse(body);
    }

    private String url(String path) {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + path;
    }

    private Hit next() throws InterruptedException {
        Hit hit = hits.poll(20, TimeUnit.SECONDS);
        assertThat(hit).as("a webhook within 20 s").isNotNull();
        return hit;
    }

    @Test
    void failureReachesBothWebhooksWithTheErrorAndTheGraph() throws Exception {
        PromptRequest request = request("webhook", "/legacy", "webhook_v2", "/v2");

        delivery().failed(request, "Prompt execution was interrupted");

        List<Hit> got = List.of(next(), next());
        Hit legacy = got.stream().filter(h -> h.path().equals("/legacy")).findFirst().orElseThrow();
        Hit v2 = got.stream().filter(h -> h.path().equals("/v2")).findFirst().orElseThrow();
        assertThat(legacy.body().path("event").asText()).isEqualTo("prompt.failed");
        assertThat(legacy.body().path("error").asText()).isEqualTo("Prompt execution was interrupted");
        assertThat(legacy.body().path("id").asText()).isEqualTo("req-1");
        assertThat(legacy.body().path("prompt").path("1").path("class_type").asText()).isEqualTo("SaveImage");
        assertThat(legacy.headers()).doesNotContainKey("webhook-signature");
        assertThat(v2.body().path("type").asText()).isEqualTo("prompt.failed");
        assertThat(v2.body().path("error").asText()).isEqualTo("Prompt execution was interrupted");
        assertThat(v2.headers()).containsKeys("webhook-id", "webhook-timestamp", "webhook-signature");
        assertThat(v2.headers().get("webhook-id")).isEqualTo("req-1");
    }

    @Test
    void completionSendsEachFileToTheLegacyWebhookAndOneSignedSummaryToV2() throws Exception {
        PromptRequest request = request("webhook", "/legacy", "webhook_v2", "/v2");
        Path a = Files.write(dir.resolve("a.png"), new byte[]{1, 2, 3});
        Path b = Files.write(dir.resolve("b.png"), new byte[]{4, 5});
        PromptResult result = new PromptResult(request, request.prompt(),
                List.of(new OutputFile("9", a, "a.png"), new OutputFile("9", b, "b.png")),
                System.currentTimeMillis(), 1, new ComfyRun("c-1", Json.MAPPER.createObjectNode(), 0, 0, Map.of()),
                2, 3);

        delivery().complete(result, OutputUploader.Uploaded.NONE);

        List<Hit> got = List.of(next(), next(), next());
        List<Hit> legacy = got.stream().filter(h -> h.path().equals("/legacy")).toList();
        assertThat(legacy).extracting(h -> h.body().path("event").asText())
                .containsExactly("output.complete", "output.complete");
        assertThat(legacy).extracting(h -> h.body().path("filename").asText())
                .containsExactlyInAnyOrder("a.png", "b.png");
        Hit v2 = got.stream().filter(h -> h.path().equals("/v2")).findFirst().orElseThrow();
        assertThat(v2.body().path("type").asText()).isEqualTo("prompt.complete");
        assertThat(v2.body().path("filenames")).extracting(JsonNode::asText).containsExactly("a.png", "b.png");
        assertThat(v2.body().path("images")).extracting(JsonNode::asText).containsExactly(
                Base64.getEncoder().encodeToString(new byte[]{1, 2, 3}),
                Base64.getEncoder().encodeToString(new byte[]{4, 5}));
        assertThat(v2.headers()).containsKey("webhook-signature");
        assertThat(dir.resolve("spool")).isEmptyDirectory();
    }
}
