package org.comfyapi.server.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.ArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The seed README's text-to-image file, unchanged, served as an endpoint. */
class SeedWorkflowTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    private static WorkflowRegistry registry;
    private static WorkflowEndpoint endpoint;

    @BeforeAll
    static void load() {
        Workflows.write(dir, "sdxl/txt2img.ts", Workflows.seedTxt2Img());
        registry = WorkflowRegistry.load(dir, Workflows.environment());
        endpoint = registry.find("sdxl/txt2img").orElseThrow();
    }

    @AfterAll
    static void close() {
        registry.close();
    }

    private static ObjectNode json(String text) throws Exception {
        return (ObjectNode) JSON.readTree(text);
    }

    @Test
    void routeSummaryAndDescriptionComeFromTheFile() {
        assertThat(registry.endpoints()).extracting(WorkflowEndpoint::route).containsExactly("sdxl/txt2img");
        assertThat(registry.find("/sdxl/txt2img/")).containsSame(endpoint);
        assertThat(endpoint.summary()).contains("Text to Image");
        assertThat(endpoint.description()).contains("Generate an image from a text prompt");
    }

    @Test
    void defaultsAreApplied() throws Exception {
        Generated generated = endpoint.generate(json("{\"prompt\": \"a red fox\"}"));

        ObjectNode input = generated.input();
        assertThat(input.get("prompt").asText()).isEqualTo("a red fox");
        assertThat(input.get("negative_prompt").asText()).isEqualTo("text, watermark");
        assertThat(input.get("width").asInt()).isEqualTo(512);
        assertThat(input.get("height").asInt()).isEqualTo(512);
        assertThat(input.get("steps").asInt()).isEqualTo(20);
        assertThat(input.get("cfg_scale").asDouble()).isEqualTo(8);
        assertThat(input.get("sampler_name").asText()).isEqualTo("euler");
        assertThat(input.get("scheduler").asText()).isEqualTo("normal");
        assertThat(input.get("denoise").asDouble()).isEqualTo(1);
        assertThat(input.get("checkpoint").asText()).isEqualTo(Workflows.CKPT);
        assertThat(input.get("seed").isIntegralNumber()).isTrue();

        ObjectNode prompt = generated.prompt();
        assertThat(prompt.properties()).hasSize(7);
        assertThat(prompt.at("/3/inputs/seed")).isEqualTo(input.get("seed"));
        assertThat(prompt.at("/3/inputs/steps").asInt()).isEqualTo(20);
        assertThat(prompt.at("/3/inputs/sampler_name").asText()).isEqualTo("euler");
        assertThat(prompt.at("/3/inputs/model")).isEqualTo(JSON.readTree("[\"4\", 0]"));
        assertThat(prompt.at("/4/inputs/ckpt_name").asText()).isEqualTo(Workflows.CKPT);
        assertThat(prompt.at("/5/inputs/width").asInt()).isEqualTo(512);
        assertThat(prompt.at("/6/inputs/text").asText()).isEqualTo("a red fox");
        assertThat(prompt.at("/7/inputs/text").asText()).isEqualTo("text, watermark");
        assertThat(prompt.at("/9/class_type").asText()).isEqualTo("SaveImage");
    }

    @Test
    void aFunctionDefaultIsEvaluatedOnEveryCall() throws Exception {
        List<Long> seeds = new ArrayList<>();
        for (int i = 0; i < 5; i++) seeds.add(endpoint.generate(json("{\"prompt\": \"x\"}")).input().get("seed").asLong());
        assertThat(seeds).doesNotHaveDuplicates();
    }

    @Test
    void aCustomRequestReachesTheGraph() throws Exception {
        Generated generated = endpoint.generate(json("""
                {"prompt": "a castle", "negative_prompt": "blurry", "width": 1024, "height": 768, "seed": 42,
                 "steps": 30, "cfg_scale": 5.5, "sampler_name": "dpmpp_2m", "scheduler": "karras", "denoise": 0.75,
                 "checkpoint": "%s"}""".formatted(Workflows.OTHER_CKPT)));

        ObjectNode prompt = generated.prompt();
        assertThat(prompt.at("/3/inputs/seed").asLong()).isEqualTo(42);
        assertThat(prompt.at("/3/inputs/steps").asInt()).isEqualTo(30);
        assertThat(prompt.at("/3/inputs/cfg").asDouble()).isEqualTo(5.5);
        assertThat(prompt.at("/3/inputs/sampler_name").asText()).isEqualTo("dpmpp_2m");
        assertThat(prompt.at("/3/inputs/scheduler").asText()).isEqualTo("karras");
        assertThat(prompt.at("/3/inputs/denoise").asDouble()).isEqualTo(0.75);
        assertThat(prompt.at("/4/inputs/ckpt_name").asText()).isEqualTo(Workflows.OTHER_CKPT);
        assertThat(prompt.at("/5/inputs/width").asInt()).isEqualTo(1024);
        assertThat(prompt.at("/5/inputs/height").asInt()).isEqualTo(768);
        assertThat(prompt.at("/6/inputs/text").asText()).isEqualTo("a castle");
        assertThat(prompt.at("/7/inputs/text").asText()).isEqualTo("blurry");
        assertThat(generated.input().get("width").asInt()).isEqualTo(1024);
    }

    @Test
    void aSamplerOutsideTheEnumIsNamed() throws Exception {
        assertThatThrownBy(() -> endpoint.generate(json("{\"prompt\": \"x\", \"sampler_name\": \"not_a_sampler\"}")))
                .isInstanceOfSatisfying(WorkflowInputException.class, e -> {
                    assertThat(e.issues()).singleElement().satisfies(issue -> {
                        assertThat(issue.path()).isEqualTo("input.sampler_name");
                        assertThat(issue.message()).contains("euler", "dpmpp_2m", "not_a_sampler");
                    });
                    assertThat(e.getMessage()).contains("input.sampler_name");
                });
    }

    @Test
    void anOutOfRangeWidthIsNamed() throws Exception {
        assertThatThrownBy(() -> endpoint.generate(json("{\"prompt\": \"x\", \"width\": 100}")))
                .isInstanceOfSatisfying(WorkflowInputException.class, e -> assertThat(e.issues())
                        .containsExactly(new WorkflowInputException.Issue("input.width",
                                "Number must be greater than or equal to 256")));
    }

    @Test
    void aMissingPromptIsNamed() throws Exception {
        assertThatThrownBy(() -> endpoint.generate(json("{\"width\": 640}")))
                .isInstanceOfSatisfying(WorkflowInputException.class, e -> {
                    assertThat(e.issues()).containsExactly(new WorkflowInputException.Issue("input.prompt", "Required"));
                    assertThat(e.location()).isEqualTo("input");
                    assertThat(e.details().at("/issues/0/path").asText()).isEqualTo("input.prompt");
                });
    }

    @Test
    void everyBadFieldIsNamedAtOnce() throws Exception {
        assertThatThrownBy(() -> endpoint.generate(json(
                "{\"width\": 4096, \"steps\": 2.5, \"sampler_name\": 3, \"checkpoint\": \"missing.ckpt\"}")))
                .isInstanceOfSatisfying(WorkflowInputException.class, e -> assertThat(e.issues())
                        .extracting(WorkflowInputException.Issue::path)
                        .containsExactlyInAnyOrder("input.prompt", "input.width", "input.steps",
                                "input.sampler_name", "input.checkpoint"));
    }

    @Test
    void inputThatIsNotAnObjectIsNamed() {
        assertThatThrownBy(() -> endpoint.generate(null))
                .isInstanceOfSatisfying(WorkflowInputException.class, e -> assertThat(e.issues())
                        .extracting(WorkflowInputException.Issue::path).containsExactly("input"));
    }

    @Test
    void theJsonSchemaDescribesTheInput() {
        ObjectNode schema = endpoint.inputJsonSchema();
        assertThat(schema.get("type").asText()).isEqualTo("object");
        assertThat(schema.get("required")).extracting(JsonNode::asText).containsExactly("prompt");
        JsonNode properties = schema.get("properties");
        assertThat(properties.at("/prompt/type").asText()).isEqualTo("string");
        assertThat(properties.at("/prompt/description").asText()).isEqualTo("The positive prompt for image generation");
        assertThat(properties.at("/width/type").asText()).isEqualTo("integer");
        assertThat(properties.at("/width/minimum").asInt()).isEqualTo(256);
        assertThat(properties.at("/width/maximum").asInt()).isEqualTo(2048);
        assertThat(properties.at("/width/default").asInt()).isEqualTo(512);
        assertThat(properties.at("/sampler_name/enum")).extracting(JsonNode::asText)
                .containsExactly("euler", "euler_ancestral", "dpmpp_2m");
        assertThat(properties.at("/sampler_name/default").asText()).isEqualTo("euler");
        assertThat(properties.at("/checkpoint/enum")).extracting(JsonNode::asText)
                .containsExactly(Workflows.CKPT, Workflows.OTHER_CKPT);
        assertThat(schema.toString()).doesNotContain("$ref", "$schema");
        // a copy: the caller may edit it
        schema.removeAll();
        assertThat(endpoint.inputJsonSchema().has("properties")).isTrue();
    }

    @Test
    void theMarkdownTableListsEveryField() {
        String table = endpoint.inputTable();
        assertThat(table).startsWith("| Field | Type | Description | Default |\n|---|---|---|---|\n");
        assertThat(table).contains(
                "| prompt | string | The positive prompt for image generation | **Required** |",
                "| negative_prompt | string | The negative prompt for image generation | `text, watermark` |",
                "| width | integer | Width of the generated image | `512` |",
                "| cfg_scale | number | Classifier-free guidance scale | `8` |",
                "| sampler_name | enum: `euler`, `euler_ancestral`, `dpmpp_2m` | Name of the sampler to use | `euler` |",
                "| scheduler | enum: `normal`, `karras` | Type of scheduler to use | `normal` |",
                "| checkpoint | enum: `" + Workflows.CKPT + "`, `" + Workflows.OTHER_CKPT + "` |  | `"
                        + Workflows.CKPT + "` |");
        assertThat(table.lines()).hasSize(2 + 11);
        assertThat(endpoint.markdownDescription()).isEqualTo("Generate an image from a text prompt\n\n" + table);
    }

    @Test
    void withoutAWarmupCheckpointTheCheckpointIsOptional(@TempDir Path other) throws Exception {
        Workflows.write(other, "txt2img.ts", Workflows.seedTxt2Img());
        try (WorkflowRegistry noWarmup = WorkflowRegistry.load(other,
                Workflows.environment(Optional.empty(), List.of(Workflows.CKPT)))) {
            WorkflowEndpoint txt2img = noWarmup.find("txt2img").orElseThrow();
            Generated generated = txt2img.generate(json("{\"prompt\": \"x\"}"));
            assertThat(generated.input().has("checkpoint")).isFalse();
            assertThat(generated.prompt().at("/4/inputs").has("ckpt_name")).isFalse();
            assertThat(txt2img.inputTable()).contains("| checkpoint | enum: `" + Workflows.CKPT + "` |  |  |");
        }
    }
}
