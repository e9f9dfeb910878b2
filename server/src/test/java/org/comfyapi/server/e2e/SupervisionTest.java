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
        try (TestServer server = TestServer.start(home, Map.of("ALWAYS_RESTART_COMFYUI", "true"),
                "--slow-start-ms", "0")) {
            CompletableFuture<TestServer.Response> crash = server.postAsync("/prompt",
                    Graphs.body("crash-2", Graphs.fault("crash", 0, 1)));
            TestServer.await(() -> status(server, "/ready") == 503, Duration.ofSeconds(20), "not ready after crash");
            assertThat(status(server, "/health")).as("health stays 200 while ComfyUI restarts").isEqualTo(200);
            assertThat(crash.get().status()).isEqualTo(502);
            TestServer.await(() -> status(server, "/ready") == 200, Duration.ofSeconds(60), "ready again");
        }
    }

    @Test
    void withoutRestartTheServerExitsNonZeroWhenComfyDies(@TempDir Path home) throws Exception {
        Files.createDirectories(home.resolve("models/checkpoints"));
        int comfyPort = Simulator.freePort();
        try (ServerProcess server = startedInFrontOfSimulator(home, comfyPort)) {
            List<ProcessHandle> children = server.process.descendants().toList();
            assertThat(children).isNotEmpty();
            CompletableFuture<Integer> promptStatus = CompletableFuture.supplyAsync(() -> postStatus(server.port,
                    Graphs.body("crash-3", Graphs.fault("crash", 0, 1))));
            int code = server.awaitExit(Duration.ofSeconds(30));
            assertThat(code).isNotZero();
            assertThat(server.output()).contains("ComfyUI exited");
            assertThat(children).noneMatch(ProcessHandle::isAlive);
            assertThat(promptStatus.get()).isIn(502, -1);
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

    private static int postStatus(int port, String body) {
        try (var http = java.net.http.HttpClient.newHttpClient()) {
            return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/prompt"))
                            .timeout(Duration.ofSeconds(30))
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
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

    /** Our server as a child JVM with the simulator as its ComfyUI, once it says it is ready. */
    private static ServerProcess startedInFrontOfSimulator(Path home, int comfyPort) throws Exception {
        ServerProcess server = ServerProcess.start(home, Map.of(
                "CMD", Simulator.command(home, comfyPort),
                "COMFY_HOME", home.toString(),
                "COMFYUI_PORT_HOST", String.valueOf(comfyPort),
                "STARTUP_CHECK_INTERVAL_S", "0.2",
                "STARTUP_CHECK_MAX_TRIES", "100"));
        try {
            TestServer.await(() -> server.status("/ready") == 200, Duration.ofSeconds(60), "server ready");
            return server;
        } catch (AssertionError | RuntimeException e) {
            server.close();
            throw e;
        }
    }
}
