package org.comfyapi.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.comfyapi.server.storage.FileServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.comfyapi.server.e2e.InputsEndToEndTest.encode;

/**
 * Strict request bodies and the graph check (POST /validate, and /prompt before any download), over real
 * HTTP in front of the simulator: what a user sees for each kind of bad input.
 */
@Timeout(120)
class ValidationEndToEndTest {
    private static final String SOLID_JS = """
            const { z } = require("zod");
            const RequestSchema = z.object({ width: z.number().int().default(8) });
            function generateWorkflow(input) {
              return {
                "1": { class_type: "EmptyImage", inputs: { width: input.width, height: 8, batch_size: 1, color: 0 } },
                "2": { class_type: "SaveImage", inputs: { filename_prefix: "solid", images: ["1", 0] } },
              };
            }
            module.exports = { RequestSchema, generateWorkflow };
            """;

    @TempDir
    static Path home;
    static TestServer server;
    static FileServer files;

    @BeforeAll
    static void start() throws Exception {
        files = new FileServer();
        files.file("/cat.png", encode("png", 0x336699, 8, 8), "image/png", null);
        Path workflows = Files.createDirectories(home.resolve("workflows"));
        Files.writeString(workflows.resolve("solid.js"), SOLID_JS);
        server = TestServer.start(home, Map.of("WORKFLOW_DIR", workflows.toString()));
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
        if (files != null) files.close();
    }

