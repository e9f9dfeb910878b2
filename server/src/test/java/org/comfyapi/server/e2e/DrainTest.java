package org.comfyapi.server.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** SIGTERM to a real server process drains it (SPEC 10.2, issue 11 case 2). */
class DrainTest {

    @Test
    void sigtermDeliversTheJobsInFlightEvenHeldWebhooksAndUploadsRefusesNewOnesAndExitsZero(@TempDir Path home) throws Exception {
        int comfyPort = Simulator.freePort();
        try (WebhookReceiver receiver = new WebhookReceiver();
             ServerProcess server = ServerProcess.startedInFrontOfSimulator(home, comfyPort, Map.of())) {
            List<ProcessHandle> children = server.process.descendants().toList();
            receiver.stall("/drain");
            assertThat(server.post("/prompt", asyncBody("drain-async", receiver.url("/drain"), Graphs.invert(1, 4, 4, "a")))
                    .status()).isEqualTo(202);
            String upload = "/uploads/drain-upload_up_00001_.png";
            receiver.stall(upload);
            assertThat(server.post("/prompt", "{\"id\": \"drain-upload\", \"prompt\": " + Graphs.invert(0x336699, 48, 32, "up")
                    + ", \"http_upload\": {\"url_prefix\": \"" + receiver.url("/uploads/") + "\", \"async\": true}}")
                    .status()).isEqualTo(202);
            TestServer.await(() -> receiver.inFlight.get() == 2, Duration.ofSeconds(30), "the webhook and the upload on their way");
            CompletableFuture<TestServer.Response> sync = server.postAsync("/prompt",
                    Graphs.body("drain-sync", Graphs.fault("slow", 1000, 1)));
            Simulator.awaitQueue(comfyPort, "queue_running");

            server.process.destroy(); // SIGTERM

            TestServer.await(() -> server.status("/ready") == 503, Duration.ofSeconds(10), "not ready once stopping");
            TestServer.Response refused = server.post("/prompt", Graphs.body("too-late", Graphs.invert(2, 4, 4, "l")));
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.json().path("location").asText()).isEqualTo("server");
            assertThat(refused.headers().firstValueAsLong("Retry-After").orElse(0)).isPositive();
            assertThat(sync.get().status()).as("the sync request in flight is answered").isEqualTo(200);
            assertThat(server.process.isAlive()).as("still delivering the webhook and the upload").isTrue();

            receiver.release("/drain");
            receiver.release(upload);

            assertThat(server.awaitExit(Duration.ofSeconds(30))).isZero();
            assertThat(receiver.all(r -> r.path().equals("/drain"))).singleElement()
                    .satisfies(r -> assertThat(r.json().path("type").asText()).isEqualTo("prompt.complete"));
            assertThat(receiver.all(r -> r.path().equals(upload))).as("the held upload, read after the SIGTERM, is whole")
                    .singleElement().satisfies(r -> {
                        assertThat(r.method()).isEqualTo("PUT");
                        BufferedImage image = ImageIO.read(new ByteArrayInputStream(r.bytes()));
                        assertThat(image).isNotNull();
                        assertThat(image.getWidth()).isEqualTo(48);
                        assertThat(image.getHeight()).isEqualTo(32);
                        InputsEndToEndTest.assertInverted(image, 0x336699, 1);
                    });
            assertThat(children).isNotEmpty().noneMatch(ProcessHandle::isAlive);
        }
    }

    @Test
    void jobsStillRunningAfterTheGracePeriodAreStoppedAndFailed(@TempDir Path home) throws Exception {
        int comfyPort = Simulator.freePort();
        try (WebhookReceiver receiver = new WebhookReceiver();
             ServerProcess server = ServerProcess.startedInFrontOfSimulator(home, comfyPort, Map.of("SHUTDOWN_GRACE_S", "1"))) {
            CompletableFuture<TestServer.Response> sync = server.postAsync("/prompt",
                    Graphs.body("stuck-sync", Graphs.fault("hang", 0, 1)));
            Simulator.awaitQueue(comfyPort, "queue_running");
            assertThat(server.post("/prompt", asyncBody("stuck-async", receiver.url("/stuck"), Graphs.fault("hang", 0, 2)))
                    .status()).isEqualTo(202);
            Simulator.awaitQueue(comfyPort, "queue_pending");

            server.process.destroy(); // SIGTERM

            TestServer.Response answer = sync.get();
            assertThat(answer.status()).isEqualTo(503);
            assertThat(answer.json().path("error").asText()).contains("SHUTDOWN_GRACE_S");
            assertThat(server.awaitExit(Duration.ofSeconds(30))).isZero();
            assertThat(receiver.all(r -> r.path().equals("/stuck"))).singleElement().satisfies(r -> {
                assertThat(r.json().path("type").asText()).isEqualTo("prompt.failed");
                assertThat(r.json().path("error").asText()).contains("SHUTDOWN_GRACE_S");
            });
        }
    }

    private static String asyncBody(String id, String webhook, String graph) {
        return "{\"id\": \"" + id + "\", \"webhook_v2\": \"" + webhook + "\", \"prompt\": " + graph + "}";
    }
}
