package org.comfyapi.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Webhooks (legacy and signed v2), conversion and system events, through real /prompt runs. */
class DeliveryEndToEndTest {
    private static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString("a-test-secret-of-32-bytes-length".getBytes());

    @TempDir
    static Path home;
    static WebhookReceiver receiver;
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        receiver = new WebhookReceiver();
        server = TestServer.start(home, Map.of(
                "WEBHOOK_SECRET", SECRET,
                "PROMPT_WEBHOOK_RETRIES", "3",
                "WEBHOOK_RETRY_DELAY_MS", "50",
                "SYSTEM_WEBHOOK_URL", receiver.url("/system"),
                "SYSTEM_WEBHOOK_EVENTS", "all",
                "SYSTEM_META_batch", "b-42",
                "SALAD_MACHINE_ID", "machine-1",
                "SALAD_CONTAINER_GROUP_ID", "group-1",
                "SALAD_METADATA_URL", receiver.url("")));
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
        if (receiver != null) receiver.close();
    }

    private static String twoImages(String id, String hook, String url) {
        return "{\"id\": \"" + id + "\", \"" + hook + "\": \"" + url + "\", \"prompt\": "
                + Graphs.invert(0x000080, 8, 8, "hook").replace("\"batch_size\": 1", "\"batch_size\": 2") + "}";
    }

    @Test
    void legacyWebhookGetsOneOutputCompletePerFile() throws Exception {
        TestServer.Response accepted = server.post("/prompt", twoImages("legacy-1", "webhook", receiver.url("/legacy")));
        assertThat(accepted.status()).isEqualTo(202);
        assertThat(accepted.json().path("status").asText()).isEqualTo("ok");
        assertThat(accepted.json().path("id").asText()).isEqualTo("legacy-1");
        List<WebhookReceiver.Received> calls = receiver.awaitCount(r -> r.path().equals("/legacy"), 2, Duration.ofSeconds(30));
        assertThat(calls).hasSize(2);
        List<String> names = new ArrayList<>();
        for (WebhookReceiver.Received call : calls) {
            JsonNode body = call.json();
            assertThat(body.path("event").asText()).isEqualTo("output.complete");
            assertThat(body.path("id").asText()).isEqualTo("legacy-1");
            assertThat(body.path("prompt").has("3")).isTrue();
            names.add(body.path("filename").asText());
            var image = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(body.path("image").asText())));
            int rgb = image.getRGB(0, 0);
            assertThat(rgb & 0xFFFF00).isEqualTo(0xFFFF00);
            assertThat(rgb & 0xFF).as("ComfyUI truncates 255 * (1 - 128 / 255)").isBetween(126, 127);
            assertThat(call.headers()).doesNotContainKey("webhook-signature");
        }
        assertThat(names).containsExactlyInAnyOrder("legacy-1_hook_00001_.png", "legacy-1_hook_00002_.png");
    }

    @Test
    void webhookV2IsOneSignedPromptComplete() throws Exception {
        assertThat(server.post("/prompt", twoImages("v2-1", "webhook_v2", receiver.url("/v2"))).status()).isEqualTo(202);
        WebhookReceiver.Received call = receiver.awaitCount(r -> r.path().equals("/v2"), 1, Duration.ofSeconds(30)).getFirst();
        JsonNode body = call.json();
        assertThat(body.path("type").asText()).isEqualTo("prompt.complete");
        assertThat(Instant.parse(body.path("timestamp").asText())).isBefore(Instant.now().plusSeconds(1));
        assertThat(body.path("id").asText()).isEqualTo("v2-1");
        assertThat(body.path("images")).hasSize(2);
        assertThat(body.path("filenames")).hasSize(2);
        assertThat(body.path("stats").path("total_time").isNumber()).isTrue();
        assertThat(call.headers().get("webhook-id")).isEqualTo("v2-1");
        assertThat(new StandardWebhooksVerifier(SECRET).verify(call.headers().get("webhook-id"),
                call.headers().get("webhook-timestamp"), call.body(), call.headers().get("webhook-signature"))).isTrue();
        assertThat(new StandardWebhooksVerifier(SECRET).verify(call.headers().get("webhook-id"),
                call.headers().get("webhook-timestamp"), call.body() + " ", call.headers().get("webhook-signature")))
                .as("a changed body does not verify").isFalse();
    }

    @Test
    void failuresAreSentAsPromptFailed() throws Exception {
        String body = "{\"id\": \"fail-1\", \"webhook\": \"" + receiver.url("/fail-legacy") + "\", \"webhook_v2\": \""
                + receiver.url("/fail-v2") + "\", \"prompt\": " + Graphs.fault("error", 0, 1) + "}";
        assertThat(server.post("/prompt", body).status()).isEqualTo(202);
        JsonNode legacy = receiver.awaitCount(r -> r.path().equals("/fail-legacy"), 1, Duration.ofSeconds(30)).getFirst().json();
        assertThat(legacy.path("event").asText()).isEqualTo("prompt.failed");
        assertThat(legacy.path("id").asText()).isEqualTo("fail-1");
        assertThat(legacy.path("error").asText()).isNotBlank();
        assertThat(legacy.path("prompt").has("2")).isTrue();
        WebhookReceiver.Received v2 = receiver.awaitCount(r -> r.path().equals("/fail-v2"), 1, Duration.ofSeconds(30)).getFirst();
        assertThat(v2.json().path("type").asText()).isEqualTo("prompt.failed");
        assertThat(v2.json().path("error").asText()).isEqualTo(legacy.path("error").asText());
        assertThat(new StandardWebhooksVerifier(SECRET).verify(v2.headers().get("webhook-id"),
                v2.headers().get("webhook-timestamp"), v2.body(), v2.headers().get("webhook-signature"))).isTrue();
    }

    @Test
    void aReceiverThatFailsTwiceGetsExactlyOneSuccessfulDelivery() throws Exception {
        receiver.failTimes("/flaky", 2);
        assertThat(server.post("/prompt", "{\"id\": \"flaky-1\", \"webhook_v2\": \"" + receiver.url("/flaky")
                + "\", \"prompt\": " + Graphs.invert(1, 4, 4, "f") + "}").status()).isEqualTo(202);
        List<WebhookReceiver.Received> calls = receiver.awaitCount(r -> r.path().equals("/flaky"), 3, Duration.ofSeconds(30));
        assertThat(calls).hasSize(3);
        assertThat(calls).allSatisfy(c -> assertThat(c.json().path("id").asText()).isEqualTo("flaky-1"));
        // the third attempt succeeded, so no fourth one comes; a later request's webhook arrives after it
        assertThat(server.post("/prompt", "{\"id\": \"flaky-2\", \"webhook_v2\": \"" + receiver.url("/flaky")
                + "\", \"prompt\": " + Graphs.invert(2, 4, 4, "f") + "}").status()).isEqualTo(202);
        List<WebhookReceiver.Received> after = receiver.awaitCount(r -> r.path().equals("/flaky"), 4, Duration.ofSeconds(30));
        assertThat(after.get(3).json().path("id").asText()).isEqualTo("flaky-2");
        assertThat(after.stream().filter(c -> c.json().path("id").asText().equals("flaky-1"))).hasSize(3);
    }

    @Test
    void aStalledReceiverDoesNotSlowTheNextRequest() throws Exception {
        receiver.stall("/stalled");
        try {
            assertThat(server.post("/prompt", "{\"id\": \"stall-1\", \"webhook\": \"" + receiver.url("/stalled")
                    + "\", \"prompt\": " + Graphs.invert(3, 4, 4, "s") + "}").status()).isEqualTo(202);
            TestServer.await(() -> receiver.inFlight.get() > 0, Duration.ofSeconds(30), "webhook in flight");
            TestServer.Response next = server.post("/prompt", Graphs.body("after-stall", Graphs.invert(4, 4, 4, "n")));
            assertThat(next.status()).isEqualTo(200);
            assertThat(receiver.inFlight.get()).as("the stalled delivery is still hanging").isPositive();
        } finally {
            receiver.release("/stalled");
        }
    }

    @Test
    void aDownReceiverDoesNotSlowTheNextRequest() throws Exception {
        int closedPort = Simulator.freePort();
        assertThat(server.post("/prompt", "{\"id\": \"down-1\", \"webhook\": \"http://127.0.0.1:" + closedPort
                + "/x\", \"prompt\": " + Graphs.invert(3, 4, 4, "d") + "}").status()).isEqualTo(202);
        TestServer.Response next = server.post("/prompt", Graphs.body("after-down", Graphs.invert(4, 4, 4, "n")));
        assertThat(next.status()).isEqualTo(200);
        assertThat(server.get("/health").status()).isEqualTo(200);
    }

    @Test
    void outputsAreConvertedToJpegAndWebp() throws Exception {
        TestServer.Response jpeg = server.post("/prompt", "{\"id\": \"jpg-1\", \"convert_output\": {\"format\": \"jpeg\", "
                + "\"options\": {\"quality\": 90, \"progressive\": true, \"chromaSubsampling\": \"4:4:4\"}}, \"prompt\": "
                + Graphs.invert(0x204060, 32, 16, "c") + "}");
        assertThat(jpeg.status()).isEqualTo(200);
        assertThat(jpeg.json().path("filenames").get(0).asText()).isEqualTo("jpg-1_c_00001_.jpg");
        byte[] jpegBytes = Base64.getDecoder().decode(jpeg.json().path("images").get(0).asText());
        assertThat(formatOf(jpegBytes)).isEqualTo("jpeg");
        assertThat(jpegBytes).as("progressive: SOF2 marker").containsSequence((byte) 0xFF, (byte) 0xC2);
        var decoded = ImageIO.read(new ByteArrayInputStream(jpegBytes));
        assertThat(decoded.getWidth()).isEqualTo(32);
        assertThat(decoded.getHeight()).isEqualTo(16);

        TestServer.Response webp = server.post("/prompt", "{\"id\": \"webp-1\", \"convert_output\": {\"format\": \"webp\", "
                + "\"options\": {\"quality\": 70, \"effort\": 2}}, \"prompt\": " + Graphs.invert(0x204060, 24, 12, "c") + "}");
        assertThat(webp.status()).isEqualTo(200);
        assertThat(webp.json().path("filenames").get(0).asText()).isEqualTo("webp-1_c_00001_.webp");
        byte[] webpBytes = Base64.getDecoder().decode(webp.json().path("images").get(0).asText());
        assertThat(new String(webpBytes, 0, 4)).isEqualTo("RIFF");
        assertThat(new String(webpBytes, 8, 4)).isEqualTo("WEBP");
        var webpImage = ImageIO.read(new ByteArrayInputStream(webpBytes));
        assertThat(webpImage.getWidth()).isEqualTo(24);
    }

    @Test
    void outOfRangeConversionOptionsAre400BeforeAnythingRuns() throws Exception {
        TestServer.Response response = server.post("/prompt", "{\"convert_output\": {\"format\": \"jpeg\", "
                + "\"options\": {\"quality\": 101}}, \"prompt\": " + Graphs.invert(0, 4, 4, "x") + "}");
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().path("location").asText()).isEqualTo("convert_output.options.quality");
        assertThat(response.json().path("error").asText()).contains("quality");
        TestServer.Response format = server.post("/prompt", "{\"convert_output\": {\"format\": \"gif\"}, \"prompt\": "
                + Graphs.invert(0, 4, 4, "x") + "}");
        assertThat(format.status()).isEqualTo(400);
        assertThat(format.json().path("location").asText()).isEqualTo("convert_output.format");
        TestServer.Response badHook = server.post("/prompt", "{\"webhook\": \"not a url\", \"prompt\": "
                + Graphs.invert(0, 4, 4, "x") + "}");
        assertThat(badHook.status()).isEqualTo(400);
        assertThat(badHook.json().path("location").asText()).isEqualTo("webhook");
    }

    @Test
    void systemEventsArriveInOrderWithOurIdAndMetadata() throws Exception {
        TestServer.Response response = server.post("/prompt", Graphs.body("sys-1", Graphs.txt2img(7, 16, 16, "sys")));
        assertThat(response.status()).isEqualTo(200);
        List<WebhookReceiver.Received> events = receiver.awaitCount(r -> r.path().equals("/system")
                && r.json().path("event").asText().equals("comfy.execution_success")
                && r.json().at("/data/prompt_id").asText().equals("sys-1"), 1, Duration.ofSeconds(30));
        assertThat(events).isNotEmpty();
        List<String> types = receiver.all(r -> r.path().equals("/system")
                && r.json().at("/data/prompt_id").asText().equals("sys-1")).stream()
                .map(r -> r.json().path("event").asText()).toList();
        assertThat(types).containsSubsequence("comfy.execution_start", "comfy.execution_cached", "comfy.executing",
                "comfy.progress", "comfy.executed", "comfy.execution_success");
        WebhookReceiver.Received first = receiver.all(r -> r.path().equals("/system")).getFirst();
        assertThat(first.json().path("metadata").path("batch").asText()).isEqualTo("b-42");
        assertThat(first.json().path("metadata").path("salad_machine_id").asText()).isEqualTo("machine-1");
        assertThat(first.json().path("metadata").has("salad_metadata_url")).isFalse();
        assertThat(new StandardWebhooksVerifier(SECRET).verify(first.headers().get("webhook-id"),
                first.headers().get("webhook-timestamp"), first.body(), first.headers().get("webhook-signature"))).isTrue();
        List<WebhookReceiver.Received> progressState = receiver.all(r -> r.path().equals("/system")
                && r.json().path("event").asText().equals("comfy.progress_state")
                && r.json().at("/data/prompt_id").asText().equals("sys-1"));
        for (WebhookReceiver.Received state : progressState) {
            state.json().at("/data/nodes").forEach(node ->
                    assertThat(node.path("prompt_id").asText()).isEqualTo("sys-1"));
        }
    }

    @Test
    void deletionCostFollowsTheQueueLength() throws Exception {
        assertThat(server.post("/prompt", Graphs.body("cost-1", Graphs.invert(11, 4, 4, "cost"))).status()).isEqualTo(200);
        List<WebhookReceiver.Received> puts = receiver.awaitCount(r -> r.path().equals("/v1/deletion-cost"), 2,
                Duration.ofSeconds(30));
        assertThat(puts).allSatisfy(p -> {
            assertThat(p.method()).isEqualTo("PUT");
            assertThat(p.headers().get("metadata")).isEqualTo("true");
        });
        List<Integer> costs = puts.stream().map(p -> p.json().path("deletion_cost").asInt()).toList();
        assertThat(costs).contains(1);
        TestServer.await(() -> {
            var all = receiver.all(r -> r.path().equals("/v1/deletion-cost"));
            return all.getLast().json().path("deletion_cost").asInt() == 0;
        }, Duration.ofSeconds(10), "deletion cost back to 0");
    }

    private static String formatOf(byte[] bytes) throws Exception {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            return readers.hasNext() ? readers.next().getFormatName().toLowerCase() : "unknown";
        }
    }
}
