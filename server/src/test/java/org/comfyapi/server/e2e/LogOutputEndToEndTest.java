package org.comfyapi.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What an operator's log pipeline sees: with LOG_FORMAT=json, standard output is JSON lines only. */
class LogOutputEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void jsonLogsAreOnlyJsonLinesWithNumbersAndNoStartupNoise(@TempDir Path home) throws Exception {
        Path workflows = Files.createDirectories(home.resolve("workflows"));
        try (InputStream seed = getClass().getResourceAsStream("/workflow/txt2img.ts")) {
            Files.copy(seed, workflows.resolve("txt2img.ts"));
        }
        int comfyPort = Simulator.freePort();
        ServerProcess server = ServerProcess.startSeparated(home, Map.of(
                "CMD", Simulator.command(home, comfyPort),
                "COMFY_HOME", home.toString(),
                "COMFYUI_PORT_HOST", String.valueOf(comfyPort),
                "WORKFLOW_DIR", workflows.toString(),
                "LOG_FORMAT", "json",
                "STARTUP_CHECK_INTERVAL_S", "0.2",
                "STARTUP_CHECK_MAX_TRIES", "150"));
        try (server; HttpClient http = HttpClient.newHttpClient()) {
            TestServer.await(() -> server.status("/ready") == 200, Duration.ofSeconds(60), "server ready");
            URI prompt = URI.create("http://127.0.0.1:" + server.port + "/prompt");
            int ok = http.send(HttpRequest.newBuilder(prompt).header("X-Request-Id", "log-test-1")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Graphs.body(Graphs.invert(0, 8, 8, "log"))))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            int bad = http.send(HttpRequest.newBuilder(prompt).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{"))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            assertThat(ok).isEqualTo(200);
            assertThat(bad).isEqualTo(400);
            server.process.destroy();
            server.awaitExit(Duration.ofSeconds(60)); // the shutdown lines are part of the output too
        }

        String stdout = server.output();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : stdout.lines().toList()) {
            JsonNode node = JSON.readTree(line);
            assertThat(node.isObject()).as("a JSON object per line: %s", line).isTrue();
            assertThat(node.has("time") && node.has("level") && node.has("msg")).as(line).isTrue();
            lines.add(node);
        }
        assertThat(lines).anySatisfy(line -> {
            assertThat(line.get("msg").asText()).isEqualTo("ready");
            assertThat(line.get("port").isIntegralNumber()).as("port is a number").isTrue();
        });
        assertThat(lines).anySatisfy(line -> {
            assertThat(line.get("msg").asText()).isEqualTo("launched ComfyUI");
            assertThat(line.get("pid").isIntegralNumber()).as("pid is a number").isTrue();
        });
        assertThat(lines).as("one access line per request").anySatisfy(line -> {
            assertThat(line.get("msg").asText()).isEqualTo("request");
            assertThat(line.get("request_id").asText()).isEqualTo("log-test-1");
            assertThat(line.get("method").asText()).isEqualTo("POST");
            assertThat(line.get("route").asText()).isEqualTo("/prompt");
            assertThat(line.get("status").intValue()).isEqualTo(200);
            assertThat(line.get("duration_ms").isNumber()).as("duration_ms is a number").isTrue();
            assertThat(line.get("bytes").isIntegralNumber() && line.get("bytes").longValue() > 100).isTrue();
        });
        assertThat(lines).anySatisfy(line -> {
            assertThat(line.get("msg").asText()).isEqualTo("request");
            assertThat(line.get("status").intValue()).isEqualTo(400);
            assertThat(line.get("request_id").asText()).matches("[0-9a-f-]{36}");
        });
        String everything = stdout + server.errorOutput();
        assertThat(everything).doesNotContain("SLF4J", "sun.misc.Unsafe", "Javalin:", "#####",
                "It looks like you don't have a logger");
        assertThat(server.errorOutput()).as("standard error").isBlank();
    }
}
