package org.comfyapi.server.e2e;

import org.comfyapi.server.comfy.ComfyMessage;
import org.comfyapi.server.prompt.PromptRequest;
import org.comfyapi.server.prompt.PromptResult;
import org.comfyapi.server.prompt.RunListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The one place requests run reports every stage, for sync and async requests alike. */
class RunListenerEndToEndTest {
    @TempDir
    static Path home;
    static TestServer server;
    static WebhookReceiver receiver;
    static final List<String> stages = new CopyOnWriteArrayList<>();

    static final RunListener RECORDER = new RunListener() {
        @Override
        public void accepted(PromptRequest request) {
            stages.add(request.id() + " accepted");
        }

        @Override
        public void sent(String requestId, String promptId) {
            stages.add(requestId + " sent " + !promptId.isBlank());
        }

        @Override
        public void frame(String requestId, ComfyMessage message) {
            stages.add(requestId + " frame " + message.type());
        }

        @Override
        public void finished(PromptResult result) {
            stages.add(result.request().id() + " finished " + result.files().size());
        }

        @Override
        public void failed(PromptRequest request, RuntimeException error) {
            stages.add(request.id() + " failed " + error.getMessage());
        }

        @Override
        public void delivered(PromptRequest request) {
            stages.add(request.id() + " delivered");
        }
    };

    @BeforeAll
    static void start() throws Exception {
        receiver = new WebhookReceiver();
        server = TestServer.start(home, Map.of(), RECORDER);
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
        if (receiver != null) receiver.close();
    }

    private static List<String> of(String id) {
        return stages.stream().filter(s -> s.startsWith(id + " ")).map(s -> s.substring(id.length() + 1))
                .filter(s -> !s.startsWith("frame") || s.equals("frame execution_start") || s.equals("frame execution_success"))
                .toList();
    }

    @Test
    void aSyncRequestIsSeenFromAcceptanceToDelivery() throws Exception {
        TestServer.Response response = server.post("/prompt", Graphs.body("listen-sync", Graphs.invert(0x102030, 8, 8, "l")));

        assertThat(response.status()).isEqualTo(200);
        assertThat(of("listen-sync")).containsExactly("accepted", "sent true", "frame execution_start",
                "frame execution_success", "finished 1", "delivered");
    }

    @Test
    void anAsyncRequestIsSeenUntilItsWebhookIsSent() throws Exception {
        String body = "{\"id\": \"listen-async\", \"webhook_v2\": \"" + receiver.url("/v2") + "\", \"prompt\": "
                + Graphs.invert(0x102030, 8, 8, "l") + "}";
        assertThat(server.post("/prompt", body).status()).isEqualTo(202);

        TestServer.await(() -> of("listen-async").contains("delivered"), Duration.ofSeconds(30), "delivery");
        assertThat(of("listen-async")).containsExactly("accepted", "sent true", "frame execution_start",
                "frame execution_success", "finished 1", "delivered");
        assertThat(receiver.awaitCount(r -> r.path().equals("/v2"), 1, Duration.ofSeconds(10))).hasSize(1);
    }

    @Test
    void aFailureIsSeenAndNothingIsDelivered() throws Exception {
        TestServer.Response response = server.post("/prompt", Graphs.body("listen-fail", Graphs.fault("error", 0, 0)));

        assertThat(response.status()).isEqualTo(500);
        assertThat(of("listen-fail")).first().isEqualTo("accepted");
        assertThat(of("listen-fail")).last().asString().startsWith("failed ");
        assertThat(of("listen-fail")).doesNotContain("delivered");
    }
}
