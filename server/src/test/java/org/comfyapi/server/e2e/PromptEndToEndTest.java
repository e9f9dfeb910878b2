package org.comfyapi.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** POST /prompt and the other routes, over real HTTP, in front of the simulator as a child process. */
class PromptEndToEndTest {
    @TempDir
    static Path home;
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(home, Map.of("MAX_BODY_SIZE_MB", "1"));
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    static BufferedImage decode(String base64) throws Exception {
        return ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(base64)));
    }

    static List<Path> outputFiles() throws Exception {
        try (Stream<Path> files = Files.walk(home.resolve("output"))) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void textToImageReturnsBase64PngsWithStats() throws Exception {
        TestServer.Response response = server.post("/prompt",
                Graphs.body("t2i-1", Graphs.txt2img(42, 64, 48, "ComfyUI")));
        assertThat(response.status()).isEqualTo(200);
        JsonNode body = response.json();
        assertThat(body.path("id").asText()).isEqualTo("t2i-1");
        assertThat(body.at("/prompt/9/inputs/filename_prefix").asText()).isEqualTo("t2i-1_ComfyUI");
        assertThat(body.path("images")).hasSize(1);
        BufferedImage image = decode(body.path("images").get(0).asText());
        assertThat(image.getWidth()).isEqualTo(64);
        assertThat(image.getHeight()).isEqualTo(48);
        assertThat(body.path("filenames").get(0).asText()).isEqualTo("t2i-1_ComfyUI_00001_.png");

        JsonNode stats = body.path("stats");
        JsonNode execution = stats.path("comfy_execution");
        assertThat(execution.path("start").asLong()).isPositive();
        assertThat(execution.path("end").asLong()).isGreaterThanOrEqualTo(execution.path("start").asLong());
        assertThat(execution.path("duration").asLong())
                .isEqualTo(execution.path("end").asLong() - execution.path("start").asLong());
        assertThat(execution.path("nodes").has("3")).isTrue();
        assertThat(execution.at("/nodes/3/start").asLong()).isGreaterThanOrEqualTo(execution.path("start").asLong());
        for (String key : List.of("preprocess_time", "comfy_round_trip_time", "postprocess_time", "upload_time",
                "total_time")) {
            assertThat(stats.path(key).isNumber()).as(key).isTrue();
        }
        assertThat(stats.path("total_time").asLong()).isGreaterThanOrEqualTo(stats.path("comfy_round_trip_time").asLong());
        assertThat(outputFiles()).as("outputs are deleted once delivered")
                .noneMatch(p -> p.getFileName().toString().startsWith("t2i-1_"));
    }

    @Test
    void theRequestBodyIsEchoedAndADefaultIdIsAssigned() throws Exception {
        TestServer.Response response = server.post("/prompt",
                "{\"prompt\": " + Graphs.invert(0x112233, 4, 4, "x") + ", \"custom\": {\"a\": 1}}");
        assertThat(response.status()).isEqualTo(200);
        JsonNode body = response.json();
        assertThat(body.path("id").asText()).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(body.at("/custom/a").asInt()).isEqualTo(1);
        assertThat(body.path("filenames").get(0).asText()).startsWith(body.path("id").asText() + "_x_");
    }

    @Test
    void imageNodesWorkOnRealPixels() throws Exception {
        TestServer.Response response = server.post("/prompt", Graphs.body(Graphs.invert(0x102030, 16, 8, "inv")));
        assertThat(response.status()).isEqualTo(200);
        BufferedImage image = decode(response.json().path("images").get(0).asText());
        assertThat(image.getWidth()).isEqualTo(16);
        assertThat(image.getRGB(3, 3) & 0xFFFFFF).isEqualTo(0xEFDFCF);
    }

    @Test
    void subfoldersFromThePrefixAreHonoured() throws Exception {
        TestServer.Response response = server.post("/prompt",
                Graphs.body("sub-1", Graphs.invert(0, 4, 4, "renders/cat")));
        assertThat(response.status()).isEqualTo(200);
        JsonNode body = response.json();
        assertThat(body.path("filenames").get(0).asText()).isEqualTo("sub-1_cat_00001_.png");
        assertThat(decode(body.path("images").get(0).asText()).getRGB(0, 0) & 0xFFFFFF).isEqualTo(0xFFFFFF);
        assertThat(Files.exists(home.resolve("output/renders/sub-1_cat_00001_.png"))).isFalse();
    }

    @Test
    void everyOutputOfEveryNodeIsReturned() throws Exception {
        String graph = """
                {"1": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 3, "color": 255}},
                 "2": {"class_type": "SaveImage", "inputs": {"filename_prefix": "a", "images": ["1", 0]}},
                 "3": {"class_type": "ImageInvert", "inputs": {"image": ["1", 0]}},
                 "4": {"class_type": "SaveImage", "inputs": {"filename_prefix": "b", "images": ["3", 0]}}}
                """;
        TestServer.Response response = server.post("/prompt", Graphs.body("multi", graph));
        assertThat(response.status()).isEqualTo(200);
        JsonNode body = response.json();
        assertThat(body.path("images")).hasSize(6);
        List<String> names = new ArrayList<>();
        body.path("filenames").forEach(n -> names.add(n.asText()));
        assertThat(names).containsExactlyInAnyOrder("multi_a_00001_.png", "multi_a_00002_.png", "multi_a_00003_.png",
                "multi_b_00001_.png", "multi_b_00002_.png", "multi_b_00003_.png");
        for (int i = 0; i < names.size(); i++) {
            int expected = names.get(i).startsWith("multi_a") ? 0x0000FF : 0xFFFF00;
            assertThat(decode(body.path("images").get(i).asText()).getRGB(1, 1) & 0xFFFFFF).isEqualTo(expected);
        }
    }

    @Test
    void aNodeRunOncePerListItemReturnsTheImagesOfEveryRun() throws Exception {
        String graph = """
                {"1": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 3, "color": 255}},
                 "2": {"class_type": "RebatchImages", "inputs": {"images": ["1", 0], "batch_size": 2}},
                 "3": {"class_type": "ImageInvert", "inputs": {"image": ["2", 0]}},
                 "4": {"class_type": "SaveImage", "inputs": {"filename_prefix": "lists", "images": ["3", 0]}}}
                """;
        TestServer.Response response = server.post("/prompt", Graphs.body("rebatch", graph));
        assertThat(response.status()).isEqualTo(200);
        JsonNode body = response.json();
        assertThat(body.path("filenames")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("rebatch_lists_00001_.png", "rebatch_lists_00002_.png", "rebatch_lists_00003_.png");
        for (JsonNode image : body.path("images")) assertThat(decode(image.asText()).getRGB(1, 1) & 0xFFFFFF).isEqualTo(0xFFFF00);
    }

    @Test
    void aGraphWithoutFilenamePrefixIsRefused() throws Exception {
        TestServer.Response response = server.post("/prompt",
                "{\"prompt\": {\"1\": {\"class_type\": \"EmptyImage\", \"inputs\": {\"width\": 8, \"height\": 8, "
                        + "\"batch_size\": 1, \"color\": 0}}, \"2\": {\"class_type\": \"PreviewImage\", "
                        + "\"inputs\": {\"images\": [\"1\", 0]}}}}");
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().path("error").asText())
                .isEqualTo("Prompt must contain a node with a \"filename_prefix\" input, such as \"SaveImage\"");
        assertThat(response.json().path("location").asText()).isEqualTo("prompt");
    }

    @Test
    void comfyValidationErrorsArePassedOnWithNodeErrors() throws Exception {
        String graph = Graphs.txt2img(1, 64, 64, "v").replace("\"euler\"", "\"bogus\"");
        TestServer.Response response = server.post("/prompt", Graphs.body(graph));
        assertThat(response.status()).isEqualTo(400);
        JsonNode body = response.json();
        assertThat(body.path("error").asText())
                .startsWith("node 3 (KSampler) input sampler_name: Value not in list: 'bogus' not in ");
        assertThat(body.path("location").asText()).isEqualTo("prompt.3.inputs.sampler_name");
        assertThat(body.at("/comfy_error/message").asText()).isEqualTo("Prompt outputs failed validation");
        assertThat(body.at("/node_errors/3/class_type").asText()).isEqualTo("KSampler");
        assertThat(body.at("/node_errors/3/errors/0/type").asText()).isEqualTo("value_not_in_list");
        assertThat(body.at("/node_errors/3/errors/0/extra_info/input_name").asText()).isEqualTo("sampler_name");
    }

    @Test
    void executionErrorsCarryComfyMessageNodeAndType() throws Exception {
        TestServer.Response response = server.post("/prompt", Graphs.body(Graphs.fault("error", 0, 1)));
        assertThat(response.status()).isEqualTo(500);
        JsonNode body = response.json();
        assertThat(body.path("error").asText()).isNotBlank();
        assertThat(body.path("node_id").asText()).isEqualTo("2");
        assertThat(body.path("node_type").asText()).isEqualTo("SimulatorFault");
        assertThat(body.path("location").asText()).isEqualTo("prompt.2");
        assertThat(body.path("exception_type").asText()).isNotBlank();
    }

    @Test
    void interruptStopsARunningPrompt() throws Exception {
        CompletableFuture<TestServer.Response> running = server.postAsync("/prompt",
                Graphs.body("hang-1", Graphs.fault("hang", 0, 2)));
        server.awaitComfyRunning();
        TestServer.Response interrupt = server.post("/interrupt", "{\"id\": \"hang-1\"}");
        assertThat(interrupt.status()).isEqualTo(200);
        assertThat(interrupt.json().path("interrupted").asText()).isEqualTo("success");
        TestServer.Response response = running.get();
        assertThat(response.status()).isEqualTo(500);
        assertThat(response.json().path("error").asText()).contains("interrupted");
        assertThat(response.json().path("node_type").asText()).isEqualTo("SimulatorFault");
    }

    @Test
    void interruptRemovesAQueuedPromptOnly() throws Exception {
        CompletableFuture<TestServer.Response> blocker = server.postAsync("/prompt",
                Graphs.body("block-1", Graphs.fault("hang", 0, 3)));
        server.awaitComfyRunning();
        CompletableFuture<TestServer.Response> queued = server.postAsync("/prompt",
                Graphs.body("queued-1", Graphs.invert(5, 4, 4, "q")));
        TestServer.await(() -> {
            try {
                return server.comfyGet("/queue").json().path("queue_pending").size() > 0;
            } catch (Exception e) {
                return false;
            }
        }, Duration.ofSeconds(10), "the second prompt to be queued");
        assertThat(server.post("/interrupt", "{\"id\": \"queued-1\"}").status()).isEqualTo(200);
        TestServer.Response queuedResponse = queued.get();
        assertThat(queuedResponse.status()).isEqualTo(500);
        assertThat(queuedResponse.json().path("error").asText()).contains("interrupted");
        assertThat(blocker.isDone()).as("the running prompt is untouched").isFalse();
        assertThat(server.post("/interrupt", "{\"id\": \"block-1\"}").status()).isEqualTo(200);
        assertThat(blocker.get().status()).isEqualTo(500);
    }

    @Test
    void interruptOfAnUnknownIdIs404() throws Exception {
        TestServer.Response response = server.post("/interrupt", "{\"id\": \"nope\"}");
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().path("interrupted").asText()).isEqualTo("failed");
        assertThat(server.post("/interrupt", "{}").status()).isEqualTo(400);
    }

    @Test
    void fiftyConcurrentRequestsEachGetTheirOwnOutputs() throws Exception {
        List<CompletableFuture<TestServer.Response>> responses = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            responses.add(server.postAsync("/prompt", Graphs.body("c" + i, Graphs.invert(i * 3, 8, 8, "conc"))));
        }
        for (int i = 0; i < 50; i++) {
            TestServer.Response response = responses.get(i).get();
            assertThat(response.status()).as("request %d: %s", i, response.body()).isEqualTo(200);
            JsonNode body = response.json();
            assertThat(body.path("id").asText()).isEqualTo("c" + i);
            assertThat(body.path("filenames")).hasSize(1);
            assertThat(body.path("filenames").get(0).asText()).startsWith("c" + i + "_conc_");
            int blue = decode(body.path("images").get(0).asText()).getRGB(2, 2) & 0xFF;
            assertThat(blue).as("ComfyUI truncates 255 * (1 - c / 255)").isBetween(255 - i * 3 - 1, 255 - i * 3);
        }
    }

    @Test
    void aDroppedWebsocketStillCompletesTheRequest() throws Exception {
        CompletableFuture<TestServer.Response> slow = server.postAsync("/prompt",
                Graphs.body("ws-drop", Graphs.fault("slow", 1500, 7)));
        server.awaitComfyRunning();
        assertThat(server.comfyPost("/__sim/drop_websockets", "{}").status()).isEqualTo(200);
        TestServer.Response response = slow.get();
        assertThat(response.status()).isEqualTo(200);
        assertThat(decode(response.json().path("images").get(0).asText()).getRGB(0, 0) & 0xFFFFFF).isEqualTo(7);
        TestServer.await(() -> server.app.events().isConnected(), Duration.ofSeconds(10), "websocket reconnect");
    }

    @Test
    void badBodiesGetClearJsonErrors() throws Exception {
        TestServer.Response malformed = server.post("/prompt", "{\"prompt\": ");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().path("error").asText()).contains("not valid JSON");
        TestServer.Response notObject = server.post("/prompt", "{\"prompt\": [1, 2]}");
        assertThat(notObject.status()).isEqualTo(400);
        assertThat(notObject.json().path("location").asText()).isEqualTo("prompt");
        TestServer.Response missing = server.post("/prompt", "{\"id\": \"x\"}");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().path("error").asText()).contains("prompt");
        TestServer.Response array = server.post("/prompt", "[]");
        assertThat(array.status()).isEqualTo(400);
        TestServer.Response empty = server.post("/prompt", "");
        assertThat(empty.status()).isEqualTo(400);

        String big = "{\"prompt\": {\"1\": {\"class_type\": \"SaveImage\", \"inputs\": {\"filename_prefix\": \""
                + "x".repeat(1_200_000) + "\"}}}}";
        TestServer.Response tooLarge = server.post("/prompt", big);
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.json().path("error").asText()).contains("MAX_BODY_SIZE_MB");
        TestServer.Response unknownRoute = server.get("/nope");
        assertThat(unknownRoute.status()).isEqualTo(404);
        assertThat(unknownRoute.json().path("error").asText()).contains("/nope");
    }

    @Test
    void probesModelsAndDocs() throws Exception {
        TestServer.Response health = server.get("/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().path("status").asText()).isEqualTo("healthy");
        assertThat(health.json().path("version").asText()).isNotBlank();
        TestServer.Response ready = server.get("/ready");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().path("status").asText()).isEqualTo("ready");

        JsonNode models = server.get("/models").json();
        assertThat(models.path("checkpoints").toString()).contains("sd15.safetensors");

        TestServer.Response docs = server.get("/docs");
        assertThat(docs.status()).isEqualTo(200);
        assertThat(docs.body()).contains("swagger-ui-bundle.js");
        assertThat(server.get("/docs/static/swagger-ui-bundle.js").status()).isEqualTo(200);
        JsonNode openapi = server.get("/docs/json").json();
        assertThat(openapi.path("openapi").asText()).startsWith("3.");
        for (String path : List.of("/health", "/ready", "/models", "/prompt", "/interrupt")) {
            assertThat(openapi.path("paths").has(path)).as(path).isTrue();
        }
        assertThat(openapi.at("/components/schemas/PromptRequest/required/0").asText()).isEqualTo("prompt");
        TestServer.Response yaml = server.get("/docs/yaml");
        assertThat(yaml.status()).isEqualTo(200);
        assertThat(yaml.body()).contains("openapi:").contains("/prompt:");
    }
}
