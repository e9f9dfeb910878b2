package org.comfyapi.server.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** A prompt that ComfyUI loses while it stays up fails within seconds with a clear message (issue 11, case 1). */
class LostPromptTest {
    private static final String LOST = "is in neither its queue nor its history";

    @Test
    void aPromptClearedFromComfysQueueFailsAndTheOneRunningIsUntouched(@TempDir Path home) throws Exception {
        try (TestServer server = TestServer.start(home, Map.of())) {
            CompletableFuture<TestServer.Response> running = server.postAsync("/prompt",
                    Graphs.body("hanging", Graphs.fault("hang", 0, 1)));
            server.awaitComfyRunning();
            CompletableFuture<TestServer.Response> pending = server.postAsync("/prompt",
                    Graphs.body("behind", Graphs.invert(9, 4, 4, "behind")));
            TestServer.await(() -> pendingAtComfy(server) == 1, Duration.ofSeconds(20), "the second prompt queued at ComfyUI");

            assertThat(server.comfyPost("/queue", "{\"clear\": true}").status()).isEqualTo(200);

            TestServer.Response lost = pending.get();
            assertThat(lost.status()).isEqualTo(502);
            assertThat(lost.json().path("error").asText()).contains(LOST);
            assertThat(lost.json().path("location").asText()).isEqualTo("comfyui");
            assertThat(running).as("the running prompt is still waited for").isNotDone();

            server.comfyPost("/interrupt", "{}");
            assertThat(running.get().json().path("error").asText()).contains("interrupted");
        }
    }

    @Test
    void aComfyRestartedOutsideOurSupervisionFailsThePromptItLost(@TempDir Path home) throws Exception {
        Path comfyPid = home.resolve("comfy.pid");
        try (TestServer server = TestServer.start(home, Map.of(), Simulator.freePort(),
                port -> ProcessTreeTest.wrapper(home, """
                        while true; do
                          %s &
                          echo $! > %s
                          wait $!
                        done
                        """.formatted(Simulator.command(home, port), comfyPid)))) {
            CompletableFuture<TestServer.Response> hanging = server.postAsync("/prompt",
                    Graphs.body("lost-in-restart", Graphs.fault("hang", 0, 1)));
            server.awaitComfyRunning();
            long killed = Long.parseLong(Files.readString(comfyPid).trim());

            ProcessHandle.of(killed).orElseThrow().destroyForcibly();

            TestServer.Response lost = hanging.get();
            assertThat(lost.status()).isEqualTo(502);
            assertThat(lost.json().path("location").asText()).isEqualTo("comfyui");
            // ComfyUI may show the prompt running before its answer to our POST has reached us; killed in
            // that gap, the prompt was never ours to wait for and the answer says ComfyUI went away
            assertThat(lost.json().path("error").asText()).containsAnyOf(LOST, "ComfyUI is not reachable");
            assertThat(Long.parseLong(Files.readString(comfyPid).trim())).as("the wrapper started ComfyUI again").isNotEqualTo(killed);
            TestServer.Response after = server.post("/prompt", Graphs.body("after-restart", Graphs.invert(9, 4, 4, "a")));
            assertThat(after.status()).isEqualTo(200);
            assertThat(server.fatalExit).isNotDone();
        }
    }

    private static int pendingAtComfy(TestServer server) {
        try {
            return server.comfyGet("/queue").json().path("queue_pending").size();
        } catch (Exception e) {
            return -1;
        }
    }
}
