package org.comfyapi.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** Per-request "timeout" and PROMPT_TIMEOUT_S (SPEC 10.2). */
class DeadlineTest {

    private static TestServer server;

    @BeforeAll
    static void start(@TempDir Path home) throws Exception {
        server = TestServer.start(home, Map.of("PROMPT_TIMEOUT_S", "1"));
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    @Test
    void promptsPastTheirDeadlineAreStoppedAtComfyAndAnswered504() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            TestServer.Response running = server.post("/prompt", Graphs.body("late-running", Graphs.fault("hang", 0, 1)));
            assertThat(running.status()).isEqualTo(504);
            assertThat(running.json().path("error").asText()).isEqualTo("Prompt timed out after 1 s");
            assertThat(running.json().path("location").asText()).isEqualTo("timeout");
            TestServer.await(() -> comfyQueue(server, "queue_running") == 0, Duration.ofSeconds(20),
                    "the running prompt interrupted at ComfyUI");

            CompletableFuture<TestServer.Response> blocker = server.postAsync("/prompt",
                    "{\"id\": \"blocker\", \"timeout\": 120, \"prompt\": " + Graphs.fault("hang", 0, 2) + "}");
            server.awaitComfyRunning();
            assertThat(server.post("/prompt", "{\"id\": \"late-queued\", \"timeout\": 0.5, \"webhook_v2\": \""
                    + receiver.url("/late") + "\", \"prompt\": " + Graphs.invert(3, 4, 4, "l") + "}").status()).isEqualTo(202);
            JsonNode failed = receiver.awaitCount(r -> r.path().equals("/late"), 1, Duration.ofSeconds(30)).getFirst().json();
            assertThat(failed.path("type").asText()).isEqualTo("prompt.failed");
            assertThat(failed.path("error").asText()).isEqualTo("Prompt timed out after 0.5 s");
            assertThat(comfyQueue(server, "queue_pending")).as("deleted from ComfyUI's queue").isZero();
            assertThat(blocker).as("its own timeout of 120 s replaces PROMPT_TIMEOUT_S").isNotDone();

            server.post("/interrupt", "{\"id\": \"blocker\"}");
            assertThat(blocker.get().status()).isEqualTo(500);
        }
    }

    @Test
    void aBadTimeoutIsA400NamingIt() throws Exception {
        for (String timeout : new String[]{"0", "-1", "\"10\"", "true"}) {
            TestServer.Response response = server.post("/prompt",
                    "{\"timeout\": " + timeout + ", \"prompt\": " + Graphs.invert(1, 4, 4, "b") + "}");
            assertThat(response.status()).as("timeout %s", timeout).isEqualTo(400);
            assertThat(response.json().path("location").asText()).isEqualTo("timeout");
        }
    }

    @Test
    void aComfyThatIgnoresTheInterruptIsStuckAndRestartedAndTheOtherJobsAreToldWhy(@TempDir Path home) throws Exception {
        try (TestServer restarting = TestServer.start(home, Map.of("ALWAYS_RESTART_COMFYUI", "true", "INTERRUPT_GRACE_S", "1"))) {
            // the simulator's "slow" node sleeps through interrupts, like a custom node that never checks them
            CompletableFuture<TestServer.Response> stuck = restarting.postAsync("/prompt",
                    "{\"id\": \"stuck\", \"timeout\": 1, \"prompt\": " + Graphs.fault("slow", 600_000, 1) + "}");
            restarting.awaitComfyRunning();
            CompletableFuture<TestServer.Response> behind = restarting.postAsync("/prompt",
                    Graphs.body("behind-stuck", Graphs.invert(2, 4, 4, "s")));

            assertThat(stuck.get().status()).isEqualTo(504);
            TestServer.Response other = behind.get();
            assertThat(other.status()).isEqualTo(502);
            assertThat(other.json().path("error").asText()).contains("ComfyUI is stuck").contains("INTERRUPT_GRACE_S");

            TestServer.await(() -> ready(restarting), Duration.ofSeconds(60), "ready after the restart");
            assertThat(restarting.post("/prompt", Graphs.body("after-stuck", Graphs.invert(2, 4, 4, "a"))).status()).isEqualTo(200);
            assertThat(restarting.fatalExit).isNotDone();
        }
    }

    @Test
    void withRestartsOffAComfyThatIgnoresTheInterruptIsStoppedTheJobsAreAnsweredAndTheServerExitsNonZero(@TempDir Path home)
            throws Exception {
        int comfyPort = Simulator.freePort();
        try (WebhookReceiver receiver = new WebhookReceiver();
             ServerProcess server = ServerProcess.startedInFrontOfSimulator(home, comfyPort,
                     Map.of("ALWAYS_RESTART_COMFYUI", "false", "INTERRUPT_GRACE_S", "1"))) {
            List<ProcessHandle> children = server.process.descendants().toList();
            CompletableFuture<TestServer.Response> stuck = server.postAsync("/prompt",
                    "{\"id\": \"stuck-off\", \"timeout\": 1, \"prompt\": " + Graphs.fault("slow", 600_000, 1) + "}");
            Simulator.awaitQueue(comfyPort, "queue_running");
            assertThat(server.post("/prompt", "{\"id\": \"behind-off\", \"webhook_v2\": \"" + receiver.url("/behind")
                    + "\", \"prompt\": " + Graphs.invert(2, 4, 4, "o") + "}").status()).isEqualTo(202);

            TestServer.Response timedOut = stuck.get();
            assertThat(timedOut.status()).isEqualTo(504);
            assertThat(timedOut.json().path("error").asText()).isEqualTo("Prompt timed out after 1 s");

            assertThat(server.awaitExit(Duration.ofSeconds(60))).isNotZero();
            assertThat(server.output()).contains("ComfyUI is stuck").contains("ALWAYS_RESTART_COMFYUI=false");
            assertThat(children).isNotEmpty().noneMatch(ProcessHandle::isAlive);
            assertThat(receiver.all(r -> r.path().equals("/behind"))).as("the job behind it is failed and told why before the exit")
                    .singleElement().satisfies(r -> {
                        assertThat(r.json().path("type").asText()).isEqualTo("prompt.failed");
                        assertThat(r.json().path("error").asText()).contains("ComfyUI is stuck").contains("INTERRUPT_GRACE_S");
                    });
        }
    }

    private static int comfyQueue(TestServer server, String list) {
        try {
            return server.comfyGet("/queue").json().path(list).size();
        } catch (Exception e) {
            return -1;
        }
    }

    private static boolean ready(TestServer server) {
        try {
            return server.get("/ready").status() == 200;
        } catch (Exception e) {
            return false;
        }
    }
}
