package org.comfyapi.server.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** ComfyUI as a supervised child: start-up checks, crashes under both restart settings, signals. */
class SupervisionTest {

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aCrashMidPromptFailsTheRequestAndComfyIsRestarted(@TempDir Path home) throws Exception {
        try (TestServer server = TestServer.start(home, Map.of("ALWAYS_RESTART_COMFYUI", "true"))) {
            long oldPid = comfyPid(server);
            TestServer.Response response = server.post("/prompt", Graphs.body("crash-1", Graphs.fault("crash", 0, 1)));
            assertThat(response.status()).isEqualTo(502);
            assertThat(response.json().path("error").asText()).contains("ComfyUI exited");

            TestServer.await(() -> status(server, "/ready") == 200, Duration.ofSeconds(60), "ready after restart");
            assertThat(comfyPid(server)).isNotEqualTo(oldPid);
            assertThat(status(server, "/health")).isEqualTo(200);
            TestServer.Response after = server.post("/prompt", Graphs.body("after-1", Graphs.invert(9, 4, 4, "a")));
            assertThat(after.status()).isEqualTo(200);
            assertThat(server.fatalExit).isNotDone();
            assertThat(PrometheusText.scrape(server)).containsEntry("comfyui_api_comfy_restarts_total", 1.0)
                    .containsEntry("comfyui_api_jobs_total{outcome=\"failure\"}", 1.0);
        }
    }

    @Test
    void readinessIs503WhileComfyIsDown(@TempDir Path home) throws Exception {
        try (TestServer server = TestServer.start(home, Map.of("ALWAYS_RESTART_COMFYUI", "true",
                "COMFY_UNAVAILABLE_WAIT_S", "60"), "--slow-start-ms", "0")) {
            CompletableFuture<TestServer.Response> crash = server.postAsync("/prompt",
                    Graphs.body("crash-2", Graphs.fault("crash", 0, 1)));
            TestServer.await(() -> status(server, "/ready") == 503, Duration.ofSeconds(20), "not ready after crash");
            assertThat(status(server, "/health")).as("health stays 200 while ComfyUI restarts").isEqualTo(200);
            TestServer.Response during = server.post("/prompt", Graphs.body("during-restart", Graphs.invert(9, 4, 4, "d")));
            assertThat(during.status()).as("a request during the restart waits for ComfyUI: " + during.body()).isEqualTo(200);
            assertThat(crash.get().status()).isEqualTo(502);
            TestServer.await(() -> status(server, "/ready") == 200, Duration.ofSeconds(60), "ready again");
        }
    }

    @Test
    void withoutRestartACrashFailsAndDeliversEveryJobBeforeTheServerExitsNonZero(@TempDir Path home) throws Exception {
        int comfyPort = Simulator.freePort();
        try (WebhookReceiver receiver = new WebhookReceiver();
             ServerProcess server = startedInFrontOfSimulator(home, comfyPort)) {
            List<ProcessHandle> children = server.process.descendants().toList();
            assertThat(children).isNotEmpty();
            CompletableFuture<TestServer.Response> sync = server.postAsync("/prompt",
                    Graphs.body("crash-3", Graphs.fault("hang", 0, 1)));
            Simulator.awaitQueue(comfyPort, "queue_running");
            TestServer.Response accepted = server.post("/prompt", "{\"id\": \"crash-async\", \"webhook_v2\": \""
                    + receiver.url("/crash") + "\", \"prompt\": " + Graphs.invert(1, 4, 4, "c") + "}");
            assertThat(accepted.status()).isEqualTo(202);
            Simulator.awaitQueue(comfyPort, "queue_pending");

            Simulator.post(comfyPort, "/__sim/crash");

            int code = server.awaitExit(Duration.ofSeconds(60));
            assertThat(code).isNotZero();
            assertThat(server.output()).contains("ComfyUI exited");
            assertThat(children).noneMatch(ProcessHandle::isAlive);
            TestServer.Response answer = sync.get();
            assertThat(answer.status()).isEqualTo(502);
            assertThat(answer.json().path("error").asText()).contains("ComfyUI exited");
            assertThat(receiver.all(r -> r.path().equals("/crash"))).as("prompt.failed sent before the exit")
                    .singleElement().satisfies(r -> {
                        assertThat(r.json().path("type").asText()).isEqualTo("prompt.failed");
                        assertThat(r.json().path("error").asText()).contains("ComfyUI exited");
                    });
        }
    }

    @Test
    void startupFailsWhenComfyNeverAnswersAndLeavesNoChild(@TempDir Path home) throws Exception {
        Path pidFile = home.resolve("comfy.pid");
        Path script = Files.writeString(home.resolve("fake-comfy.sh"),
                "#!/bin/sh\necho $$ > " + pidFile + "\nexec sleep 300\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (ServerProcess server = ServerProcess.start(home, Map.of(
                "CMD", script.toString(),
                "COMFY_HOME", home.toString(),
                "COMFYUI_PORT_HOST", String.valueOf(Simulator.freePort()),
                "STARTUP_CHECK_INTERVAL_S", "0.1",
                "STARTUP_CHECK_MAX_TRIES", "5"))) {
            int code = server.awaitExit(Duration.ofSeconds(30));
            assertThat(code).isNotZero();
            assertThat(server.output()).contains("STARTUP_CHECK_MAX_TRIES");
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            Optional<ProcessHandle> child = ProcessHandle.of(pid);
            assertThat(child.map(ProcessHandle::isAlive).orElse(false)).as("fake ComfyUI is gone").isFalse();
        }
    }

    @Test
    void badConfigurationStopsStartupWithOneLineNamingTheVariable(@TempDir Path home) throws Exception {
        try (ServerProcess server = ServerProcess.start(home, Map.of("PORT", "abc"))) {
            assertThat(server.awaitExit(Duration.ofSeconds(30))).isNotZero();
            assertThat(server.output().strip()).isEqualTo("Invalid configuration: PORT: must be a whole number, got \"abc\"");
        }
    }

    @Test
    void sigtermStopsComfyAndExits(@TempDir Path home) throws Exception {
        int comfyPort = Simulator.freePort();
        try (ServerProcess server = startedInFrontOfSimulator(home, comfyPort)) {
            List<ProcessHandle> children = server.process.descendants().toList();
            server.process.destroy();
            server.awaitExit(Duration.ofSeconds(20));
            assertThat(children).isNotEmpty().noneMatch(ProcessHandle::isAlive);
        }
    }

    private static int status(TestServer server, String path) {
        try {
            return server.get(path).status();
        } catch (Exception e) {
            return -1;
        }
    }

    private static long comfyPid(TestServer server) throws Exception {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().orElse("").contains("--port " + server.comfyPort))
                .findFirst().orElseThrow().pid();
    }

    private static ServerProcess startedInFrontOfSimulator(Path home, int comfyPort) throws Exception {
        return ServerProcess.startedInFrontOfSimulator(home, comfyPort, Map.of());
    }
}
