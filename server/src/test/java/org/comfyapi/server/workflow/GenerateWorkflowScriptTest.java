package org.comfyapi.server.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/** scripts/generate-workflow against a fake Anthropic Messages API on loopback. */
class GenerateWorkflowScriptTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GRAPH = """
            {"3": {"class_type": "KSampler", "inputs": {"seed": 5, "steps": 20, "model": ["4", 0]}},
             "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "dreamshaper_8.safetensors"}},
             "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "ComfyUI", "images": ["8", 0]}}}""";

    private record Received(String method, String path, Headers headers, JsonNode body) {
    }

    @TempDir
    Path dir;
    private static Path script;
    private HttpServer server;
    private final List<Received> received = new ArrayList<>();
    private volatile int status = 200;
    private volatile String answer;

    @BeforeAll
    static void findScript() throws Exception {
        script = locateScript();
        boolean node;
        try {
            node = new ProcessBuilder("node", "--version").start().waitFor(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            node = false;
        }
        assumeThat(node).as("node on PATH").isTrue();
    }

    @BeforeEach
    void startFakeApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            synchronized (received) {
                received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                        exchange.getRequestHeaders(), JSON.readTree(body)));
            }
            byte[] response = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("content-type", "application/json");
            exchange.sendResponseHeaders(status, response.length);
            exchange.getResponseBody().write(response);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopFakeApi() {
        server.stop(0);
    }

    private record Run(int exit, String stdout, String stderr) {
    }

    private Run run(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("node", script.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("ANTHROPIC_"));
        builder.environment().put("ANTHROPIC_BASE_URL", "http://127.0.0.1:" + server.getAddress().getPort());
        builder.environment().putAll(env);
        Path out = Files.createTempFile(dir, "stdout", ".txt");
        Path err = Files.createTempFile(dir, "stderr", ".txt");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the script finished").isTrue();
        return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static String messageWith(String text) {
        ObjectNode message = JSON.createObjectNode().put("id", "msg_1").put("type", "message").put("role", "assistant")
                .put("model", "test-model").put("stop_reason", "end_turn");
        message.putArray("content").addObject().put("type", "text").put("text", text);
        return message.toString();
    }

    @Test
    void sendsTheGraphAndWritesTheTypeScript() throws Exception {
        Path input = Files.writeString(dir.resolve("graph.json"), GRAPH);
        Path output = dir.resolve("workflows/sdxl/txt2img.ts");
        Files.createDirectories(output.getParent());
        answer = messageWith("Here is the file:\n\n```typescript\n" + Workflows.seedTxt2Img() + "```\n");

        Run run = run(Map.of("ANTHROPIC_API_KEY", "sk-test-123", "ANTHROPIC_MODEL", "test-model"),
                input.toString(), output.toString());

        assertThat(run.exit()).as(run.stderr()).isZero();
        assertThat(received).singleElement().satisfies(request -> {
            assertThat(request.method()).isEqualTo("POST");
            assertThat(request.path()).isEqualTo("/v1/messages");
            assertThat(request.headers().getFirst("x-api-key")).isEqualTo("sk-test-123");
            assertThat(request.headers().getFirst("anthropic-version")).isEqualTo("2023-06-01");
            assertThat(request.headers().getFirst("content-type")).startsWith("application/json");
            assertThat(request.body().get("model").asText()).isEqualTo("test-model");
            assertThat(request.body().get("max_tokens").asInt()).isPositive();
            assertThat(request.body().get("system").asText())
                    .isEqualTo(Files.readString(script.resolveSibling("generate-workflow-system-prompt.md")));
            JsonNode message = request.body().at("/messages/0");
            assertThat(message.get("role").asText()).isEqualTo("user");
            assertThat(JSON.readTree(message.get("content").asText())).isEqualTo(JSON.readTree(GRAPH));
        });
        assertThat(Files.readString(output)).isEqualTo(Workflows.seedTxt2Img());
        assertThat(run.stdout()).contains(output.toString());

        // and what it wrote is a working endpoint
        try (WorkflowRegistry registry = WorkflowRegistry.load(dir.resolve("workflows"), Workflows.environment(), 1)) {
            assertThat(registry.find("sdxl/txt2img").orElseThrow()
                    .generate(JSON.readTree("{\"prompt\": \"ok\"}")).prompt().at("/6/inputs/text").asText()).isEqualTo("ok");
        }
    }

    @Test
    void anUnfencedAnswerIsWrittenAsIs() throws Exception {
        Path input = Files.writeString(dir.resolve("graph.json"), GRAPH);
        answer = messageWith("export default {};");
        Run run = run(Map.of("ANTHROPIC_API_KEY", "k"), input.toString(), dir.resolve("out.ts").toString());
        assertThat(run.exit()).as(run.stderr()).isZero();
        assertThat(Files.readString(dir.resolve("out.ts"))).isEqualTo("export default {};\n");
        assertThat(received.getFirst().body().get("model").asText()).isNotBlank();
    }

    @Test
    void aMissingKeyFailsBeforeAnyRequest() throws Exception {
        Path input = Files.writeString(dir.resolve("graph.json"), GRAPH);
        Run run = run(Map.of(), input.toString(), dir.resolve("out.ts").toString());
        assertThat(run.exit()).isNotZero();
        assertThat(run.stderr()).contains("ANTHROPIC_API_KEY");
        assertThat(received).isEmpty();
        assertThat(dir.resolve("out.ts")).doesNotExist();
    }

    @Test
    void anUnreadableOrInvalidInputFails() throws Exception {
        Run missing = run(Map.of("ANTHROPIC_API_KEY", "k"), dir.resolve("nope.json").toString(), "out.ts");
        assertThat(missing.exit()).isNotZero();
        assertThat(missing.stderr()).contains("cannot read", "nope.json");

        Path notJson = Files.writeString(dir.resolve("bad.json"), "{not json");
        Run invalid = run(Map.of("ANTHROPIC_API_KEY", "k"), notJson.toString(), "out.ts");
        assertThat(invalid.exit()).isNotZero();
        assertThat(invalid.stderr()).contains("bad.json", "not JSON");
        assertThat(received).isEmpty();
    }

    @Test
    void wrongArgumentsPrintUsage() throws Exception {
        Run run = run(Map.of("ANTHROPIC_API_KEY", "k"), "only-one.json");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.stderr()).contains("usage: generate-workflow <input.json> <output.ts>");
    }

    @Test
    void aFailedCallIsReportedAndWritesNothing() throws Exception {
        Path input = Files.writeString(dir.resolve("graph.json"), GRAPH);
        status = 401;
        answer = "{\"type\": \"error\", \"error\": {\"type\": \"authentication_error\", \"message\": \"invalid x-api-key\"}}";
        Run run = run(Map.of("ANTHROPIC_API_KEY", "wrong"), input.toString(), dir.resolve("out.ts").toString());
        assertThat(run.exit()).isNotZero();
        assertThat(run.stderr()).contains("401", "authentication_error", "invalid x-api-key");
        assertThat(dir.resolve("out.ts")).doesNotExist();
    }

    @Test
    void anUnreachableApiIsReported() throws Exception {
        Path input = Files.writeString(dir.resolve("graph.json"), GRAPH);
        int port = server.getAddress().getPort();
        server.stop(0);
        Run run = run(Map.of("ANTHROPIC_API_KEY", "k", "ANTHROPIC_BASE_URL", "http://127.0.0.1:" + port),
                input.toString(), dir.resolve("out.ts").toString());
        assertThat(run.exit()).isNotZero();
        assertThat(run.stderr()).contains("request to http://127.0.0.1:" + port + "/v1/messages failed");
        assertThat(dir.resolve("out.ts")).doesNotExist();
    }

    private static Path locateScript() {
        for (Path at = Path.of("").toAbsolutePath(); at != null; at = at.getParent()) {
            Path candidate = at.resolve("scripts/generate-workflow");
            if (Files.isRegularFile(candidate)) return candidate;
        }
        throw new IllegalStateException("scripts/generate-workflow not found above " + Path.of("").toAbsolutePath());
    }
}
