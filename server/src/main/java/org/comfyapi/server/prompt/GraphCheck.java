package org.comfyapi.server.prompt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.graph.FirstError;
import org.comfyapi.graph.GraphValidator;
import org.comfyapi.graph.ObjectInfoCatalog;
import org.comfyapi.graph.py.PyException;
import org.comfyapi.server.comfy.NodeDefinitions;
import org.comfyapi.server.error.BadInput;

/**
 * A graph checked the way ComfyUI will check it at {@code POST /prompt}, against its live node list, so a bad
 * graph fails before anything is downloaded. Inputs we fill ourselves (URLs, base64) are checked as the file
 * names ComfyUI will see, that is, not against the choices.
 */
public final class GraphCheck {
    private final NodeDefinitions nodes;

    public GraphCheck(NodeDefinitions nodes) {
        this.nodes = nodes;
    }

    /**
     * Throws a 400 naming the first bad input. A graph that fails against the cached node list is checked
     * again against a fresh one. Throws {@code ComfyUnavailableException} when ComfyUI cannot be asked.
     */
    void check(ObjectNode graph) {
        JsonNode info = nodes.current();
        GraphValidator.Result result = validate(graph, info);
        if (!result.ok() && couldBeStale(result)) result = validate(graph, nodes.refetch(info));
        if (!result.ok()) throw rejected(result.error(), result.nodeErrors());
    }

    /** Only the lists of files and node classes change while ComfyUI runs; ranges and types do not. */
    private static boolean couldBeStale(GraphValidator.Result result) {
        if (result.error().path("type").asText().equals("invalid_prompt")) return true;
        for (JsonNode node : result.nodeErrors()) {
            for (JsonNode reason : node.path("errors")) {
                String type = reason.path("type").asText();
                if (type.equals("value_not_in_list") || type.equals("custom_validation_failed")) return true;
            }
        }
        return false;
    }

    private static GraphValidator.Result validate(ObjectNode graph, JsonNode info) {
        GraphValidator validator = new GraphValidator(new ObjectInfoCatalog(info));
        try {
            return validator.validatePrompt(graph.deepCopy(), null, (node, input) -> filledByUs(graph, node, input));
        } catch (PyException e) {
            throw new BadInput("The graph is malformed (ComfyUI would fail with " + e.type() + ": "
                    + e.str() + ")", "prompt");
        }
    }

    private static boolean filledByUs(ObjectNode graph, String node, String input) {
        JsonNode value = graph.path(node).path("inputs").path(input);
        return value.isTextual() && InputResolver.needsFetch(input, value.asText());
    }

    /** ComfyUI's validation answer, ours or its own: the first bad input in {@code error} and {@code location}. */
    static BadInput rejected(JsonNode error, JsonNode nodeErrors) {
        JsonNode errors = nodeErrors == null || !nodeErrors.isObject() ? JsonNodeFactory.instance.objectNode() : nodeErrors;
        FirstError first = FirstError.of(error, errors);
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        if (error != null && error.isObject()) details.set("comfy_error", error);
        details.set("node_errors", errors);
        return new BadInput(first.message(), first.location(), details);
    }
}
