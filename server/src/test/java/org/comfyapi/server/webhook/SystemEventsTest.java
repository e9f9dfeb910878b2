package org.comfyapi.server.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.comfyapi.server.comfy.ComfyMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The system webhook: chosen ComfyUI and storage events, in order, signed, to one loopback receiver. */
class SystemEventsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString("system-events-key".getBytes());

    private record Received(String body, String signature) {}

    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile boolean holdFirst;
    private volatile boolean releaseTimedOut;
    private HttpServer receiver;
    private HttpClient http;
    private WebhookSender sender;

    @BeforeEach
    void start() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hook", exchange -> {
            try (exchange) {
                String body = new String(exchange.getRequestBody().readAllBytes());
                received.add(new Received(body, exchange.getRequestHeaders().getFirst("webhook-signature")));
                if (holdFirst) {
                    holdFirst = false;
                    if (!release.await(30, TimeUnit.SECONDS)) releaseTimedOut = true;
                }
                exchange.sendResponseHeaders(204, -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        receiver.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        receiver.start();
        http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();
        sender = new WebhookSender(http, WebhookSigner.fromSecret(Optional.of(SECRET)), 0, Duration.ofMillis(10));
    }

    @AfterEach
    void stop() {
        receiver.stop(0);
        http.close();
    }

    private URI url() {
        return URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
    }

    private JsonNode next() throws Exception {
        Received r = received.poll(30, TimeUnit.SECONDS);
        assertThat(r).as("a system webhook arrived").isNotNull();
        assertThat(r.signature()).startsWith("v1,");
        return JSON.readTree(r.body());
    }

    private static ComfyMessage comfy(String type, String data) throws Exception {
        return new ComfyMessage(type, JSON.readTree(data));
    }

    @Test
    void chosenComfyEventsArriveInOrderWithOurRequestIdAndTheMetadata() throws Exception {
        try (SystemEvents events = new SystemEvents(url(), Set.of("execution_start", "executed"), Map.of("pod", "p-1"),
                sender, promptId -> promptId.equals("comfy-id") ? Optional.of("request-7") : Optional.empty())) {
            events.comfy(comfy("status", "{\"status\": {\"exec_info\": {\"queue_remaining\": 1}}}"));
            events.comfy(comfy("execution_start", "{\"prompt_id\": \"comfy-id\", \"timestamp\": 1}"));
            events.comfy(comfy("progress", "{\"prompt_id\": \"comfy-id\", \"value\": 1, \"max\": 2}"));
            events.comfy(comfy("executed", "{\"prompt_id\": \"comfy-id\", \"node\": \"9\", \"output\": {\"images\": ["
                    + "{\"filename\": \"a.png\", \"prompt_id\": \"comfy-id\"}]}}"));
            events.comfy(comfy("execution_start", "{\"prompt_id\": \"not-ours\", \"timestamp\": 2}"));

            JsonNode first = next();
            assertThat(first.path("event").asText()).isEqualTo("comfy.execution_start");
            assertThat(first.path("data").path("prompt_id").asText()).isEqualTo("request-7");
            assertThat(first.path("metadata")).isEqualTo(JSON.readTree("{\"pod\": \"p-1\"}"));
            JsonNode second = next();
            assertThat(second.path("event").asText()).isEqualTo("comfy.executed");
            assertThat(second.at("/data/prompt_id").asText()).isEqualTo("request-7");
            assertThat(second.at("/data/output/images/0/prompt_id").asText()).as("nested ids too").isEqualTo("request-7");
            JsonNode third = next();
            assertThat(third.at("/data/prompt_id").asText()).as("an id we did not send stays").isEqualTo("not-ours");
        }
    }

    @Test
    void storageEventsGoOutWhenStorageOrTheEventIsChosen() throws Exception {
        try (SystemEvents events = new SystemEvents(url(), Set.of("storage"), Map.of(), sender, id -> Optional.empty())) {
            events.comfy(comfy("execution_start", "{\"prompt_id\": \"x\"}"));
            events.downloaded("https://example.com/a.png", Path.of("/in/a.png"), 10, 5);
            events.uploaded(Path.of("/out/b.png"), "s3://bucket/b.png", 20, 6);
            events.deleted("https://example.com/a.png", Path.of("/in/a.png"), 10);
            List<String> names = new ArrayList<>();
            for (int i = 0; i < 3; i++) names.add(next().path("event").asText());
            assertThat(names).as("in order, and no comfy event before them")
                    .containsExactly("storage.file_downloaded", "storage.file_uploaded", "storage.file_deleted");
        }
        try (SystemEvents events = new SystemEvents(url(), Set.of("storage.file_uploaded"), Map.of(), sender,
                id -> Optional.empty())) {
            events.downloaded("https://example.com/a.png", Path.of("/in/a.png"), 10, 5);
            events.uploaded(Path.of("/out/b.png"), "s3://bucket/b.png", 20, 6);
            JsonNode uploaded = next();
            assertThat(uploaded.path("event").asText()).isEqualTo("storage.file_uploaded");
            assertThat(uploaded.path("data")).isEqualTo(JSON.readTree(
                    "{\"local_path\": \"/out/b.png\", \"url\": \"s3://bucket/b.png\", \"size\": 20, \"duration\": 6}"));
        }
    }

    @Test
    void aSlowReceiverBuildsABacklogButNeverSlowsTheCaller() throws Exception {
        holdFirst = true;
        try (SystemEvents events = new SystemEvents(url(), Set.of("all"), Map.of(), sender, id -> Optional.empty())) {
            events.comfy(comfy("progress", "{\"prompt_id\": \"p\", \"value\": 0, \"max\": 50}"));
            assertThat(next().at("/data/value").asInt()).isEqualTo(0); // the receiver now holds it
            for (int i = 1; i < 50; i++) {
                events.comfy(comfy("progress", "{\"prompt_id\": \"p\", \"value\": " + i + ", \"max\": 50}"));
            }
            release.countDown();
            for (int i = 1; i < 50; i++) assertThat(next().at("/data/value").asInt()).isEqualTo(i);
            assertThat(releaseTimedOut).as("the caller went on while the first delivery was held").isFalse();
        }
    }
}
