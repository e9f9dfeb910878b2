package org.comfyapi.graph;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The first thing wrong with a graph, in one line, from ComfyUI's {@code error} and {@code node_errors}:
 * {@code node 1 (EmptyImage) input width: Value 0 smaller than min of 1} at {@code prompt.1.inputs.width}.
 */
public record FirstError(String message, String location) {
    private static final Pattern NODE_ID = Pattern.compile("Node ID '#(.*)'");

    public static FirstError of(JsonNode error, JsonNode nodeErrors) {
        Iterator<Map.Entry<String, JsonNode>> nodes = nodeErrors == null ? null : nodeErrors.properties().iterator();
        if (nodes != null && nodes.hasNext()) {
            Map.Entry<String, JsonNode> first = nodes.next();
            String nodeId = first.getKey();
            String node = "node " + nodeId + " (" + first.getValue().path("class_type").asText("?") + ")";
            JsonNode reason = first.getValue().path("errors").path(0);
            String message = reason.path("message").asText("invalid");
            String details = reason.path("details").asText("");
            String input = reason.path("extra_info").path("input_name").asText(null);
            if (input == null) {
                return new FirstError(node + ": " + join(message, details), "prompt." + nodeId);
            }
            return new FirstError(node + " input " + input + ": " + join(message, withoutName(details, input)),
                    "prompt." + nodeId + ".inputs." + input);
        }
        String message = error == null ? "Prompt failed validation" : error.path("message").asText("Prompt failed validation");
        String details = error == null ? "" : error.path("details").asText("");
        Matcher id = NODE_ID.matcher(details);
        if (id.matches()) return new FirstError(message, "prompt." + id.group(1) + ".class_type");
        return new FirstError(join(message, details), "prompt");
    }

    private static String join(String message, String details) {
        return details.isBlank() ? message : message + ": " + details;
    }

    /** ComfyUI's details start with the input's name ("width", "image - ...", "cfg, abc, ..."): said once is enough. */
    private static String withoutName(String details, String input) {
        if (details.equals(input)) return "";
        for (String sep : new String[] {": ", ", ", " - "}) {
            if (details.startsWith(input + sep)) return details.substring(input.length() + sep.length());
        }
        return details;
    }
}
