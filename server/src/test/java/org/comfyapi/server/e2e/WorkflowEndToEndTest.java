package org.comfyapi.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.comfyapi.server.storage.FileServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.HashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Workflow endpoints over real HTTP: files in a WORKFLOW_DIR become /workflow/... routes that validate
 * their input, make a graph and run it at the simulator as /prompt would.
 */
class WorkflowEndToEndTest {
    @TempDir
    static Path home;
    static TestServer server;
    static WebhookReceiver receiver;

    /** The seed README's text-to-image example, byte for byte. */
    static String seedTxt2Img() {
        try (InputStream in = WorkflowEndToEndTest.class.getResourceAsStream("/workflow/txt2img.ts")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static final String IMG2IMG_JS = """
            const { z } = require("zod");

            const RequestSchema = z.object({
              image: z.string().describe("The input image: base64, a data URI or a URL"),
              width: z.number().int().min(1).max(4096).default(64).describe("Output width"),
              height: z.number().int().min(1).max(4096).default(64).describe("Output height"),
              invert: z.boolean().default(true).describe("Invert the colours"),
            });

            function generateWorkflow(input) {
              const graph = {
                "1": { class_type: "LoadImage", inputs: { image: input.image, upload: "image" } },
                "2": { class_type: "ImageScale", inputs: { image: ["1", 0], upscale_method: "nearest-exact",
                       width: input.width, height: input.height, crop: "disabled" } },
              };
              let last = ["2", 0];
              if (input.invert) {
                graph["3"] = { class_type: "ImageInvert", inputs: { image: last } };
                last = ["3", 0];
              }
              graph["4"] = { class_type: "SaveImage", inputs: { filename_prefix: "img2img", images: last } };
              return graph;
            }

            module.exports = {
              RequestSchema,
              generateWorkflow,
              summary: "Image to Image",
              description: "Scales an image, and inverts it unless told not to",
            };
            """;

    static final String ASYNC_TS = """
            import { z } from "zod";

            const RequestSchema = z.object({
              color: z.number().int().min(0).max(0xffffff).describe("RGB colour"),
              size: z.number().int().min(1).max(64).default(8),
            });

            async function lookUpSize(size: number): Promise<number> {
              return await Promise.resolve(size);
            }

            async function generateWorkflow(input: z.infer<typeof RequestSchema>) {
              const size = await lookUpSize(input.size);
              return {
                "1": { class_type: "EmptyImage", inputs: { width: size, height: size, batch_size: 1, color: input.color } },
                "2": { class_type: "SaveImage", inputs: { filename_prefix: "async", images: ["1", 0] } },
              };
            }

            export default { RequestSchema, generateWorkflow, summary: "Solid colour, made asynchronously" };
            """;

    static final String THROWING_JS = """
            const { z } = require("zod");
            module.exports = {
              RequestSchema: z.object({ style: z.string() }),
              generateWorkflow: (input) => { throw new Error("no style called " + input.style); },
            };
            """;

    @BeforeAll
    static void start() throws Exception {
        Path workflows = home.resolve("workflows");
        write(workflows, "txt2img.ts", seedTxt2Img());
        write(workflows, "sdxl/txt2img.ts", seedTxt2Img());
        write(workflows, "images/edit/img2img.js", IMG2IMG_JS);
        write(workflows, "a/b/c/async.ts", ASYNC_TS);
        write(workflows, "throwing.js", THROWING_JS);
        write(workflows, "broken.ts", "import { z } from \"zod\";\nexport default { RequestSchema: z.object({ ,, });\n");
        write(workflows, "sdxl/not-a-workflow.js", "module.exports = { hello: 1 };\n");
        Path warmup = write(home, "warmup.json", Graphs.txt2img(1, 64, 64, "warmup"));
        receiver = new WebhookReceiver();
        server = TestServer.start(home, Map.of("WORKFLOW_DIR", workflows.toString(),
                "WARMUP_PROMPT_FILE", warmup.toString()));
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
        if (receiver != null) receiver.close();
    }

    static Path write(Path dir, String relative, String content) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }

    static BufferedImage image(JsonNode body, int index) throws IOException {
        return ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(body.path("images").get(index).asText())));
    }

    static JsonNode ok(TestServer.Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    @Test
    void theSeedTextToImageFileRunsWithItsDefaults() throws Exception {
        JsonNode body = ok(server.post("/workflow/txt2img", "{\"id\": \"wf-defaults\", \"input\": {\"prompt\": \"a cat\"}}"));
        assertThat(body.path("id").asText()).isEqualTo("wf-defaults");
        JsonNode input = body.path("input");
        assertThat(input.path("prompt").asText()).isEqualTo("a cat");
        assertThat(input.path("negative_prompt").asText()).isEqualTo("text, watermark");
        assertThat(input.path("width").asInt()).isEqualTo(512);
        assertThat(input.path("height").asInt()).isEqualTo(512);
        assertThat(input.path("steps").asInt()).isEqualTo(20);
        assertThat(input.path("cfg_scale").asDouble()).isEqualTo(8.0);
        assertThat(input.path("sampler_name").asText()).isEqualTo("euler");
        assertThat(input.path("scheduler").asText()).isEqualTo("normal");
        assertThat(input.path("denoise").asDouble()).isEqualTo(1.0);
        assertThat(input.path("checkpoint").asText()).as("the warmup prompt's checkpoint").isEqualTo("sd15.safetensors");
        assertThat(input.path("seed").isIntegralNumber()).isTrue();

        JsonNode graph = body.path("prompt");
        assertThat(graph.at("/3/inputs/seed").asLong()).isEqualTo(input.path("seed").asLong());
        assertThat(graph.at("/4/inputs/ckpt_name").asText()).isEqualTo("sd15.safetensors");
        assertThat(graph.at("/6/inputs/text").asText()).isEqualTo("a cat");
        assertThat(graph.at("/9/inputs/filename_prefix").asText()).isEqualTo("wf-defaults_ComfyUI");
        assertThat(body.path("filenames").get(0).asText()).isEqualTo("wf-defaults_ComfyUI_00001_.png");
        BufferedImage image = image(body, 0);
        assertThat(image.getWidth()).isEqualTo(512);
        assertThat(image.getHeight()).isEqualTo(512);
        assertThat(body.path("stats").path("total_time").isNumber()).isTrue();
    }

    @Test
    void aCustomRequestReachesTheGraph() throws Exception {
        JsonNode body = ok(server.post("/workflow/txt2img", """
                {"id": "wf-custom", "custom": {"kept": true}, "input": {"prompt": "a lighthouse", "negative_prompt": "fog",
                 "width": 320, "height": 256, "seed": 7, "steps": 3, "cfg_scale": 4.5, "sampler_name": "dpmpp_2m",
                 "scheduler": "karras", "denoise": 0.5, "checkpoint": "sd15.safetensors"}}
                """));
        assertThat(body.at("/custom/kept").asBoolean()).as("other body fields are echoed").isTrue();
        assertThat(body.at("/input/seed").asLong()).isEqualTo(7);
        JsonNode sampler = body.at("/prompt/3/inputs");
        assertThat(sampler.path("seed").asLong()).isEqualTo(7);
        assertThat(sampler.path("steps").asInt()).isEqualTo(3);
        assertThat(sampler.path("cfg").asDouble()).isEqualTo(4.5);
        assertThat(sampler.path("sampler_name").asText()).isEqualTo("dpmpp_2m");
        assertThat(sampler.path("scheduler").asText()).isEqualTo("karras");
        assertThat(sampler.path("denoise").asDouble()).isEqualTo(0.5);
        assertThat(body.at("/prompt/7/inputs/text").asText()).isEqualTo("fog");
        BufferedImage image = image(body, 0);
        assertThat(image.getWidth()).isEqualTo(320);
        assertThat(image.getHeight()).isEqualTo(256);
    }

    @Test
    void invalidInputIsA400NamingEachField() throws Exception {
        TestServer.Response response = server.post("/workflow/txt2img",
                "{\"input\": {\"width\": 100, \"sampler_name\": \"bogus\", \"checkpoint\": \"nope.safetensors\"}}");
        assertThat(response.status()).isEqualTo(400);
        JsonNode body = response.json();
        assertThat(body.path("location").asText()).isEqualTo("input");
        Map<String, String> issues = new HashMap<>();
        body.path("issues").forEach(issue -> issues.put(issue.path("path").asText(), issue.path("message").asText()));
        assertThat(issues).containsOnlyKeys("input.prompt", "input.width", "input.sampler_name", "input.checkpoint");
        assertThat(issues.get("input.prompt")).isEqualTo("Required");
        assertThat(issues.get("input.width")).isEqualTo("Number must be greater than or equal to 256");
        assertThat(issues.get("input.sampler_name")).contains("'bogus'").contains("'euler'");
        assertThat(issues.get("input.checkpoint")).contains("'nope.safetensors'").contains("'sd15.safetensors'");
        String error = body.path("error").asText();
        assertThat(error).startsWith("Invalid input: ");
        for (Map.Entry<String, String> issue : issues.entrySet()) {
            assertThat(error).contains(issue.getKey() + ": " + issue.getValue());
        }
    }

    @Test
    void aMissingOrNonObjectInputIsA400() throws Exception {
        TestServer.Response missing = server.post("/workflow/txt2img", "{\"id\": \"no-input\"}");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().path("error").asText()).isEqualTo("Invalid input: input: Required");
        TestServer.Response wrongType = server.post("/workflow/txt2img", "{\"input\": \"a cat\"}");
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(wrongType.json().path("issues").get(0).path("path").asText()).isEqualTo("input");
        TestServer.Response notAnObject = server.post("/workflow/txt2img", "[1, 2]");
        assertThat(notAnObject.status()).isEqualTo(400);
        assertThat(notAnObject.json().path("location").asText()).isEqualTo("body");
    }

    @Test
    void otherPromptFieldsAreStillChecked() throws Exception {
        TestServer.Response response = server.post("/workflow/txt2img",
                "{\"id\": \"../evil\", \"input\": {\"prompt\": \"a cat\"}}");
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().path("location").asText()).isEqualTo("id");
    }

    @Test
    void anImageToImageJsFileTakesABase64Image() throws Exception {
        String png = Base64.getEncoder().encodeToString(png(0x336699, 12, 10));
        JsonNode body = ok(server.post("/workflow/images/edit/img2img",
                "{\"input\": {\"image\": \"" + png + "\", \"width\": 24, \"height\": 20}}"));
        assertThat(body.at("/input/invert").asBoolean()).isTrue();
        assertThat(body.at("/input/image").asText()).as("the input echoed as sent").isEqualTo(png);
        BufferedImage image = image(body, 0);
        assertThat(image.getWidth()).isEqualTo(24);
        assertThat(image.getHeight()).isEqualTo(20);
        assertColor(image.getRGB(5, 5), 0xCC9966);
    }

    @Test
    void anImageToImageJsFileTakesADataUri() throws Exception {
        String uri = "data:image/png;base64," + Base64.getEncoder().encodeToString(png(0x102030, 8, 8));
        JsonNode body = ok(server.post("/workflows/images/edit/img2img",
                "{\"input\": {\"image\": \"" + uri + "\", \"width\": 16, \"height\": 4, \"invert\": false}}"));
        BufferedImage image = image(body, 0);
        assertThat(image.getWidth()).isEqualTo(16);
        assertThat(image.getHeight()).isEqualTo(4);
        assertColor(image.getRGB(1, 1), 0x102030);
        assertThat(body.path("prompt").has("3")).as("no ImageInvert node").isFalse();
    }

    @Test
    void anImageToImageJsFileTakesAnImageUrl() throws Exception {
        try (FileServer files = new FileServer()) {
            files.file("/in.png", png(0x405060, 8, 8), "image/png", null);
            JsonNode body = ok(server.post("/workflow/images/edit/img2img", "{\"input\": {\"image\": \""
                    + files.url("/in.png") + "\", \"width\": 12, \"height\": 6, \"invert\": false}}"));
            BufferedImage image = image(body, 0);
            assertThat(image.getWidth()).isEqualTo(12);
            assertColor(image.getRGB(1, 1), 0x405060);
            assertThat(body.at("/input/image").asText()).isEqualTo(files.url("/in.png").toString());
            assertThat(files.count("/in.png")).isEqualTo(1);
        }
    }

    @Test
    void nestedFoldersBecomeNestedRoutes() throws Exception {
        JsonNode body = ok(server.post("/workflow/a/b/c/async", "{\"input\": {\"color\": 16711680, \"size\": 6}}"));
        BufferedImage image = image(body, 0);
        assertThat(image.getWidth()).isEqualTo(6);
        assertThat(image.getRGB(0, 0) & 0xFFFFFF).isEqualTo(0xFF0000);
        JsonNode sdxl = ok(server.post("/workflow/sdxl/txt2img",
                "{\"input\": {\"prompt\": \"nested\", \"width\": 256, \"height\": 256, \"steps\": 1}}"));
        assertThat(image(sdxl, 0).getWidth()).isEqualTo(256);
    }

    @Test
    void theWorkflowsPrefixIsAnAlias() throws Exception {
        JsonNode body = ok(server.post("/workflows/txt2img",
                "{\"id\": \"alias-1\", \"input\": {\"prompt\": \"alias\", \"width\": 256, \"height\": 256, \"steps\": 1}}"));
        assertThat(body.path("id").asText()).isEqualTo("alias-1");
        assertThat(body.at("/prompt/6/inputs/text").asText()).isEqualTo("alias");
    }

    @Test
    void anUnknownWorkflowIsA404NamingThePath() throws Exception {
        for (String path : List.of("/workflow/nope", "/workflows/sdxl/nope", "/workflow/broken",
                "/workflow/sdxl/not-a-workflow")) {
            TestServer.Response response = server.post(path, "{\"input\": {}}");
            assertThat(response.status()).as(path).isEqualTo(404);
            assertThat(response.json().path("error").asText()).as(path).contains(path);
        }
    }

    @Test
    void aThrowingGenerateWorkflowIsA400() throws Exception {
        TestServer.Response response = server.post("/workflow/throwing", "{\"input\": {\"style\": \"cubist\"}}");
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json()).isEqualTo(TestServer.JSON.readTree(
                "{\"error\": \"Failed to generate workflow prompt: no style called cubist\", \"location\": \"input\"}"));
    }

    @Test
    void outputConversionWorksOnWorkflows() throws Exception {
        JsonNode body = ok(server.post("/workflow/a/b/c/async",
                "{\"input\": {\"color\": 255}, \"convert_output\": {\"format\": \"jpeg\"}}"));
        byte[] jpeg = Base64.getDecoder().decode(body.path("images").get(0).asText());
        assertThat(jpeg[0] & 0xFF).isEqualTo(0xFF);
        assertThat(jpeg[1] & 0xFF).isEqualTo(0xD8);
        assertThat(body.path("filenames").get(0).asText()).endsWith(".jpg");
    }

    @Test
    void aWebhookRequestIs202AndTheWebhookEchoesTheInput() throws Exception {
        TestServer.Response accepted = server.post("/workflow/a/b/c/async", "{\"id\": \"wf-async\", \"webhook_v2\": \""
                + receiver.url("/wf-v2") + "\", \"input\": {\"color\": 65280}}");
        assertThat(accepted.status()).isEqualTo(202);
        assertThat(accepted.json().path("id").asText()).isEqualTo("wf-async");
        assertThat(accepted.json().path("status").asText()).isEqualTo("ok");
        assertThat(accepted.json().at("/input/size").asInt()).as("validated input, defaults applied").isEqualTo(8);
        JsonNode hook = receiver.awaitCount(r -> r.path().equals("/wf-v2"), 1, Duration.ofSeconds(30)).getFirst().json();
        assertThat(hook.path("type").asText()).isEqualTo("prompt.complete");
        assertThat(hook.path("id").asText()).isEqualTo("wf-async");
        assertThat(hook.at("/input/color").asInt()).isEqualTo(65280);
        assertThat(hook.at("/input/size").asInt()).isEqualTo(8);
        BufferedImage image = image(hook, 0);
        assertThat(image.getRGB(2, 2) & 0xFFFFFF).isEqualTo(0x00FF00);
    }

    @Test
    void twentyConcurrentCallsEachGetTheirOwnGraph() throws Exception {
        List<CompletableFuture<TestServer.Response>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            calls.add(server.postAsync("/workflow/txt2img", """
                    {"id": "conc-%d", "input": {"prompt": "prompt number %d", "seed": %d, "width": %d, "height": 256,
                     "steps": 1}}
                    """.formatted(i, i, 1000 + i, 256 + 8 * i)));
        }
        for (int i = 0; i < 20; i++) {
            JsonNode body = ok(calls.get(i).get());
            assertThat(body.path("id").asText()).isEqualTo("conc-" + i);
            assertThat(body.at("/input/seed").asLong()).isEqualTo(1000 + i);
            assertThat(body.at("/input/prompt").asText()).isEqualTo("prompt number " + i);
            assertThat(body.at("/prompt/3/inputs/seed").asLong()).isEqualTo(1000 + i);
            assertThat(body.at("/prompt/6/inputs/text").asText()).isEqualTo("prompt number " + i);
            assertThat(body.path("filenames").get(0).asText()).startsWith("conc-" + i + "_");
            assertThat(image(body, 0).getWidth()).isEqualTo(256 + 8 * i);
        }
    }

    @Test
    void theDocsListEachWorkflowUnderBothPrefixes() throws Exception {
        JsonNode docs = ok(server.get("/docs/json"));
        JsonNode paths = docs.path("paths");
        assertThat(paths.has("/prompt")).isTrue();
        assertThat(paths.has("/health")).isTrue();
        for (String route : List.of("txt2img", "sdxl/txt2img", "images/edit/img2img", "a/b/c/async", "throwing")) {
            assertThat(paths.has("/workflow/" + route)).as(route).isTrue();
            assertThat(paths.has("/workflows/" + route)).as(route).isTrue();
        }
        assertThat(paths.has("/workflow/broken")).isFalse();
        assertThat(paths.has("/workflow/sdxl/not-a-workflow")).isFalse();

        JsonNode op = paths.path("/workflow/txt2img").path("post");
        assertThat(op.path("summary").asText()).isEqualTo("Text to Image");
        String description = op.path("description").asText();
        assertThat(description).startsWith("Generate an image from a text prompt");
        assertThat(description).contains("| prompt | string | The positive prompt for image generation | **Required** |");
        JsonNode schema = op.at("/requestBody/content/application~1json/schema");
        assertThat(schema.path("required")).extracting(JsonNode::asText).containsExactly("input");
        assertThat(schema.at("/properties/prompt").isMissingNode()).isTrue();
        assertThat(schema.at("/properties/webhook_v2/type").asText()).isEqualTo("string");
        JsonNode input = schema.at("/properties/input");
        assertThat(input.path("required")).extracting(JsonNode::asText).containsExactly("prompt");
        assertThat(input.at("/properties/width/maximum").asInt()).isEqualTo(2048);
        assertThat(input.at("/properties/sampler_name/enum")).extracting(JsonNode::asText).contains("euler", "dpmpp_2m");
        assertThat(input.at("/properties/checkpoint/enum")).extracting(JsonNode::asText).containsExactly("sd15.safetensors");
        assertThat(paths.path("/workflows/txt2img").path("post").path("summary").asText()).isEqualTo("Text to Image");
        assertThat(paths.path("/workflow/images/edit/img2img").path("post").path("summary").asText()).isEqualTo("Image to Image");

        TestServer.Response yaml = server.get("/docs/yaml");
        assertThat(yaml.status()).isEqualTo(200);
        assertThat(yaml.body()).contains("/workflow/a/b/c/async:").contains("/workflows/txt2img:");
    }

    @Test
    void theServerIsReadyWithTheBrokenFileSkipped() throws Exception {
        TestServer.await(() -> {
            try {
                return server.get("/ready").status() == 200;
            } catch (Exception e) {
                return false;
            }
        }, Duration.ofSeconds(60), "ready");
        assertThat(server.get("/health").status()).isEqualTo(200);
    }

    /** Each channel within 1 of the expected (the image nodes work in floats). */
    static void assertColor(int actual, int expected) {
        for (int shift = 0; shift <= 16; shift += 8) {
            int want = (expected >> shift) & 0xFF;
            assertThat((actual >> shift) & 0xFF).as("channel at bit %d of %06x", shift, actual & 0xFFFFFF)
                    .isBetween(want - 1, want + 1);
        }
    }

    static byte[] png(int rgb, int width, int height) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) for (int x = 0; x < width; x++) image.setRGB(x, y, rgb);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