    private static TestServer.Response post(String path, String contentType, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path)).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) request.header("Content-Type", contentType);
        return server.send(request.build());
    }

    private static int comfyHistorySize() throws Exception {
        return server.comfyGet("/history").json().size();
    }

    private static void assertError(TestServer.Response response, int status, String location) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.json().path("location").asText()).isEqualTo(location);
        assertThat(response.json().path("error").asText()).isNotBlank();
    }

    @Test
    void onlyJsonBodiesAreAcceptedOnEveryRoute() throws Exception {
        String body = Graphs.body(Graphs.invert(0, 8, 8, "ct"));
        int before = comfyHistorySize();
        for (String route : new String[] {"/prompt", "/validate", "/workflow/solid", "/interrupt", "/download"}) {
            TestServer.Response text = post(route, "text/plain", body);
            assertError(text, 415, "content-type");
            assertThat(text.json().path("error").asText()).isEqualTo("Content-Type must be application/json (UTF-8)");
            assertError(post(route, null, body), 415, "content-type");
            assertError(post(route, "application/json; charset=latin1", body), 415, "content-type");
        }
        assertThat(comfyHistorySize()).as("nothing ran").isEqualTo(before);
        TestServer.Response charset = post("/validate", "application/json; charset=UTF-8", body);
        assertThat(charset.status()).as(charset.body()).isEqualTo(200);
        assertThat(charset.json().path("valid").asBoolean()).isTrue();
    }

    @Test
    void contentAfterTheJsonValueIsRefused() throws Exception {
        int before = comfyHistorySize();
        String body = Graphs.body(Graphs.invert(0, 8, 8, "trail"));
        for (String trailing : new String[] {" garbage", "{}", "\n]"}) {
            TestServer.Response response = server.post("/prompt", body + trailing);
            assertError(response, 400, "body");
            assertThat(response.json().path("error").asText()).isEqualTo("Request body has content after the JSON value");
        }
        assertThat(server.post("/validate", body + "  \n").status()).as("whitespace is fine").isEqualTo(200);
        assertThat(comfyHistorySize()).as("nothing ran").isEqualTo(before);
    }

    @Test
    void aTenMegabyteStringInputIsRefusedWithASmallAnswer() throws Exception {
        String huge = "a".repeat(10 * 1024 * 1024);
        String graph = Graphs.txt2img(1, 64, 64, "huge").replace("\"a cat\"", "\"" + huge + "\"");
        int before = comfyHistorySize();
        TestServer.Response response = server.post("/prompt", Graphs.body(graph));
        assertError(response, 400, "prompt.6.inputs.text");
        assertThat(response.json().path("error").asText())
                .isEqualTo("String input is longer than MAX_STRING_INPUT_KB (1024 KB)");
        assertThat(response.body().length()).isLessThan(1024);
        assertThat(comfyHistorySize()).isEqualTo(before);
    }

    @Test
    void errorBodiesQuoteAtMostOneKilobyteOfAnInput() throws Exception {
        String long600k = "x".repeat(600 * 1024);
        String graph = Graphs.txt2img(1, 64, 64, "echo").replace("\"euler\"", "\"" + long600k + "\"");
        TestServer.Response response = server.post("/prompt", Graphs.body(graph));
        assertError(response, 400, "prompt.3.inputs.sampler_name");
        assertThat(response.json().at("/node_errors/3/errors/0/type").asText()).isEqualTo("value_not_in_list");
        assertThat(response.body().length()).isLessThan(8 * 1024);
    }

    @Test
    void aFilenamePrefixOutsideTheOutputFolderIsRefused() throws Exception {
        int before = comfyHistorySize();
        for (String prefix : new String[] {"../evil", "renders/../../evil", "/tmp/evil", "C:\\\\evil", "..\\\\evil"}) {
            TestServer.Response response = server.post("/prompt", Graphs.body(Graphs.invert(0, 8, 8, prefix)));
            assertError(response, 400, "prompt.3.inputs.filename_prefix");
        }
        assertThat(server.post("/validate", Graphs.body(Graphs.invert(0, 8, 8, "renders/cat..v2"))).status())
                .as("dots inside a name are fine").isEqualTo(200);
        assertThat(comfyHistorySize()).isEqualTo(before);
    }

    @Test
    void aValidationErrorNamesTheFirstBadInputAndKeepsNodeErrors() throws Exception {
        int before = comfyHistorySize();
        TestServer.Response response = server.post("/prompt", Graphs.body(Graphs.invert(0, 0, 8, "min")));
        assertError(response, 400, "prompt.1.inputs.width");
        JsonNode body = response.json();
        assertThat(body.path("error").asText()).isEqualTo("node 1 (EmptyImage) input width: Value 0 smaller than min of 1");
        assertThat(body.at("/node_errors/1/class_type").asText()).isEqualTo("EmptyImage");
        assertThat(body.at("/node_errors/1/errors/0/type").asText()).isEqualTo("value_smaller_than_min");
        assertThat(body.at("/comfy_error/type").asText()).isEqualTo("prompt_outputs_failed_validation");
        assertThat(comfyHistorySize()).as("refused before ComfyUI").isEqualTo(before);
    }

    @Test
    void validateAnswersValidAndRunsNothing() throws Exception {
        int before = comfyHistorySize();
        TestServer.Response response = server.post("/validate", Graphs.body("v-ok", Graphs.txt2img(1, 64, 64, "v")));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.json()).isEqualTo(TestServer.JSON.readTree("{\"valid\": true}"));
        assertThat(comfyHistorySize()).isEqualTo(before);
        assertThat(home.resolve("output").toFile().list((dir, name) -> name.startsWith("v-ok"))).isNullOrEmpty();
    }

    @Test
    void theDocumentedValidateExampleIsValid() throws Exception {
        JsonNode example = server.get("/docs/json").json()
                .at("/paths/~1validate/post/requestBody/content/application~1json/example");
        assertThat(example.path("prompt").isObject()).isTrue();
        TestServer.Response response = server.post("/validate", example.toString());
        assertThat(response.status()).as(response.body()).isEqualTo(200);
    }

    @Test
    void validateAnswersComfyUisErrorShape() throws Exception {
        String graph = Graphs.txt2img(1, 64, 64, "v").replace("\"euler\"", "\"bogus\"");
        TestServer.Response response = server.post("/validate", Graphs.body(graph));
        assertError(response, 400, "prompt.3.inputs.sampler_name");
        JsonNode body = response.json();
        assertThat(body.at("/comfy_error/message").asText()).isEqualTo("Prompt outputs failed validation");
        assertThat(body.at("/node_errors/3/errors/0/type").asText()).isEqualTo("value_not_in_list");
        assertThat(body.at("/node_errors/3/dependent_outputs/0").asText()).isEqualTo("9");

        TestServer.Response unknown = server.post("/validate",
                Graphs.body(Graphs.invert(0, 8, 8, "u").replace("ImageInvert", "NoSuchNode")));
        assertError(unknown, 400, "prompt.2.class_type");
        assertThat(unknown.json().path("error").asText()).isEqualTo("Cannot execute because node NoSuchNode does not exist.");

        TestServer.Response ours = server.post("/validate", "{\"prompt\": {\"1\": {\"class_type\": \"EmptyImage\"}}}");
        assertError(ours, 400, "prompt");
        assertThat(ours.json().path("error").asText()).contains("filename_prefix");
    }

    @Test
    void validateTakesAWorkflowBody() throws Exception {
        int before = comfyHistorySize();
        TestServer.Response ok = server.post("/validate", "{\"workflow\": \"solid\", \"input\": {\"width\": 16}}");
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(server.post("/validate", "{\"workflow\": \"/workflow/solid\", \"input\": {}}").status()).isEqualTo(200);

        TestServer.Response bad = server.post("/validate", "{\"workflow\": \"solid\", \"input\": {\"width\": 0}}");
        assertError(bad, 400, "prompt.1.inputs.width");
        assertThat(bad.json().path("error").asText()).isEqualTo("node 1 (EmptyImage) input width: Value 0 smaller than min of 1");

        assertError(server.post("/validate", "{\"workflow\": \"solid\", \"input\": {\"width\": \"wide\"}}"), 400, "input");
        assertError(server.post("/validate", "{\"workflow\": \"nope\", \"input\": {}}"), 400, "workflow");
        assertThat(comfyHistorySize()).isEqualTo(before);
    }

    @Test
    void anInputFileAddedAfterTheNodeListWasCachedIsFoundAndComfyUisOwnRefusalNamesTheInput() throws Exception {
        assertThat(server.post("/validate", Graphs.body(Graphs.invert(0, 8, 8, "warm"))).status()).isEqualTo(200);
        String name = "added-" + System.nanoTime() + ".png";
        String graph = """
                {"1": {"class_type": "LoadImage", "inputs": {"image": "%s"}},
                 "2": {"class_type": "SaveImage", "inputs": {"filename_prefix": "added", "images": ["1", 0]}}}
                """;
        TestServer.Response missing = server.post("/validate", Graphs.body(graph.formatted(name)));
        assertError(missing, 400, "prompt.1.inputs.image");
        assertThat(missing.json().path("error").asText())
                .isEqualTo("node 1 (LoadImage) input image: Custom validation failed for node: Invalid image file: " + name);
        Files.write(Files.createDirectories(home.resolve("input")).resolve(name), encode("png", 0x112233, 4, 4));
        TestServer.Response found = server.post("/validate", Graphs.body(graph.formatted(name)));
        assertThat(found.status()).as(found.body()).isEqualTo(200);

        // Our cached list still has the file; ComfyUI's own check refuses it, and says so the same way.
        Files.delete(home.resolve("input").resolve(name));
        TestServer.Response comfySide = server.post("/prompt", Graphs.body(graph.formatted(name)));
        assertError(comfySide, 400, "prompt.1.inputs.image");
        assertThat(comfySide.json().path("error").asText()).isEqualTo(missing.json().path("error").asText());
        assertThat(comfySide.json().at("/node_errors/1/errors/0/type").asText()).isEqualTo("custom_validation_failed");
    }

    @Test
    void aBadGraphFailsBeforeARemoteInputIsDownloaded() throws Exception {
        String url = files.url("/cat.png").toString();
        String graph = """
                {"1": {"class_type": "LoadImage", "inputs": {"image": "%s"}},
                 "2": {"class_type": "ImageScale", "inputs": {"image": ["1", 0], "upscale_method": "bogus",
                       "width": 8, "height": 8, "crop": "disabled"}},
                 "3": {"class_type": "SaveImage", "inputs": {"filename_prefix": "remote", "images": ["2", 0]}}}
                """.formatted(url);
        TestServer.Response bad = server.post("/prompt", Graphs.body(graph));
        assertError(bad, 400, "prompt.2.inputs.upscale_method");
        assertThat(server.post("/validate", Graphs.body(graph.replace("bogus", "nearest-exact"))).status())
                .as("a URL input passes the choices check: it becomes a file name").isEqualTo(200);
        assertThat(files.count("/cat.png")).as("nothing downloaded").isZero();

        TestServer.Response good = server.post("/prompt", Graphs.body(graph.replace("bogus", "nearest-exact")));
        assertThat(good.status()).as(good.body()).isEqualTo(200);
        assertThat(files.count("/cat.png")).as("the good graph fetched its input").isEqualTo(1);
    }
}
