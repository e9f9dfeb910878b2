package org.comfyapi.server.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** One loaded workflow file: what the docs show about it, and the call that turns input into a graph. */
public final class WorkflowEndpoint {
    private final String route;
    private final String file;
    private final Optional<String> summary;
    private final Optional<String> description;
    private final ObjectNode inputJsonSchema;
    private final String inputTable;
    private final ContextPool pool;

    WorkflowEndpoint(String route, String file, WorkflowContext.Description described, ContextPool pool) {
        this.route = route;
        this.file = file;
        this.summary = Optional.ofNullable(described.summary());
        this.description = Optional.ofNullable(described.description());
        this.inputJsonSchema = described.schema();
        this.inputTable = InputTable.of(described.schema());
        this.pool = pool;
    }

    /** The path under /workflow/, e.g. "sdxl/txt2img" for WORKFLOW_DIR/sdxl/txt2img.ts. */
    public String route() {
        return route;
    }

    public Optional<String> summary() {
        return summary;
    }

    public Optional<String> description() {
        return description;
    }

    /** The input's JSON schema (OpenAPI 3 flavour), a copy the caller may change. */
    public ObjectNode inputJsonSchema() {
        return inputJsonSchema.deepCopy();
    }

    /** The markdown table of the input fields: field, type (enums listed), description, default or **Required**. */
    public String inputTable() {
        return inputTable;
    }

    /** The description (if any) followed by the input table, for the docs. */
    public String markdownDescription() {
        return description.map(text -> text + "\n\n").orElse("") + inputTable;
    }

    /**
     * Validates {@code input} with the RequestSchema (defaults applied) and calls generateWorkflow.
     *
     * @throws WorkflowInputException      the input does not fit the schema
     * @throws WorkflowGenerationException generateWorkflow threw or rejected
     */
    public Generated generate(JsonNode input) {
        // "" stands for a missing input: zod then says "Required", as it does for the seed.
        String inputJson = input == null || input.isMissingNode() ? "" : input.toString();
        JsOutcome outcome = pool.use(context -> context.generate(file, inputJson));
        return switch (outcome) {
            case JsOutcome.Generated(String validInput, String prompt) ->
                    new Generated(JsJson.parseObject(validInput), JsJson.parseObject(prompt));
            case JsOutcome.Invalid(String issues) -> throw new WorkflowInputException(issues(issues));
            case JsOutcome.Failed(String message) -> throw new WorkflowGenerationException(message);
        };
    }

    private static List<WorkflowInputException.Issue> issues(String json) {
        List<WorkflowInputException.Issue> issues = new ArrayList<>();
        for (JsonNode issue : JsJson.parse(json)) {
            StringBuilder path = new StringBuilder("input");
            issue.path("path").forEach(segment -> path.append('.').append(segment.asText()));
            issues.add(new WorkflowInputException.Issue(path.toString(), issue.path("message").asText()));
        }
        return issues;
    }

    @Override
    public String toString() {
        return "WorkflowEndpoint[" + route + "]";
    }
}
