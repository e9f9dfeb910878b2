package org.comfyapi.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.comfyapi.server.workflow.WorkflowEnvironment;
import org.comfyapi.server.workflow.WorkflowRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The document as "Try it out" and linters see it. It is also written to target/openapi.json, which
 * .ci/run lints with {@code @redocly/cli} (redocly.yaml).
 */
class OpenApiDocumentTest {
    @TempDir
    Path dir;

    @Test
    void everyOperationHasAnIdAnExampleBodyAndDocumentedErrors() throws Exception {
        Files.writeString(dir.resolve("upscale.js"), """
                const { z } = require("zod");
                module.exports = {
                  RequestSchema: z.object({ image: z.string(), scale: z.number().min(1).default(2),
                                            mode: z.enum(["fast", "best"]).optional() }),
                  generateWorkflow: (input) => ({ "1": { class_type: "Upscale", inputs: input } }),
                };
                """);
        WorkflowEnvironment environment = new WorkflowEnvironment(Map.of(), Map.of(), List.of("euler"),
                List.of("normal"), Optional.empty(), 3000, Map.of());
        JsonNode document;
        try (WorkflowRegistry registry = WorkflowRegistry.load(dir, environment)) {
            document = new OpenApiDocument("1.2.3").json(registry.endpoints(), true);
        }
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(Path.of("target/openapi.json").toFile(), document);

        assertThat(document.at("/servers/0/url").asText()).isEqualTo("/");
        Set<String> ids = new HashSet<>();
        document.path("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
            assertThat(ids.add(op.getValue().path("operationId").asText())).as("unique operationId").isTrue();
            if (op.getKey().equals("post")) {
                assertThat(op.getValue().at("/requestBody/content/application~1json/example").isObject())
                        .as("example body of " + path.getKey()).isTrue();
                assertThat(op.getValue().at("/responses/400/content/application~1json/schema/$ref").asText())
                        .isEqualTo("#/components/schemas/Error");
            }
        }));
        assertThat(ids).doesNotContain("").contains("postPrompt", "workflow_upscale", "workflows_upscale", "getJob",
                "deleteJob", "getJobEvents", "getJobOutput");

        JsonNode prompt = document.at("/paths/~1prompt/post/requestBody/content/application~1json/example");
        assertThat(prompt.fieldNames()).toIterable().containsExactly("id", "prompt");
        assertThat(document.at("/paths/~1prompt~1{id}/get/parameters/0/example").asText())
                .as("the job routes' example id is the one the /prompt example sends").isEqualTo(prompt.path("id").asText());
        assertThat(prompt.at("/prompt/1/class_type").asText()).isEqualTo("EmptyImage");
        assertThat(prompt.at("/prompt/2/class_type").asText()).isEqualTo("ImageInvert");
        assertThat(prompt.at("/prompt/3/class_type").asText()).isEqualTo("SaveImage");

        JsonNode workflow = document.at("/paths/~1workflow~1upscale/post");
        assertThat(workflow.path("deprecated").asBoolean()).isFalse();
        assertThat(workflow.at("/requestBody/content/application~1json/example").toString())
                .isEqualTo("{\"input\":{\"image\":\"example\",\"scale\":2,\"mode\":\"fast\"}}");
        assertThat(document.at("/paths/~1workflows~1upscale/post/deprecated").asBoolean()).isTrue();

        assertThat(document.at("/components/schemas/Error/properties").fieldNames()).toIterable()
                .containsExactlyInAnyOrder("error", "location", "comfy_error", "node_errors", "issues");
    }
}
