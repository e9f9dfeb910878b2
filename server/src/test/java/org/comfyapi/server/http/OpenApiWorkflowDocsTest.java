package org.comfyapi.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.comfyapi.server.workflow.WorkflowEnvironment;
import org.comfyapi.server.workflow.WorkflowRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The workflow operations in /docs/json, with and without MARKDOWN_SCHEMA_DESCRIPTIONS. */
class OpenApiWorkflowDocsTest {
    @TempDir
    Path dir;

    @Test
    void descriptionsAreMarkdownTablesOnlyWhenAskedFor() throws Exception {
        Files.createDirectories(dir.resolve("x"));
        Files.writeString(dir.resolve("x/echo.js"), """
                const { z } = require("zod");
                module.exports = {
                  summary: "Echo",
                  description: "Says it back",
                  RequestSchema: z.object({ text: z.string().describe("What to say"), n: z.number().default(2) }),
                  generateWorkflow: (input) => ({ "1": { class_type: "Echo", inputs: input } }),
                };
                """);
        WorkflowEnvironment environment = new WorkflowEnvironment(Map.of(), Map.of(), List.of("euler"), List.of("normal"),
                Optional.empty(), 3000, Map.of());
        OpenApiDocument docs = new OpenApiDocument("test");
        try (WorkflowRegistry registry = WorkflowRegistry.load(dir, environment)) {
            JsonNode markdown = docs.json(registry.endpoints(), true).path("paths").path("/workflow/x/echo").path("post");
            assertThat(markdown.path("summary").asText()).isEqualTo("Echo");
            assertThat(markdown.path("description").asText()).startsWith("Says it back\n\n")
                    .contains("| text | string | What to say | **Required** |");
            JsonNode plain = docs.json(registry.endpoints(), false).path("paths").path("/workflows/x/echo").path("post");
            assertThat(plain.path("description").asText()).isEqualTo("Says it back");
            assertThat(plain.at("/requestBody/content/application~1json/schema/properties/input/properties/n/default")
                    .asInt()).isEqualTo(2);
            assertThat(plain.at("/responses/200/content/application~1json/schema/properties/input/type").asText())
                    .isEqualTo("object");
        }
        assertThat(docs.json().path("paths").has("/workflow/x/echo")).as("the core document is left alone").isFalse();
        assertThat(docs.json(List.of(), true).path("paths").has("/prompt")).isTrue();
    }
}
